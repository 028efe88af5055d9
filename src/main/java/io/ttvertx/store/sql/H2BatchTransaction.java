package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes the embedded store's message batches over one JDBC connection of its own, each batch as one
 * blocking call on a worker thread: a transaction through the Vert.x pool would go back to the event
 * loop between statements, and under load each of those turns waits behind thousands of other tasks.
 * Ids, unread counts and read marks live in H2 tables here and change in the batch's transaction.
 * Not thread-safe: one batch at a time.
 */
final class H2BatchTransaction implements AutoCloseable {
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

  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  H2BatchTransaction(String url) throws SQLException {
    connection = DriverManager.getConnection(url, "sa", "");
    connection.setAutoCommit(false);
  }

  /**
   * Stores a batch in one transaction and forces it to the disk: the batch's counters are locked and
   * advanced, the messages inserted, 1:1 messages counted unread, each group sender's read mark set to
   * their last message and IMGroup.lastChated set, the new sessions created. Returns the messages with
   * their ids, in the batch's order.
   */
  List<MessageRecord> write(MessageKind kind, List<PendingMessage> batch, List<SessionTouch> newSessions)
      throws SQLException {
    List<MessageRecord> records;
    try {
      records = MessageRows.withIds(batch, allocateIds(batch, kind == MessageKind.SINGLE ? MESSAGE_COUNTERS
          : GROUP_COUNTERS));
      insertMessages(kind, batch, records);
      if (kind == MessageKind.SINGLE) {
        addUnread(records);
      } else {
        markSendersRead(records);
      }
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

  private int[] allocateIds(List<PendingMessage> batch, Counters counters) throws SQLException {
    LinkedHashSet<Integer> keys = new LinkedHashSet<>();
    batch.forEach(m -> keys.add(m.conversationId()));
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
      ids[i] = last.merge(batch.get(i).conversationId(), 1, Integer::sum);
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

  private void insertMessages(MessageKind kind, List<PendingMessage> batch, List<MessageRecord> records)
      throws SQLException {
    List<String> contents = new ArrayList<>(records.size());
    for (MessageRecord m : records) {
      contents.add(AudioContent.isAudio(m.msgType()) ? Integer.toString(insertAudio(m)) : MessageRows.text(m));
    }
    for (Map.Entry<String, List<List<Object>>> table : MessageRows.byTable(kind, batch, records, contents).entrySet()) {
      PreparedStatement insert = statement(MessageRows.insert(kind, table.getKey(), 1));
      for (List<Object> row : table.getValue()) {
        for (int column = 0; column < row.size(); column++) {
          insert.setObject(column + 1, row.get(column));
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private int insertAudio(MessageRecord message) throws SQLException {
    AudioContent audio = AudioContent.split(message.msgData());
    int id;
    try (PreparedStatement insert = connection.prepareStatement(MessageRows.INSERT_AUDIO,
        Statement.RETURN_GENERATED_KEYS)) {
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
    PreparedStatement data = statement(MessageRows.INSERT_AUDIO_DATA);
    data.setInt(1, id);
    data.setBytes(2, audio.data());
    data.executeUpdate();
    return id;
  }

  private void addUnread(List<MessageRecord> records) throws SQLException {
    List<int[]> increments = new ArrayList<>();
    MessageRows.unreadIncrements(records).forEach((receiver, bySender) -> bySender.forEach((sender, count) ->
        increments.add(new int[] {count, receiver, sender})));
    updateElseInsert(ADD_UNREAD, INSERT_UNREAD, increments);
  }

  private void markSendersRead(List<MessageRecord> records) throws SQLException {
    List<int[]> lastChated = new ArrayList<>();
    MessageRows.lastChated(records).forEach((groupId, time) -> lastChated.add(new int[] {time, groupId}));
    executeBatch(MessageRows.UPDATE_LAST_CHATED, lastChated);
    List<int[]> readMarks = new ArrayList<>();
    MessageRows.lastSentBySender(records).forEach((groupId, bySender) -> bySender.forEach((sender, last) ->
        readMarks.add(new int[] {last, sender, groupId})));
    updateElseInsert(SET_READ, INSERT_READ, readMarks);
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

  private void createSessions(List<SessionTouch> sessions) throws SQLException {
    int[] revived = executeBatch(RecentSessions.REVIVE_SESSION, sessions.stream().map(RecentSessions::reviveParams)
        .toList());
    List<int[]> missing = new ArrayList<>();
    for (int i = 0; i < revived.length; i++) {
      if (revived[i] == 0) {
        missing.add(RecentSessions.insertParams(sessions.get(i)));
      }
    }
    executeBatch(RecentSessions.INSERT_SESSION, missing);
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
