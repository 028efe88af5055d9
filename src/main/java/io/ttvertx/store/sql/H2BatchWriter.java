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
  private static final String LOCK_COUNTERS = "SELECT relateId, msgId FROM tt_msg_counter WHERE relateId = ANY(?) FOR UPDATE";
  private static final String UPDATE_COUNTER = "UPDATE tt_msg_counter SET msgId = ? WHERE relateId = ?";
  private static final String INSERT_COUNTER = "INSERT INTO tt_msg_counter (msgId, relateId) VALUES (?, ?)";
  // an UPDATE by primary key, then an INSERT where none was updated: H2's MERGE ... USING builds a
  // derived table per row, and INSERT ... ON DUPLICATE KEY UPDATE throws an exception per duplicate
  private static final String ADD_UNREAD = "UPDATE tt_unread SET cnt = cnt + ? WHERE userId = ? AND peerId = ?";
  private static final String INSERT_UNREAD = "INSERT INTO tt_unread (cnt, userId, peerId) VALUES (?, ?, ?)";

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
    List<MessageRecord> records;
    try {
      records = SqlStore.withIds(batch, allocateIds(batch));
      insertMessages(batch, records);
      addUnread(records);
      createSessions(newSessions);
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

  private int[] allocateIds(List<SqlStore.PendingMessage> batch) throws SQLException {
    LinkedHashSet<Integer> relations = new LinkedHashSet<>();
    batch.forEach(m -> relations.add(m.relateId()));
    Map<Integer, Integer> last = new HashMap<>();
    PreparedStatement lock = statement(LOCK_COUNTERS);
    lock.setObject(1, relations.toArray(new Integer[0]));
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
    PreparedStatement update = statement(UPDATE_COUNTER);
    PreparedStatement insert = statement(INSERT_COUNTER);
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

  private void insertMessages(List<SqlStore.PendingMessage> batch, List<MessageRecord> records) throws SQLException {
    Map<String, PreparedStatement> byTable = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      MessageRecord m = records.get(i);
      int relateId = batch.get(i).relateId();
      String content = AudioContent.isAudio(m.msgType()) ? Integer.toString(insertAudio(m))
          : new String(m.msgData(), StandardCharsets.UTF_8);
      String table = SqlStore.messageTable(relateId);
      PreparedStatement insert = byTable.computeIfAbsent(table, t -> statement("INSERT INTO " + t
          + SqlStore.MESSAGE_INSERT_COLUMNS + " VALUES " + SqlStore.MESSAGE_INSERT_ROW));
      insert.setInt(1, relateId);
      insert.setInt(2, m.fromUserId());
      insert.setInt(3, m.toUserId());
      insert.setInt(4, m.msgId());
      insert.setString(5, content);
      insert.setInt(6, m.msgType());
      insert.setInt(7, m.createTime());
      insert.setInt(8, m.createTime());
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
    int[] updated = executeBatch(ADD_UNREAD, increments);
    List<int[]> missing = new ArrayList<>();
    for (int i = 0; i < updated.length; i++) {
      if (updated[i] == 0) {
        missing.add(increments.get(i));
      }
    }
    executeBatch(INSERT_UNREAD, missing);
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
    if (sessions.isEmpty()) {
      return;
    }
    PreparedStatement revive = statement(SqlStore.REVIVE_SESSION);
    PreparedStatement insert = statement(SqlStore.INSERT_MISSING_SESSION);
    for (int[] session : sessions.values()) {
      revive.setInt(1, session[2]);
      revive.setInt(2, session[0]);
      revive.setInt(3, session[1]);
      revive.addBatch();
      insert.setInt(1, session[0]);
      insert.setInt(2, session[1]);
      insert.setInt(3, session[2]);
      insert.setInt(4, session[2]);
      insert.setInt(5, session[0]);
      insert.setInt(6, session[1]);
      insert.addBatch();
    }
    revive.executeBatch();
    insert.executeBatch();
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
