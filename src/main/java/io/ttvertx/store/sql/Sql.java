package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** Small helpers every SQL part of the store uses: IN lists in chunks, placeholders, row mapping, the clock. */
public final class Sql {
  /** Most values in one IN list. */
  static final int IN_CHUNK = 500;

  private Sql() {
  }

  /** Now in epoch seconds, as TeamTalk's int(11) time columns hold it. */
  public static int now() {
    return (int) (System.currentTimeMillis() / 1000);
  }

  public static String placeholders(int count) {
    StringBuilder text = new StringBuilder(count * 3);
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "?" : ", ?");
    }
    return text.toString();
  }

  /**
   * Runs {@code select} (which ends in "IN (") with {@code leading} params and then one chunk of
   * {@link #IN_CHUNK} {@code values} at a time; the rows of all chunks.
   */
  public static Future<List<Row>> selectIn(SqlClient client, String select, List<?> leading, Collection<?> values) {
    List<?> all = new ArrayList<>(values);
    List<Future<RowSet<Row>>> chunks = new ArrayList<>();
    for (int from = 0; from < all.size(); from += IN_CHUNK) {
      List<?> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
      List<Object> params = new ArrayList<>(leading);
      params.addAll(chunk);
      chunks.add(client.preparedQuery(select + placeholders(chunk.size()) + ")").execute(Tuple.wrap(params)));
    }
    return Future.all(chunks).map(done -> {
      List<Row> rows = new ArrayList<>();
      chunks.forEach(chunk -> chunk.result().forEach(rows::add));
      return rows;
    });
  }

  public static <T> List<T> map(Iterable<Row> rows, Function<Row, T> mapper) {
    List<T> list = new ArrayList<>();
    rows.forEach(row -> list.add(mapper.apply(row)));
    return list;
  }

  public static int intOrZero(Row row, int column) {
    Object value = row.getValue(column);
    return value == null ? 0 : ((Number) value).intValue();
  }

  public static Tuple tuple(int... values) {
    Tuple tuple = Tuple.tuple();
    for (int value : values) {
      tuple.addInteger(value);
    }
    return tuple;
  }

  /** The ids, deduplicated and ascending. */
  public static List<Integer> sorted(Collection<Integer> ids) {
    return ids.stream().distinct().sorted().toList();
  }
}
