package io.ttvertx.push;

import org.junit.jupiter.api.BeforeAll;

/**
 * The push scenarios of {@link PushTest} on MySQL/MariaDB + Redis (database 15), on a database created
 * by TeamTalk's own ttopen.sql (its IMUser.push_shield_status holds the night shield), with two db
 * proxies sharing it.
 */
class MysqlPushTest extends PushTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(15, PushTest::prepare);
    deployPush();
  }
}
