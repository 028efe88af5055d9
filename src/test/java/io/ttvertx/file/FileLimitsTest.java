package io.ttvertx.file;

import io.ttvertx.ServerDeployer;
import io.ttvertx.bus.Addresses;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.support.FilePeer;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static io.ttvertx.file.FileServerFixture.OFFLINE;
import static io.ttvertx.file.FileServerFixture.ONLINE;
import static io.ttvertx.file.FileServerFixture.randomBytes;
import static io.ttvertx.file.FileServerFixture.task;
import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The file server's limits: tasks per user, file sizes, idle tasks, login time, retention of offline files. */
class FileLimitsTest {
  static final int ALICE = 1;
  static final int BOB = 2;
  static final int MAX_TASKS = 2;
  static final long MAX_FILE_SIZE = 1_000_000;

  static Vertx vertx;
  static FileServerFixture files;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    files = FileServerFixture.start(vertx, new JsonObject().put("maxTasksPerUser", MAX_TASKS)
        .put("maxFileSize", MAX_FILE_SIZE).put("addresses", new JsonArray().add("127.0.0.1").add("10.1.2.3:9600")));
  }

  @AfterAll
  static void stop() {
    files.stop();
    await(vertx.close());
  }

  @Test
  void aUserHasAtMostMaxTasksAtOnce() {
    int carol = 30;
    String first = files.newTask(carol, BOB, 100, ONLINE);
    files.newTask(carol, BOB, 100, OFFLINE);
    ReplyException refused = files.refused(Addresses.FILE_TASK, task(carol, BOB, "x", 100, ONLINE));
    assertThat(refused.failureCode()).isEqualTo(FileVerticle.FAILURE_TOO_MANY_TASKS);
    assertThat(refused.getMessage()).contains("maxTasksPerUser");
    // others are not affected
    files.newTask(BOB, carol, 100, ONLINE);

    // once a task ends the user may start another
    FileServerFixture.OnlinePair pair = files.joinOnline(first, carol, BOB);
    pair.receiver().sendState(ClientFileState.CLIENT_FILE_CANCEL, first, BOB);
    assertThat(pair.sender().nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_CANCEL);
    files.newTask(carol, BOB, 100, ONLINE);
  }

  @Test
  void emptyTooLargeAndMalformedTasksAreRefusedWithTheReason() {
    ReplyException empty = files.refused(Addresses.FILE_TASK, task(ALICE, BOB, "empty.txt", 0, OFFLINE));
    assertThat(empty.failureCode()).isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(empty.getMessage()).contains("empty");
    files.newTask(40, BOB, MAX_FILE_SIZE, OFFLINE);
    ReplyException large = files.refused(Addresses.FILE_TASK, task(41, BOB, "big.iso", MAX_FILE_SIZE + 1, OFFLINE));
    assertThat(large.failureCode()).isEqualTo(FileVerticle.FAILURE_TOO_LARGE);
    assertThat(files.refused(Addresses.FILE_TASK, task(ALICE, BOB, "a", 10, 3)).failureCode())
        .isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_TASK, task(0, BOB, "a", 10, ONLINE)).failureCode())
        .isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_TASK, task(ALICE, BOB, "", 10, ONLINE)).failureCode())
        .isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_TASK, new JsonObject()).failureCode())
        .isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_OFFLINE_STATUS, new JsonObject()).failureCode())
        .isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_TASK, "not json").failureCode()).isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.refused(Addresses.FILE_OFFLINE_DELETE, 42).failureCode()).isEqualTo(FileVerticle.FAILURE_BAD_REQUEST);
    assertThat(files.status("../../x")).isEqualTo(new JsonObject().put("complete", false));
  }

  @Test
  void theConfiguredAddressesAreHandedOut() {
    assertThat(files.ask(Addresses.FILE_ADDRESSES, new JsonObject())).isEqualTo(new JsonObject().put("addresses",
        new JsonArray().add(new JsonObject().put("ip", "127.0.0.1").put("port", files.port))
            .add(new JsonObject().put("ip", "10.1.2.3").put("port", 9600))));
  }

  @Test
  void anIdleTaskIsDroppedWithItsConnectionsAndASilentConnectionIsClosed() {
    Vertx idleVertx = Vertx.vertx();
    FileServerFixture idle = FileServerFixture.start(idleVertx, new JsonObject().put("taskIdleTimeoutSeconds", 1)
        .put("loginTimeoutSeconds", 1));
    try {
      String taskId = idle.newTask(ALICE, BOB, 100, ONLINE);
      FilePeer sender = idle.connect();
      assertThat(sender.login(ALICE, taskId, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
      sender.awaitClosed();
      idle.connect().loginRefused(BOB, taskId, ClientFileRole.CLIENT_REALTIME_RECVER);

      String never = idle.newTask(ALICE, BOB, 100, ONLINE);
      FilePeer silent = idle.connect();
      silent.awaitClosed();
      // the task nobody joined went the same way
      idle.connect().loginRefused(ALICE, never, ClientFileRole.CLIENT_REALTIME_SENDER);
    } finally {
      idle.stop();
      await(idleVertx.close());
    }
  }

  @Test
  void connectionsOverMaxConnectionsAreRefused() {
    Vertx limitedVertx = Vertx.vertx();
    FileServerFixture limited = FileServerFixture.start(limitedVertx, new JsonObject().put("maxConnections", 1));
    try {
      FilePeer first = limited.connect();
      String taskId = limited.newTask(ALICE, BOB, 100, ONLINE);
      assertThat(first.login(ALICE, taskId, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
      limited.connect().awaitClosed();
      assertThat(first.client.isClosed()).isFalse();
    } finally {
      limited.stop();
      await(limitedVertx.close());
    }
  }

  @Test
  void theServerDeployerRunsTheFileServerFromItsSectionWithTheStorageSection() throws Exception {
    Vertx deployerVertx = Vertx.vertx();
    Path storage = Files.createTempDirectory("tt-files");
    int port = TestServer.freePort();
    JsonObject config = new JsonObject()
        .put("file", new JsonObject().put("host", "127.0.0.1").put("port", port).put("priorIp", "192.0.2.10"))
        .put("storage", new JsonObject().put("directory", storage.toString()));
    ServerDeployer deployer = new ServerDeployer(deployerVertx, ServerOptions.read(config, Map.of()));
    try {
      await(deployer.deploy());
      JsonObject reply = await(deployerVertx.eventBus().<JsonObject>request(Addresses.FILE_ADDRESSES,
          new JsonObject())).body();
      assertThat(reply).isEqualTo(new JsonObject().put("addresses",
          new JsonArray().add(new JsonObject().put("ip", "192.0.2.10").put("port", port))));
      assertThat(storage.resolve(".spool")).isDirectory();
    } finally {
      await(deployer.undeploy());
      await(deployerVertx.close());
    }
  }

  @Test
  void offlineFilesOlderThanTheRetentionAreDeletedAtStart() throws Exception {
    Vertx retentionVertx = Vertx.vertx();
    Path storage = Files.createTempDirectory("tt-files");
    FileServerFixture first = FileServerFixture.start(retentionVertx, storage, new JsonObject().put("retentionDays", 7));
    String old = first.uploadOffline(ALICE, BOB, randomBytes(1000, 8));
    String fresh = first.uploadOffline(ALICE, BOB, randomBytes(1000, 9));
    first.stop();
    FileTime eightDaysAgo = FileTime.from(Instant.now().minus(8, ChronoUnit.DAYS));
    assertThat(first.filesOf(old)).hasSize(2);
    for (Path file : first.filesOf(old)) {
      Files.setLastModifiedTime(file, eightDaysAgo);
    }

    FileServerFixture second = FileServerFixture.start(retentionVertx, storage, new JsonObject().put("retentionDays", 7));
    try {
      assertThat(second.filesOf(old)).isEmpty();
      assertThat(second.status(old)).isEqualTo(new JsonObject().put("complete", false));
      assertThat(second.status(fresh).getBoolean("complete")).isTrue();
    } finally {
      second.stop();
      await(retentionVertx.close());
    }
  }
}
