package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The embedded store: an H2 file database (MySQL mode) through vertx-jdbc-client, with TeamTalk's
 * tables. The counters TeamTalk keeps in Redis live in tables here: tt_msg_counter (last message id
 * per relation), tt_unread (unread count per receiver and sender), tt_group_counter (last message id
 * per group, which is also the group's message count), tt_group_read (the count each member has
 * read: unread is the difference) and tt_group_setting (push shields). Group members are
 * IMGroupMember's rows with status 0. Messages are written in
 * batches, each with its ids, unread counts and recent sessions in one transaction; H2 runs with
 * WRITE_DELAY=0 and each batch's commit is followed by CHECKPOINT SYNC, so a message is on the disk
 * (not only in the file) before its future completes.
 */
public final class EmbeddedStore extends SqlStore {
  /** Readers run in parallel; messages have one writer (see SqlStore#saveMessage). */
  static final int POOL_SIZE = 8;
  static final int MESSAGE_ID_CACHE = 4096;
  static final int MAX_H2_BATCH = 2000;

  private final Vertx vertx;
  private final StoreOptions options;
  private H2BatchWriter batchWriter;
  /** Group messages have a writer (and a connection) of their own, so they never wait for 1:1 batches. */
  private H2BatchWriter groupBatchWriter;

  public EmbeddedStore(Vertx vertx, StoreOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }

  @Override
  protected Future<Void> connect() {
    Path file = Path.of(options.embeddedPath()).toAbsolutePath();
    String url = "jdbc:h2:file:" + file + ";MODE=MySQL;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(url).setUser("sa").setPassword(""),
        new PoolOptions().setMaxSize(POOL_SIZE));
    return vertx.executeBlocking(() -> {
      batchWriter = new H2BatchWriter(url);
      groupBatchWriter = new H2BatchWriter(url);
      return null;
    });
  }

  @Override
  protected List<String> schema() {
    List<String> tables = new ArrayList<>(List.of(
        "CREATE TABLE IF NOT EXISTS IMUser (id INT AUTO_INCREMENT PRIMARY KEY, sex INT NOT NULL DEFAULT 0,"
            + " name VARCHAR(32) NOT NULL DEFAULT '', domain VARCHAR(32) NOT NULL DEFAULT '',"
            + " nick VARCHAR(32) NOT NULL DEFAULT '', password VARCHAR(32) NOT NULL DEFAULT '',"
            + " salt VARCHAR(4) NOT NULL DEFAULT '', phone VARCHAR(11) NOT NULL DEFAULT '',"
            + " email VARCHAR(64) NOT NULL DEFAULT '', avatar VARCHAR(255) DEFAULT '', departId INT NOT NULL,"
            + " status INT DEFAULT 0, created INT NOT NULL, updated INT NOT NULL,"
            + " push_shield_status INT NOT NULL DEFAULT 0, sign_info VARCHAR(128) NOT NULL DEFAULT '')",
        "CREATE INDEX IF NOT EXISTS idx_user_name ON IMUser (name)",
        "CREATE TABLE IF NOT EXISTS IMDepart (id INT AUTO_INCREMENT PRIMARY KEY,"
            + " departName VARCHAR(64) NOT NULL DEFAULT '', priority INT NOT NULL DEFAULT 0, parentId INT NOT NULL,"
            + " status INT NOT NULL DEFAULT 0, created INT NOT NULL, updated INT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS IMRelationShip (id INT AUTO_INCREMENT PRIMARY KEY, smallId INT NOT NULL,"
            + " bigId INT NOT NULL, status INT DEFAULT 0, created INT NOT NULL DEFAULT 0,"
            + " updated INT NOT NULL DEFAULT 0, CONSTRAINT uq_relation UNIQUE (smallId, bigId))",
        "CREATE TABLE IF NOT EXISTS IMRecentSession (id INT AUTO_INCREMENT PRIMARY KEY, userId INT NOT NULL,"
            + " peerId INT NOT NULL, type INT DEFAULT 0, status INT DEFAULT 0, created INT NOT NULL DEFAULT 0,"
            + " updated INT NOT NULL DEFAULT 0, CONSTRAINT uq_session UNIQUE (userId, peerId, type))",
        "CREATE INDEX IF NOT EXISTS idx_session_user ON IMRecentSession (userId, status, updated)",
        "CREATE TABLE IF NOT EXISTS IMAudio (id INT AUTO_INCREMENT PRIMARY KEY, fromId INT NOT NULL,"
            + " toId INT NOT NULL, path VARCHAR(255) DEFAULT '', size INT NOT NULL DEFAULT 0,"
            + " duration INT NOT NULL DEFAULT 0, created INT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tt_audio_data (audioId INT PRIMARY KEY, data VARBINARY(1048576) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tt_msg_counter (relateId INT PRIMARY KEY, msgId INT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tt_unread (userId INT NOT NULL, peerId INT NOT NULL, cnt INT NOT NULL,"
            + " PRIMARY KEY (userId, peerId))",
        "CREATE TABLE IF NOT EXISTS tt_device_token (userId INT PRIMARY KEY, clientType INT NOT NULL,"
            + " token VARCHAR(255) NOT NULL)",
        "CREATE TABLE IF NOT EXISTS IMGroup (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(256) NOT NULL DEFAULT '',"
            + " avatar VARCHAR(256) NOT NULL DEFAULT '', creator INT NOT NULL DEFAULT 0, type INT NOT NULL DEFAULT 1,"
            + " userCnt INT NOT NULL DEFAULT 0, status INT NOT NULL DEFAULT 1, version INT NOT NULL DEFAULT 1,"
            + " lastChated INT NOT NULL DEFAULT 0, updated INT NOT NULL DEFAULT 0, created INT NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS IMGroupMember (id INT AUTO_INCREMENT PRIMARY KEY, groupId INT NOT NULL,"
            + " userId INT NOT NULL, status INT NOT NULL DEFAULT 1, created INT NOT NULL DEFAULT 0,"
            + " updated INT NOT NULL DEFAULT 0, CONSTRAINT uq_group_member UNIQUE (groupId, userId))",
        "CREATE INDEX IF NOT EXISTS idx_group_member_user ON IMGroupMember (userId, status)",
        "CREATE TABLE IF NOT EXISTS tt_group_counter (groupId INT PRIMARY KEY, msgId INT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS tt_group_read (userId INT NOT NULL, groupId INT NOT NULL, cnt INT NOT NULL,"
            + " PRIMARY KEY (userId, groupId))",
        "CREATE TABLE IF NOT EXISTS tt_group_setting (groupId INT NOT NULL, userId INT NOT NULL, shield INT NOT NULL,"
            + " PRIMARY KEY (groupId, userId))"));
    for (int i = 0; i < MESSAGE_TABLES; i++) {
      tables.add("CREATE TABLE IF NOT EXISTS IMMessage_" + i + " (id INT AUTO_INCREMENT PRIMARY KEY,"
          + " relateId INT NOT NULL, fromId INT NOT NULL, toId INT NOT NULL, msgId INT NOT NULL,"
          + " content VARCHAR(4096) DEFAULT '', type INT NOT NULL DEFAULT 1, status INT NOT NULL DEFAULT 0,"
          + " updated INT NOT NULL, created INT NOT NULL, CONSTRAINT uq_message_" + i + " UNIQUE (relateId, msgId))");
      // H2 persists an identity column's position every CACHE values (32 by default): a sixth of the
      // insert cost at full load. A crash may then skip ids of this column; msgId never skips.
      tables.add("ALTER TABLE IMMessage_" + i + " ALTER COLUMN id SET CACHE " + MESSAGE_ID_CACHE);
      tables.add("CREATE TABLE IF NOT EXISTS IMGroupMessage_" + i + " (id INT AUTO_INCREMENT PRIMARY KEY,"
          + " groupId INT NOT NULL, userId INT NOT NULL, msgId INT NOT NULL, content VARCHAR(4096) NOT NULL DEFAULT '',"
          + " type INT NOT NULL DEFAULT 2, status INT NOT NULL DEFAULT 0, updated INT NOT NULL DEFAULT 0,"
          + " created INT NOT NULL DEFAULT 0, CONSTRAINT uq_group_message_" + i + " UNIQUE (groupId, msgId))");
      tables.add("ALTER TABLE IMGroupMessage_" + i + " ALTER COLUMN id SET CACHE " + MESSAGE_ID_CACHE);
    }
    return tables;
  }

  /**
   * Transactions by SQL rather than the pool's: vertx-jdbc-client 5.0.7 turns auto-commit off (not
   * back on) after a commit, so a statement later run outside a transaction on that pooled connection
   * would stay uncommitted, invisible to the others and holding its locks. Here every connection goes
   * back to the pool with auto-commit on.
   */
  @Override
  protected <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> conn.query("SET AUTOCOMMIT FALSE").execute()
        .compose(begun -> work.apply(conn))
        .compose(result -> conn.query("COMMIT").execute().map(result),
            failure -> conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<T>failedFuture(failure)))
        .eventually(() -> conn.query("SET AUTOCOMMIT TRUE").execute()));
  }

  @Override
  protected Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params).map(rows -> {
      Row keys = rows.property(JDBCPool.GENERATED_KEYS);
      return keys.getInteger(0);
    });
  }

  /**
   * One batch is written at a time, and most of an H2 commit's cost is the index pages it rewrites,
   * which grows more slowly than the batch: under load, batches grow larger than MySQL's.
   */
  @Override
  protected int maxBatchSize() {
    return MAX_H2_BATCH;
  }

  /**
   * One transaction per batch, written by {@link H2BatchWriter} on a worker thread; the sessions to
   * create are chosen here, on the store's event loop, before the batch leaves it.
   */
  @Override
  protected Future<List<MessageRecord>> writeBatch(List<PendingMessage> batch) {
    Map<Long, int[]> newSessions = sessionsToCreate(withIds(batch, new int[batch.size()]));
    return vertx.executeBlocking(() -> batchWriter.write(batch, newSessions), true)
        .onSuccess(records -> sessionsCreated(newSessions));
  }

  /** As {@link #writeBatch}, on the group writer; one group batch is written at a time. */
  @Override
  protected Future<List<MessageRecord>> writeGroupBatch(List<PendingMessage> batch) {
    Map<Long, int[]> newSessions = groupSessionsToCreate(withIds(batch, new int[batch.size()]));
    return vertx.executeBlocking(() -> groupBatchWriter.writeGroups(batch, newSessions), false)
        .onSuccess(records -> sessionsCreated(newSessions));
  }

  @Override
  public Future<Void> close() {
    List<H2BatchWriter> writers = new ArrayList<>();
    for (H2BatchWriter writer : new H2BatchWriter[] {batchWriter, groupBatchWriter}) {
      if (writer != null) {
        writers.add(writer);
      }
    }
    batchWriter = null;
    groupBatchWriter = null;
    Future<Void> writersClosed = writers.isEmpty() ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      for (H2BatchWriter writer : writers) {
        writer.close();
      }
      return null;
    });
    return writersClosed.eventually(super::close);
  }

  @Override
  protected Future<Map<Integer, Integer>> unreadByPeer(int userId) {
    return pool.preparedQuery("SELECT peerId, cnt FROM tt_unread WHERE userId = ? AND cnt > 0")
        .execute(Tuple.of(userId)).map(rows -> {
          Map<Integer, Integer> byPeer = new HashMap<>();
          rows.forEach(row -> byPeer.put(row.getInteger(0), row.getInteger(1)));
          return byPeer;
        });
  }

  @Override
  public Future<Void> setDeviceToken(int userId, int clientType, String token) {
    return pool.preparedQuery("INSERT INTO tt_device_token (userId, clientType, token) VALUES (?, ?, ?)"
        + " ON DUPLICATE KEY UPDATE clientType = ?, token = ?").execute(Tuple.of(userId, clientType, token, clientType,
        token)).mapEmpty();
  }

  @Override
  public Future<DeviceToken> deviceToken(int userId) {
    return pool.preparedQuery("SELECT clientType, token FROM tt_device_token WHERE userId = ?")
        .execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : new DeviceToken(rows.iterator().next().getInteger(0),
            rows.iterator().next().getString(1)));
  }

  @Override
  public Future<Void> clearUnread(int userId, int peerId) {
    return pool.preparedQuery("DELETE FROM tt_unread WHERE userId = ? AND peerId = ?")
        .execute(Tuple.of(userId, peerId)).mapEmpty();
  }

  @Override
  protected Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds) {
    return selectIn(pool, "SELECT c.groupId, c.msgId - COALESCE(r.cnt, 0) FROM tt_group_counter c LEFT JOIN"
        + " tt_group_read r ON r.userId = ? AND r.groupId = c.groupId WHERE c.groupId IN (", List.of(userId), groupIds)
        .map(rows -> {
          Map<Integer, Integer> unread = new HashMap<>();
          rows.forEach(row -> unread.put(row.getInteger(0), row.getInteger(1)));
          return unread;
        });
  }

  @Override
  protected Future<Void> markGroupRead(int groupId, Collection<Integer> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("MERGE INTO tt_group_read (userId, groupId, cnt) KEY (userId, groupId)"
            + " SELECT ?, groupId, msgId FROM tt_group_counter WHERE groupId = ?")
        .executeBatch(userIds.stream().map(user -> Tuple.of(user, groupId)).toList()).mapEmpty();
  }

  @Override
  protected Future<Void> writeGroupShield(int groupId, int userId, int shieldStatus) {
    return pool.preparedQuery("MERGE INTO tt_group_setting (groupId, userId, shield) KEY (groupId, userId)"
        + " VALUES (?, ?, ?)").execute(Tuple.of(groupId, userId, shieldStatus)).mapEmpty();
  }

  @Override
  public Future<Map<Integer, Integer>> groupShields(int groupId, Collection<Integer> userIds) {
    List<Integer> users = new ArrayList<>(new java.util.HashSet<>(userIds));
    return selectIn(pool, "SELECT userId, shield FROM tt_group_setting WHERE groupId = ? AND userId IN (",
        List.of(groupId), users).map(rows -> {
          Map<Integer, Integer> shields = new HashMap<>();
          users.forEach(user -> shields.put(user, 0));
          rows.forEach(row -> shields.put(row.getInteger(0), row.getInteger(1)));
          return shields;
        });
  }
}
