package io.ttvertx.admin;

import io.ttvertx.config.ServerOptions;
import io.ttvertx.support.ChatTraffic;
import io.ttvertx.support.ChatTraffic.AckedMessage;
import io.ttvertx.support.ChatTraffic.Endpoint;
import io.ttvertx.support.ChatTraffic.UserPair;
import io.ttvertx.support.ConversationAudit;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Online backup of the embedded store while clients chat (through the admin API and through the CLI,
 * which asks the running server), and restore with the server stopped into a fresh path, where a
 * second server has every message acknowledged before the backup was asked for.
 */
class BackupRestoreTest extends ServerTestBase {
  static final String API_KEY = "backup-key";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final List<UserPair> PAIRS = List.of(new UserPair("alice", "bob"), new UserPair("carol", "dave"),
      new UserPair("erin", "frank"));
  private static Path backupDirectory;

  @BeforeAll
  static void start() throws IOException {
    backupDirectory = Files.createTempDirectory("tt-backups");
    JsonObject config = TestServer.defaultConfig()
        .put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", TestServer.freePort())
            .put("apiKeys", new JsonArray().add(API_KEY)));
    config.getJsonObject("store").getJsonObject("embedded").put("backupDirectory", backupDirectory.toString());
    startServer(config);
  }

  /** The output and exit code of one CLI command. */
  record CliRun(int code, String out, String err) {
  }

  static CliRun cli(JsonObject config, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = await(BackupCommand.run(vertx, ServerOptions.read(config, Map.of()), List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static HttpResponse<Buffer> postBackup(String key) {
    WebClient http = WebClient.create(vertx);
    try {
      return await(http.post(server.config.getJsonObject("httpMsg").getInteger("port"), "127.0.0.1", "/api/v1/backup")
          .bearerTokenAuthentication(key).send());
    } finally {
      http.close();
    }
  }

  /** A fresh configuration (ports, store path) whose http_msg port nothing listens on. */
  static JsonObject freshConfig() {
    return TestServer.defaultConfig().put("httpMsg", new JsonObject().put("host", "127.0.0.1")
        .put("port", TestServer.freePort()).put("apiKeys", new JsonArray().add(API_KEY)));
  }

  @Test
  void aBackupTakenWhileClientsChatHoldsEveryMessageAcknowledgedBeforeIt() {
    Endpoint endpoint = new Endpoint("127.0.0.1", server.msgPort);
    ChatTraffic traffic = new ChatTraffic(vertx, List.of(endpoint), PAIRS).messagesPerSecond(40).start();
    List<AckedMessage> beforeBackup;
    JsonObject backup;
    try {
      traffic.awaitAcked(60, WAIT, "before the backup", () -> "");
      beforeBackup = traffic.acked();
      HttpResponse<Buffer> response = postBackup(API_KEY);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      backup = response.bodyAsJsonObject();
      // the clients went on being served
      traffic.awaitAcked(traffic.ackedCount() + 30, WAIT, "after the backup", () -> "");
    } finally {
      traffic.stop();
    }
    Path file = Path.of(backup.getString("file"));
    assertThat(file.getParent()).isEqualTo(backupDirectory.toAbsolutePath());
    assertThat(file.getFileName().toString()).matches("teamtalk-\\d{8}-\\d{6}-\\d{3}\\.zip");
    assertThat(file).exists().hasSize(backup.getLong("bytes"));
    assertThat(backup.getLong("tookMs")).isNotNegative();

    JsonObject restoredConfig = freshConfig();
    CliRun restore = cli(restoredConfig, "restore", file.toString());
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out()).contains("restored", USER_NAMES.size() + " users");

    // a Vert.x of its own: on the first server's event bus its msg would reach that server's db proxy too
    Vertx second = Vertx.vertx();
    try {
      TestServer restored = await(TestServer.start(second, restoredConfig, List.of()));
      ConversationAudit audit = ConversationAudit.collect(second, new Endpoint("127.0.0.1", restored.msgPort), PAIRS);
      audit.assertEveryAcknowledgedMessageStoredOnce(beforeBackup);
      assertThat(audit.storedMessageCount()).isGreaterThanOrEqualTo(beforeBackup.size());
    } finally {
      await(second.close());
    }
  }

  @Test
  void theApiRefusesABackupWithoutAKey() {
    assertThat(postBackup("wrong").statusCode()).isEqualTo(401);
  }

  @Test
  void theCliBacksUpThroughTheRunningServer() throws IOException {
    Path to = Files.createTempDirectory("tt-cli").resolve("copy.zip");
    CliRun run = cli(server.config, "backup", "--to", to.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("written by the running server", "copied to " + to);
    assertThat(to).exists();
    assertThat(Files.size(to)).isPositive();
  }

  @Test
  void theCliExplainsWhatStopsABackupOfARunningServer() {
    JsonObject noKey = server.config.copy();
    noKey.getJsonObject("httpMsg").put("apiKeys", new JsonArray());
    CliRun refused = cli(noKey, "backup");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("refused", "TT_HTTP_API_KEYS");

    JsonObject noApi = server.config.copy();
    noApi.getJsonObject("httpMsg").put("port", TestServer.freePort());
    CliRun held = cli(noApi, "backup");
    assertThat(held.code()).isEqualTo(1);
    assertThat(held.err()).contains("held by a running server");
  }

  @Test
  void restoreRefusesToReplaceADatabaseUnlessForced() throws IOException {
    Path backup = Path.of(postBackup(API_KEY).bodyAsJsonObject().getString("file"));
    JsonObject target = freshConfig();
    Path database = Path.of(target.getJsonObject("store").getJsonObject("embedded").getString("path") + ".mv.db");

    assertThat(cli(target, "restore", backup.toString()).code()).isZero();
    long restoredSize = Files.size(database);
    CliRun again = cli(target, "restore", backup.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("a database exists at " + database.toAbsolutePath(), "--force");
    assertThat(Path.of(database + ".before-restore")).doesNotExist();

    CliRun forced = cli(target, "restore", backup.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(forced.out()).contains("kept at");
    assertThat(Path.of(database + ".before-restore")).exists().hasSize(restoredSize);

    // with no server on it, the CLI backs up the file itself
    Path direct = database.getParent().resolve("direct.zip");
    CliRun offline = cli(target, "backup", "--to", direct.toString());
    assertThat(offline.code()).as(offline.err()).isZero();
    assertThat(offline.out()).contains("no server running");
    assertThat(direct).exists();
  }

  @Test
  void restoreRefusesWhileTheServerRunsAndFilesThatAreNoBackup() throws IOException {
    Path backup = Path.of(postBackup(API_KEY).bodyAsJsonObject().getString("file"));
    CliRun running = cli(server.config, "restore", backup.toString(), "--force");
    assertThat(running.code()).isEqualTo(1);
    assertThat(running.err()).contains("in use by a running server");

    Path notABackup = Files.writeString(Files.createTempFile("tt-not-a-backup", ".zip"), "hello");
    CliRun bad = cli(freshConfig(), "restore", notABackup.toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("not a backup");
  }
}
