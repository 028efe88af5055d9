package io.ttvertx;

import io.ttvertx.config.ServerOptions;
import io.ttvertx.support.ChatTraffic;
import io.ttvertx.support.ChatTraffic.AckedMessage;
import io.ttvertx.support.ChatTraffic.Endpoint;
import io.ttvertx.support.ChatTraffic.UserPair;
import io.ttvertx.support.ConversationAudit;
import io.ttvertx.support.MysqlTestDatabase;
import io.ttvertx.support.RedisSentinelSetup;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;

/**
 * Redis behind Sentinel (a primary, a replica, three sentinels): the primary is SIGKILLed while 20
 * pairs of users chat on MySQL + Redis, Sentinel promotes the replica, the server follows it. The
 * replica may have missed the primary's last writes; afterwards every acknowledged message is in its
 * history exactly once under its id and every unread count matches the history.
 */
class RedisFailoverTest {
  private static final Logger log = LoggerFactory.getLogger(RedisFailoverTest.class);
  private static final int PAIRS = 20;
  private static final int MESSAGES_PER_SECOND_PER_USER = 10;
  private static final int ACKS_PER_PHASE = 2 * 2 * PAIRS * MESSAGES_PER_SECOND_PER_USER;
  private static final Duration TRAFFIC_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration UNREAD_TIMEOUT = Duration.ofSeconds(20);

  private Vertx vertx;
  private MysqlTestDatabase database;
  private RedisSentinelSetup sentinels;
  private Vertx node;
  private ServerDeployer deployer;
  private ChatTraffic traffic;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    database = MysqlTestDatabase.empty(vertx, 0);
    sentinels = RedisSentinelSetup.start("ttprimary");
  }

  @AfterEach
  void stop() {
    try {
      if (traffic != null) {
        traffic.stop();
      }
      if (deployer != null) {
        await(deployer.undeploy());
        await(node.close());
      }
    } finally {
      sentinels.close();
      database.drop();
      await(vertx.close());
    }
  }

  @Test
  void primaryKilledUnderTrafficLosesNothingAcknowledged() {
    JsonObject store = database.storeOptions()
        .setRedisSentinels(sentinels.masterName(), sentinels.sentinelPorts().stream().map(port -> "127.0.0.1:" + port)
            .toList())
        .toJson();
    List<UserPair> pairs = new ArrayList<>();
    for (int p = 0; p < PAIRS; p++) {
      pairs.add(new UserPair(String.format("fail%02da", p), String.format("fail%02db", p)));
    }
    ChatTraffic.createUsers(vertx, store, ChatTraffic.userNames(pairs), "Failover");
    int msgPort = TestServer.freePort();
    JsonObject config = new JsonObject()
        .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", msgPort).put("priorIp", "127.0.0.1"))
        .put("route", new JsonObject())
        .put("db", new JsonObject().put("instances", 2))
        .put("store", store);
    ServerOptions options = ServerOptions.read(config, Map.of());
    node = await(ServerVertx.create(options.cluster()));
    deployer = new ServerDeployer(node, options);
    await(deployer.deploy());

    Endpoint endpoint = new Endpoint("127.0.0.1", msgPort);
    traffic = new ChatTraffic(vertx, List.of(endpoint), pairs).messagesPerSecond(MESSAGES_PER_SECOND_PER_USER)
        .window(4).ackTimeout(Duration.ofSeconds(5)).start();
    awaitAcks(ACKS_PER_PHASE, "before the failover");
    sentinels.waitUntilReplicaInSync();
    int ackedBefore = traffic.ackedCount();
    long killed = System.nanoTime();
    sentinels.killPrimary();
    int newPrimary = sentinels.awaitFailover(Duration.ofSeconds(30));
    long promotedMs = (System.nanoTime() - killed) / 1_000_000;
    int ackedAtPromotion = traffic.ackedCount();
    awaitAcks(ackedAtPromotion + 1, "after the replica was promoted");
    long resumedMs = (System.nanoTime() - killed) / 1_000_000;
    awaitAcks(traffic.ackedCount() + ACKS_PER_PHASE, "after the failover");
    traffic.stop();

    ConversationAudit audit = ConversationAudit.collect(vertx, endpoint, pairs);
    List<AckedMessage> acked = traffic.acked();
    log.info("failover to port {}: promoted {} ms after the kill, messages acknowledged again {} ms after it; {} sent,"
            + " {} acknowledged ({} before the kill), {} unacknowledged, {} stored", newPrimary, promotedMs, resumedMs,
        traffic.sent(), acked.size(), ackedBefore, traffic.unacknowledged(), audit.storedMessageCount());
    audit.assertEveryAcknowledgedMessageStoredOnce(acked);
    ConversationAudit.awaitUnreadCountsMatchHistory(vertx, endpoint, pairs, UNREAD_TIMEOUT);
  }

  private void awaitAcks(int count, String when) {
    traffic.awaitAcked(count, TRAFFIC_TIMEOUT, when, () -> "");
  }
}
