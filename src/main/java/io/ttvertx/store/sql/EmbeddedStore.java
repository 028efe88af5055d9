package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store: an H2 file database (MySQL mode) through vertx-jdbc-client, with TeamTalk's
 * tables. The counters TeamTalk keeps in Redis live in two tables here: tt_msg_counter (next message
 * id per relation) and tt_unread (unread count per receiver and sender). A message, its id, its unread
 * count and both recent sessions are written in one transaction; H2 runs with WRITE_DELAY=0 so a
 * committed message is on disk when the future completes.
 */
public final class EmbeddedStore extends SqlStore {
  private final Vertx vertx;
  private final StoreOptions options;

  public EmbeddedStore(Vertx vertx, StoreOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  @Override
  protected Future<Void> connect() {
    Path file = Path.of(options.embeddedPath()).toAbsolutePath();
    String url = "jdbc:h2:file:" + file + ";MODE=MySQL;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(url).setUser("sa").setPassword(""),
        new PoolOptions().setMaxSize(options.mysqlPoolSize()));
    return Future.succeededFuture();
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
            + " PRIMARY KEY (userId, peerId))"));
    for (int i = 0; i < MESSAGE_TABLES; i++) {
      tables.add("CREATE TABLE IF NOT EXISTS IMMessage_" + i + " (id INT AUTO_INCREMENT PRIMARY KEY,"
          + " relateId INT NOT NULL, fromId INT NOT NULL, toId INT NOT NULL, msgId INT NOT NULL,"
          + " content VARCHAR(4096) DEFAULT '', type INT NOT NULL DEFAULT 1, status INT NOT NULL DEFAULT 0,"
          + " updated INT NOT NULL, created INT NOT NULL, CONSTRAINT uq_message_" + i + " UNIQUE (relateId, msgId))");
    }
    return tables;
  }

  @Override
  protected Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params).map(rows -> {
      Row keys = rows.property(JDBCPool.GENERATED_KEYS);
      return keys.getInteger(0);
    });
  }

  @Override
  protected Future<MessageRecord> storeMessage(int relateId, int fromUserId, int toUserId, int msgType,
                                               byte[] msgData, int createTime) {
    // the counter row stays locked until commit, so concurrent senders in one conversation get 1, 2, 3...
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO tt_msg_counter (relateId, msgId) VALUES (?, 1)"
                + " ON DUPLICATE KEY UPDATE msgId = msgId + 1").execute(Tuple.of(relateId))
        .compose(v -> conn.preparedQuery("SELECT msgId FROM tt_msg_counter WHERE relateId = ?")
            .execute(Tuple.of(relateId)))
        .map(rows -> rows.iterator().next().getInteger(0))
        .compose(msgId -> insertMessage(conn, relateId, msgId, fromUserId, toUserId, msgType, msgData, createTime))
        .compose(message -> conn.preparedQuery("INSERT INTO tt_unread (userId, peerId, cnt) VALUES (?, ?, 1)"
                + " ON DUPLICATE KEY UPDATE cnt = cnt + 1").execute(Tuple.of(toUserId, fromUserId))
            .compose(v -> touchSession(conn, fromUserId, toUserId, SESSION_TYPE_SINGLE, createTime))
            .compose(v -> touchSession(conn, toUserId, fromUserId, SESSION_TYPE_SINGLE, createTime))
            .map(v -> message)));
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
  public Future<Void> clearUnread(int userId, int peerId) {
    return pool.preparedQuery("DELETE FROM tt_unread WHERE userId = ? AND peerId = ?")
        .execute(Tuple.of(userId, peerId)).mapEmpty();
  }
}
