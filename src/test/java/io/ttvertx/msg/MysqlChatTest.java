package io.ttvertx.msg;

import org.junit.jupiter.api.BeforeAll;

/**
 * The 1:1 chat scenarios of {@link ChatTest} on MySQL/MariaDB + Redis, on a database created by
 * TeamTalk's own ttopen.sql, with two db proxies sharing it (each msg instance keeps to one of them).
 */
class MysqlChatTest extends ChatTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(10);
  }
}
