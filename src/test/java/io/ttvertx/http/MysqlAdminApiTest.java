package io.ttvertx.http;

import io.vertx.core.Future;
import org.junit.jupiter.api.BeforeAll;

/**
 * The admin API scenarios of {@link AdminApiTest} on MySQL/MariaDB + Redis (Redis database 8), on a
 * database created by TeamTalk's own ttopen.sql, with two db proxies sharing it.
 */
class MysqlAdminApiTest extends AdminApiTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(8, AdminApiTest::withHttpMsg, store -> Future.succeededFuture());
  }
}
