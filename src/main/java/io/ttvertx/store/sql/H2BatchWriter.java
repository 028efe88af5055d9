package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes the embedded store's message batches over one JDBC connection of its own, each batch as one
 * blocking call on a worker thread: a transaction through the Vert.x pool would go back to the event
 * loop between statements, and under load each of those turns waits behind thousands of other tasks.
 * Not thread-safe: the store calls it for one batch at a time.
 */
final class H2BatchWriter implements AutoCloseable {
  /** A counter table's statements: lock the batch's rows, then advance or insert one (params: last id, key). */
  private record Counters(String lock, String update, String insert) {
  }

  private static final Counters MESSAGE_COUNTERS = new Counters(
      "SELECT relateId, msgId FROM tt_msg_counter WHERE relateId = ANY(?) FOR UPDATE",
      "UPDATE tt_msg_counter SET msgId = ? WHERE relateId = ?",
      "INSERT INTO tt_msg_counter (msgId, relateId) VALUES (?, ?)");
  private static final Counters GROUP_COUNTERS = new Counters(
      "SELECT groupId, msgId FROM tt_group_counter WHERE groupId = ANY(?) FOR UPDATE",
      "UPDATE tt_group_counter SET msgId = ? WHERE groupId = ?",
      "INSERT INTO tt_group_counter (msgId, groupId) VALUES (?, ?)");
  // an UPDATE by primary key, then an INSERT where none was updated: H2's MERGE ... USING builds a
  // derived table per row, and INSERT ... ON DUPLICATE KEY UPDATE throws an exception per duplicate
  private static final String ADD_UNREAD = "UPDATE tt_unread SET cnt = cnt + ? WHERE userId = ? AND peerId = ?";
  private static final String INSERT_UNREAD = "INSERT INTO tt_unread (cnt, userId, peerId) VALUES (?, ?, ?)";
  private static final String SET_READ = "UPDATE tt_group_read SET cnt = ? WHERE userId = ? AND groupId = ?";
  private static final String INSERT_READ = "INSERT INTO tt_group_read (cnt, userId, groupId) VALUES (?, ?, ?)";

  private interface Work {
    List<MessageRecord> run() throws SQLException;
  }

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  H2BatchWriter(String url) throws SQLException {
    connection = DriverManager.getConnection(url, "sa", "");
    connection.setAutoCommit(false);
  }

  /**
   * Stores a batch in one transaction and forces it to the disk: the batch's conversation counters
   * are locked and advanced, the messages inserted, the unread counts raised and the new sessions
   * created. Returns the messages with their ids, in the batch's order.
   */
  List<MessageRecord> write(List<SqlStore.PendingMessage> batch, Map<Long, int[]> newSessions) throws SQLException {
    return durably(() -> {
      List<MessageRecord> records = SqlStore.withIds(batch, allocateIds(batch, MESSAGE_COUNTERS));
      insertMessages(SqlStore.MessageKind.SINGLE, batch, records);
      addUnread(records);
      createSessions(newSessions);
      return records;
    });
  }

  /**
   * Stores a batch of group messages as {@link #write} does: the groups' counters are locked and
   * advanced, IMGroup.lastChated set, the messages inserted, each sender's read count set to their
   * last message and the senders' new sessions created.
   */
  List<MessageRecord> writeGroups(List<SqlStore.PendingMessage> batch, Map<Long, int[]> newSessions)
      throws SQLException {
    return durably(() -> {
      List<MessageRecord> records = SqlStore.withIds(batch, allocateIds(batch, GROUP_COUNTERS));
      List<int[]> lastChated = new ArrayList<>();
      SqlStore.lastChated(records).forEach((groupId, time) -> lastChated.add(new int[] {time, groupId}));
      executeBatch(SqlStore.UPDATE_LAST_CHATED, lastChated);
      insertMessages(SqlStore.MessageKind.GROUP, batch, records);
      List<int[]> readCounts = new ArrayList<>();
      SqlStore.lastSentBySender(records).forEach((groupId, bySender) -> bySender.forEach((sender, last) ->
          readCounts.add(new int[] {last, sender, groupId})));
      updateElseInsert(SET_READ, INSERT_READ, readCounts);
      createSessions(newSessions);
      return records;
    });
  }

  /** Runs {@code work} in one transaction, then forces the commit to the disk. */
  private List<MessageRecord> durably(Work work) throws SQLException {
    List<MessageRecord> records;
    try {
      records = work.run();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
    // the commit is in the file; this forces it to the disk, once for the whole batch
    try (Statement sync = connection.createStatement()) {
      sync.execute("CHECKPOINT SYNC");
    }
    return records;
  }

  private int[] allocateIds(List<SqlStore.PendingMessage> batch, Counters counters) throws SQLException {
    LinkedHashSet<Integer> keys = new LinkedHashSet<>();
    batch.forEach(m -> keys.add(m.relateId()));
    Map<Integer, Integer> last = new HashMap<>();
    PreparedStatement lock = statement(counters.lock());
    lock.setObject(1, keys.toArray(new Integer[0]));
    try (ResultSet rows = lock.executeQuery()) {
      while (rows.next()) {
        last.put(rows.getInt(1), rows.getInt(2));
      }
    }
    Map<Integer, Integer> existing = new HashMap<>(last);
    int[] ids = new int[batch.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = last.merge(batch.get(i).relateId(), 1, Integer::sum);
    }
    PreparedStatement update = statement(counters.update());
    PreparedStatement insert = statement(counters.insert());
    for (Map.Entry<Integer, Integer> counter : last.entrySet()) {
      PreparedStatement target = existing.containsKey(counter.getKey()) ? update : insert;
      target.setInt(1, counter.getValue());
      target.setInt(2, counter.getKey());
      target.addBatch();
    }
    update.executeBatch();
    insert.executeBatch();
    return ids;
  }

  private void insertMessages(SqlStore.MessageKind kind, List<SqlStore.PendingMessage> batch,
                              List<MessageRecord> records) throws SQLException {
    Map<String, PreparedStatement> byTable = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      MessageRecord m = records.get(i);
      int id = batch.get(i).relateId();
      String content = AudioContent.isAudio(m.msgType()) ? Integer.toString(insertAudio(m))
          : new String(m.msgData(), StandardCharsets.UTF_8);
      PreparedStatement insert = byTable.computeIfAbsent(kind.table(id), table -> statement("INSERT INTO " + table
          + kind.insertColumns + " VALUES " + kind.insertRow));
      List<Object> row = kind.row(id, m, content);
      for (int column = 0; column < row.size(); column++) {
        insert.setObject(column + 1, row.get(column));
      }
      insert.addBatch();
    }
    for (PreparedStatement insert : byTable.values()) {
      insert.executeBatch();
    }
  }

  private int insertAudio(MessageRecord message) throws SQLException {
    AudioContent audio = AudioContent.split(message.msgData());
    int id;
    try (PreparedStatement insert = connection.prepareStatement(SqlStore.INSERT_AUDIO, Statement.RETURN_GENERATED_KEYS)) {
      insert.setInt(1, message.fromUserId());
      insert.setInt(2, message.toUserId());
      insert.setInt(3, audio.data().length);
      insert.setInt(4, audio.duration());
      insert.setInt(5, message.createTime());
      insert.executeUpdate();
      try (ResultSet keys = insert.getGeneratedKeys()) {
        keys.next();
        id = keys.getInt(1);
      }
    }
    PreparedStatement data = statement(SqlStore.INSERT_AUDIO_DATA);
    data.setInt(1, id);
    data.setBytes(2, audio.data());
    data.executeUpdate();
    return id;
  }

  private void addUnread(List<MessageRecord> records) throws SQLException {
    List<int[]> increments = new ArrayList<>();
    SqlStore.unreadIncrements(records).forEach((receiver, bySender) -> bySender.forEach((sender, count) ->
        increments.add(new int[] {count, receiver, sender})));
    updateElseInsert(ADD_UNREAD, INSERT_UNREAD, increments);
  }

  /** Runs {@code update} for each row, then {@code insert} (same params) for the rows it found nothing to update. */
  private void updateElseInsert(String update, String insert, List<int[]> rows) throws SQLException {
    int[] updated = executeBatch(update, rows);
    List<int[]> missing = new ArrayList<>();
    for (int i = 0; i < updated.length; i++) {
      if (updated[i] == 0) {
        missing.add(rows.get(i));
      }
    }
    executeBatch(insert, missing);
  }

  private int[] executeBatch(String sql, List<int[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return new int[0];
    }
    PreparedStatement statement = statement(sql);
    for (int[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        statement.setInt(i + 1, row[i]);
      }
      statement.addBatch();
    }
    return statement.executeBatch();
  }

  private void createSessions(Map<Long, int[]> sessions) throws SQLException {
    List<int[]> revive = new ArrayList<>(sessions.size());
    List<int[]> insert = new ArrayList<>(sessions.size());
    for (int[] session : sessions.values()) {
      revive.add(SqlStore.reviveSessionParams(session));
      insert.add(SqlStore.insertSessionParams(session));
    }
    executeBatch(SqlStore.REVIVE_SESSION, revive);
    executeBatch(SqlStore.INSERT_MISSING_SESSION, insert);
  }

  private PreparedStatement statement(String sql) {
    return statements.computeIfAbsent(sql, text -> {
      try {
        return connection.prepareStatement(text);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot prepare " + text, e);
      }
    });
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
