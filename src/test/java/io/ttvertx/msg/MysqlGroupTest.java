package io.ttvertx.msg;

import org.junit.jupiter.api.BeforeAll;

/**
 * The group scenarios of {@link GroupTest} on MySQL/MariaDB + Redis, on a database created by TeamTalk's
 * own ttopen.sql, with two db proxies sharing it.
 */
class MysqlGroupTest extends GroupTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(12, GroupTest::createNormalGroup);
  }
}
