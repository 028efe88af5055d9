package io.ttvertx.msg;

import org.junit.jupiter.api.BeforeAll;

/** {@link ForgedIdsTest} on MySQL/MariaDB + Redis (TeamTalk's schema, two db proxies sharing it). */
class MysqlForgedIdsTest extends ForgedIdsTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(5);
  }
}
