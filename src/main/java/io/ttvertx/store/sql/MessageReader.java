package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/**
 * Reads messages of a conversation or a group, newest first, as TeamTalk's MessageModel and
 * GroupMessageModel answer them; audio messages come back with their bytes (tt_audio_data).
 */
public final class MessageReader {
  static final int MAX_MESSAGES_BY_ID = 100;

  private final SqlDatabase db;

  public MessageReader(SqlDatabase db) {
    this.db = db;
  }

  /**
   * Messages of a relation or group, newest first: those matching {@code conditions} (each starting
   * with " AND ", their params in {@code params}), at most {@code limit}.
   */
  public Future<List<MessageRecord>> select(MessageKind kind, int id, String conditions, List<Object> params,
                                            int limit) {
    List<Object> values = new ArrayList<>(params.size() + 2);
    values.add(id);
    values.addAll(params);
    values.add(limit);
    return db.pool().preparedQuery("SELECT " + kind.selectColumns + " FROM " + kind.table(id) + " WHERE "
            + kind.keyColumn + " = ? AND status = 0" + conditions + " ORDER BY msgId DESC LIMIT ?")
        .execute(Tuple.wrap(values)).compose(this::messagesOf);
  }

  /** Messages with ids up to {@code beginMsgId} (all when 0) and matching {@code conditions}, newest first. */
  public Future<List<MessageRecord>> page(MessageKind kind, int id, String conditions, List<Object> params,
                                          int beginMsgId, int count) {
    if (beginMsgId == 0) {
      return select(kind, id, conditions, params, count);
    }
    List<Object> values = new ArrayList<>(params);
    values.add(beginMsgId);
    return select(kind, id, conditions + " AND msgId <= ?", values, count);
  }

  /** The messages with these ids (and {@code conditions}), newest first and at most 100. */
  public Future<List<MessageRecord>> byIds(MessageKind kind, int id, String conditions, List<Object> params,
                                           Collection<Integer> msgIds) {
    List<Object> values = new ArrayList<>(params);
    List<Integer> ids = new ArrayList<>(new HashSet<>(msgIds));
    List<Integer> asked = ids.subList(0, Math.min(ids.size(), MAX_MESSAGES_BY_ID));
    values.addAll(asked);
    return select(kind, id, conditions + " AND msgId IN (" + Sql.placeholders(asked.size()) + ")", values,
        MAX_MESSAGES_BY_ID);
  }

  /** The newest message of a relation or group, or null. */
  public Future<MessageRecord> latest(MessageKind kind, int id) {
    return select(kind, id, "", List.of(), 1).map(list -> list.isEmpty() ? null : list.get(0));
  }

  /** Maps message rows, fetching the bytes of audio messages from tt_audio_data. */
  private Future<List<MessageRecord>> messagesOf(RowSet<Row> rows) {
    List<Future<MessageRecord>> messages = new ArrayList<>();
    for (Row row : rows) {
      int msgId = row.getInteger(0);
      int from = row.getInteger(1);
      int to = row.getInteger(2);
      int created = row.getInteger(3);
      int type = row.getInteger(4);
      String content = row.getString(5);
      if (AudioContent.isAudio(type)) {
        messages.add(audioBytes(content).map(bytes -> new MessageRecord(msgId, from, to, created, type, bytes)));
      } else {
        messages.add(Future.succeededFuture(new MessageRecord(msgId, from, to, created, type,
            content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return Future.all(messages).map(all -> messages.stream().map(Future::result).toList());
  }

  private Future<byte[]> audioBytes(String audioId) {
    int id;
    try {
      id = Integer.parseInt(audioId.trim());
    } catch (RuntimeException e) {
      return Future.succeededFuture(new byte[0]);
    }
    return db.pool().preparedQuery("SELECT a.duration, d.data FROM IMAudio a LEFT JOIN tt_audio_data d"
            + " ON d.audioId = a.id WHERE a.id = ?")
        .execute(Tuple.of(id)).map(rows -> {
          if (rows.size() == 0) {
            return new byte[0];
          }
          Row row = rows.iterator().next();
          Buffer data = row.getValue(1) == null ? Buffer.buffer() : row.getBuffer(1);
          return AudioContent.join(row.getInteger(0), data.getBytes());
        });
  }
}
