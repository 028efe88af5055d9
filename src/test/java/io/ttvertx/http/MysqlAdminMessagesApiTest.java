package io.ttvertx.http;

import io.vertx.core.Future;
import org.junit.jupiter.api.BeforeAll;

/**
 * The scenarios of {@link AdminMessagesApiTest} on MySQL/MariaDB + Redis (Redis database 7), on a
 * database created by TeamTalk's own ttopen.sql, with two db proxies sharing it.
 */
class MysqlAdminMessagesApiTest extends AdminMessagesApiTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(7, AdminMessagesApiTest::withHttpMsg, store -> Future.succeededFuture());
  }
}
