package io.ttvertx.msg;

import org.junit.jupiter.api.BeforeAll;

/** The file scenarios of {@link FileCommandsTest} on MySQL/MariaDB + Redis, on TeamTalk's own schema. */
class MysqlFileCommandsTest extends FileCommandsTest {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(14);
  }
}
