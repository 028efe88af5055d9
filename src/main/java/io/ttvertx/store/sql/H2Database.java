package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
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
import java.util.List;
import java.util.function.Function;

/**
 * The embedded database: an H2 file (MySQL mode) through vertx-jdbc-client, with TeamTalk's tables
 * and, in tables of ours, the counters TeamTalk keeps in Redis: tt_msg_counter (last message id per
 * relation), tt_unread (unread count per receiver and sender), tt_group_counter (last message id per
 * group, which is also its message count), tt_group_read (the count each member has read), plus push
 * tokens (tt_device_token) and group push shields (tt_group_setting). H2 runs with WRITE_DELAY=0; the
 * message writer forces each batch to the disk.
 */
public final class H2Database extends SqlDatabase {
  /** Readers run in parallel; messages have their own writers (see H2MessageWriter). */
  static final int POOL_SIZE = 8;
  static final int MESSAGE_ID_CACHE = 4096;

  private final String url;

  public H2Database(Vertx vertx, StoreOptions options) {
    super(vertx);
    Path file = Path.of(options.embeddedPath()).toAbsolutePath();
    if (file.toString().contains(";")) {
      // the path goes into the JDBC URL, where ';' starts a setting
      throw new IllegalArgumentException("store.embedded.path must not contain ';': " + file);
    }
    this.url = "jdbc:h2:file:" + file + ";MODE=MySQL;WRITE_DELAY=0;LOCK_TIMEOUT=10000";
  }

  /** The JDBC URL, for the message writers' own connections. */
  String url() {
    return url;
  }

  @Override
  protected Future<Void> connect() {
    pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(url).setUser("sa").setPassword(""),
        new PoolOptions().setMaxSize(POOL_SIZE));
    return Future.succeededFuture();
  }

  /**
   * H2's BACKUP: a consistent copy of the database (committed transactions only) zipped into
   * {@code file}, taken online while the pool's other connections go on. Completes with its size.
   */
  public Future<Long> backupTo(Path file) {
    String target = file.toAbsolutePath().toString().replace("'", "''");
    return pool.query("BACKUP TO '" + target + "'").execute()
        .compose(done -> vertx.fileSystem().props(file.toString()))
        .map(props -> props.size());
  }

  @Override
  public boolean isMysql() {
    return false;
  }

  /**
   * Transactions by SQL rather than the pool's: vertx-jdbc-client 5.0.7 turns auto-commit off (not
   * back on) after a commit, so a statement later run outside a transaction on that pooled connection
   * would stay uncommitted, invisible to the others and holding its locks. Here every connection goes
   * back to the pool with auto-commit on.
   */
  @Override
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> conn.query("SET AUTOCOMMIT FALSE").execute()
        .compose(begun -> work.apply(conn))
        .compose(result -> conn.query("COMMIT").execute().map(result),
            failure -> conn.query("ROLLBACK").execute().transform(rolledBack -> Future.<T>failedFuture(failure)))
        .eventually(() -> conn.query("SET AUTOCOMMIT TRUE").execute()));
  }

  @Override
  public Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params).map(rows -> {
      Row keys = rows.property(JDBCPool.GENERATED_KEYS);
      return keys.getInteger(0);
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
        "CREATE TABLE IF NOT EXISTS IMTransmitFile (id INT AUTO_INCREMENT PRIMARY KEY, fromId INT NOT NULL,"
            + " toId INT NOT NULL, fileName VARCHAR(255) NOT NULL DEFAULT '', size BIGINT NOT NULL DEFAULT 0,"
            + " taskId VARCHAR(64) NOT NULL DEFAULT '', status INT NOT NULL DEFAULT 0, created INT NOT NULL DEFAULT 0,"
            + " updated INT NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS idx_transmit_to ON IMTransmitFile (toId, status)",
        "CREATE INDEX IF NOT EXISTS idx_transmit_task ON IMTransmitFile (taskId)",
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
    for (int i = 0; i < MessageKind.TABLES; i++) {
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
}
