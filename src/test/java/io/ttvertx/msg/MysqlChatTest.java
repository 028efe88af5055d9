package io.ttvertx.msg;

import io.ttvertx.support.MysqlTestDatabase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The 1:1 chat scenarios of {@link ChatTest} on MySQL/MariaDB + Redis, on a database created by
 * TeamTalk's own ttopen.sql, with two db proxies sharing it (each msg instance keeps to one of them).
 */
class MysqlChatTest extends ChatTest {
  private static Vertx setupVertx;
  private static MysqlTestDatabase database;

  @BeforeAll
  static void start() {
    setupVertx = Vertx.vertx();
    try {
      database = MysqlTestDatabase.fromTeamTalkSchema(setupVertx, 10);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    JsonObject config = TestServer.defaultConfig();
    config.put("store", database.storeOptions().toJson());
    config.put("db", new JsonObject().put("instances", 2));
    startServer(config);
  }

  @AfterAll
  static void stop() {
    stopServer();
    if (database != null) {
      database.drop();
    }
    if (setupVertx != null) {
      setupVertx.close();
    }
  }
}
