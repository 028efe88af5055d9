package io.ttvertx;

import io.ttvertx.support.ChatTraffic;
import io.ttvertx.support.ChildProcesses;
import io.ttvertx.support.ChatTraffic.AckedMessage;
import io.ttvertx.support.ChatTraffic.Endpoint;
import io.ttvertx.support.ChatTraffic.UserPair;
import io.ttvertx.support.ConversationAudit;
import io.ttvertx.support.ForkedServer;
import io.ttvertx.support.MysqlTestDatabase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server, in a child JVM, is SIGKILLed while 20 pairs of users chat (10 messages a second each),
 * then started again on the same data and ports while the clients log in again and go on chatting.
 * Afterwards every message the server acknowledged must be in its conversation's history exactly
 * once, under the id it was acknowledged with. Nothing is ever read, so every unread count must match
 * the history: on the embedded (H2) store at once (it counts in the message's transaction); on
 * MySQL/MariaDB + Redis within seconds (it counts in Redis after the MySQL commit, and a batch the kill
 * cut in between is found and its receivers' counts rebuilt from SQL).
 */
class CrashRecoveryTest {
  private static final Logger log = LoggerFactory.getLogger(CrashRecoveryTest.class);
  private static final int PAIRS = 20;
  private static final int MESSAGES_PER_SECOND_PER_USER = 10;
  /** About 4 s of traffic at 40 users x 10 msg/s before the kill, and 2 s after the restart. */
  private static final int ACKS_BEFORE_KILL = 4 * 2 * PAIRS * MESSAGES_PER_SECOND_PER_USER;
  private static final int ACKS_AFTER_RESTART = 2 * 2 * PAIRS * MESSAGES_PER_SECOND_PER_USER;
  private static final Duration TRAFFIC_TIMEOUT = Duration.ofSeconds(30);
  /** A batch cut between commit and counting is swept after 5 s, then its counts are rebuilt at the next read. */
  private static final Duration UNREAD_REPAIR_TIMEOUT = Duration.ofSeconds(20);

  private Vertx vertx;
  private ForkedServer server;
  private ChatTraffic traffic;
  private MysqlTestDatabase mysql;
  private Path embeddedDir;

  @BeforeEach
  void createVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void cleanUp() {
    try {
      if (traffic != null) {
        traffic.stop();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (mysql != null) {
        mysql.drop();
      }
      ChildProcesses.deleteDirectory(embeddedDir);
      await(vertx.close());
    }
  }

  @Test
  void embeddedStoreKeepsEveryAcknowledgedMessageThroughASigkill() {
    ConversationAudit audit = chatThroughAKillAndARestart(serverConfig(), "embedded");
    audit.assertEveryAcknowledgedMessageStoredOnce(traffic.acked());
    audit.assertUnreadCountsMatchHistory();
  }

  @Test
  void mysqlAndRedisStoreKeepsEveryAcknowledgedMessageThroughASigkill() {
    mysql = MysqlTestDatabase.empty(vertx, 13);
    JsonObject config = serverConfig()
        .put("store", mysql.storeOptions().toJson())
        .put("db", new JsonObject().put("instances", 2));
    ConversationAudit audit = chatThroughAKillAndARestart(config, "mysql");
    audit.assertEveryAcknowledgedMessageStoredOnce(traffic.acked());
    List<String> uncounted = audit.unreadCountProblems(null);
    log.info("mysql: unread counts that differ from the history right after the restart: {}",
        uncounted.isEmpty() ? "none" : uncounted);
    ConversationAudit.awaitUnreadCountsMatchHistory(vertx, new Endpoint("127.0.0.1", server.msgPort()),
        traffic.pairs(), UNREAD_REPAIR_TIMEOUT);
  }

  /** Every role on free ports, on a fresh embedded store in a temp dir (deleted after the test). */
  private JsonObject serverConfig() {
    JsonObject config = TestServer.defaultConfig();
    embeddedDir = Path.of(config.getJsonObject("store").getJsonObject("embedded").getString("path")).getParent();
    return config;
  }

  /** Creates the users, runs the server and the traffic, kills and restarts the server, and reads what it kept. */
  private ConversationAudit chatThroughAKillAndARestart(JsonObject config, String storeName) {
    List<UserPair> pairs = new ArrayList<>();
    for (int p = 0; p < PAIRS; p++) {
      pairs.add(new UserPair(String.format("crash%02da", p), String.format("crash%02db", p)));
    }
    ChatTraffic.createUsers(vertx, config.getJsonObject("store"), ChatTraffic.userNames(pairs), "Crash");
    server = new ForkedServer(config).start();
    Endpoint endpoint = new Endpoint("127.0.0.1", server.msgPort());
    traffic = new ChatTraffic(vertx, List.of(endpoint), pairs).messagesPerSecond(MESSAGES_PER_SECOND_PER_USER)
        .window(4).start();

    awaitAcks(ACKS_BEFORE_KILL, "before the kill");
    int inFlightAtKill = killWhileMessagesAreInFlight();
    int ackedBeforeRestart = traffic.ackedCount();
    server.start();
    awaitAcks(ackedBeforeRestart + ACKS_AFTER_RESTART, "after the restart (the clients log in again)");
    traffic.stop();

    ConversationAudit audit = ConversationAudit.collect(vertx, endpoint, pairs);
    List<AckedMessage> acked = traffic.acked();
    Set<String> ackedTexts = acked.stream().map(AckedMessage::text).collect(Collectors.toSet());
    long storedWithoutAck = audit.conversations().stream().flatMap(c -> c.seenByFirst().stream())
        .filter(m -> !ackedTexts.contains(m.text())).count();
    log.info("{}: {} sent, {} acknowledged ({} before the restart), {} in flight at the kill, {} unacknowledged of "
            + "which {} stored anyway; {} stored; {} relogins", storeName, traffic.sent(), acked.size(),
        ackedBeforeRestart, inFlightAtKill,
        traffic.unacknowledged(), storedWithoutAck, audit.storedMessageCount(), traffic.relogins());
    assertThat(traffic.relogins()).as("logins again after the restart").isGreaterThanOrEqualTo(2 * PAIRS);
    return audit;
  }

  /**
   * SIGKILLs the server at a moment when messages wait for their ack (the senders are out of step, so
   * that moment comes within milliseconds), so the kill cuts some of them mid-way; returns how many.
   */
  private int killWhileMessagesAreInFlight() {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (traffic.inFlight() == 0 && System.nanoTime() - deadline < 0) {
      Thread.onSpinWait();
    }
    int inFlight = traffic.inFlight();
    server.killHard();
    return inFlight;
  }

  private void awaitAcks(int count, String when) {
    traffic.awaitAcked(count, TRAFFIC_TIMEOUT, when, () -> "\n" + server.logTail());
  }
}
