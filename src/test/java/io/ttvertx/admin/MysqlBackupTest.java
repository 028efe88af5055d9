package io.ttvertx.admin;

import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** On MySQL + Redis there is no online backup of ours: the API answers 409 and the CLI says what to use. */
class MysqlBackupTest extends ServerTestBase {
  @BeforeAll
  static void start() {
    startServerOnTeamTalkMysql(13, config -> config.put("httpMsg", new JsonObject().put("host", "127.0.0.1")
            .put("port", TestServer.freePort()).put("apiKeys", new JsonArray().add(BackupRestoreTest.API_KEY))),
        store -> Future.succeededFuture());
  }

  @Test
  void theBackupEndpointAnswersConflictWithTheReason() {
    HttpResponse<Buffer> response = BackupRestoreTest.postBackup(BackupRestoreTest.API_KEY);
    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("conflict");
    assertThat(response.bodyAsJsonObject().getString("reason")).contains("embedded store", "mysqldump");
  }

  @Test
  void theCliSaysWhichToolsBackUpMysql() {
    BackupRestoreTest.CliRun run = BackupRestoreTest.cli(server.config, "backup");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("mysqldump");
    assertThat(BackupRestoreTest.cli(server.config, "restore", "x.zip").code()).isEqualTo(1);
  }
}
