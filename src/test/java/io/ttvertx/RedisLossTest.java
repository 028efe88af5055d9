package io.ttvertx;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.support.ChatTraffic;
import io.ttvertx.support.ChatTraffic.AckedMessage;
import io.ttvertx.support.ChatTraffic.Endpoint;
import io.ttvertx.support.ChatTraffic.UserPair;
import io.ttvertx.support.ConversationAudit;
import io.ttvertx.support.MysqlTestDatabase;
import io.ttvertx.support.Poll;
import io.ttvertx.support.RedisProcess;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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
import java.util.concurrent.atomic.AtomicLong;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis loses everything while 20 pairs of users chat (10 messages a second each) on MySQL + Redis:
 * FLUSHALL, or Redis SIGKILLed and started again empty, on one node and on three clustered nodes (each
 * with its own db proxies, users spread over them). Afterwards every message the server acknowledged is
 * in its conversation's history exactly once under its id, no id was given twice, and every unread count
 * matches the history (nothing is ever read). While Redis is down, messages are refused, not
 * acknowledged; once it is back, they are acknowledged again within a second.
 */
class RedisLossTest {
  private static final Logger log = LoggerFactory.getLogger(RedisLossTest.class);
  private static final int PAIRS = 20;
  private static final int MESSAGES_PER_SECOND_PER_USER = 10;
  /** About 2 s of traffic before the fault and after it. */
  private static final int ACKS_PER_PHASE = 2 * 2 * PAIRS * MESSAGES_PER_SECOND_PER_USER;
  private static final Duration TRAFFIC_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration REDIS_DOWN = Duration.ofSeconds(2);
  private static final Duration UNREAD_TIMEOUT = Duration.ofSeconds(20);
  private static final int HAZELCAST_PORT = 15901;
  /** Users outside the traffic: one measures when messages are acknowledged again, sending to the other. */
  private static final String PROBE = "lossprobe";
  private static final String PROBE_PEER = "lossprobepeer";

  private final List<Vertx> nodes = new ArrayList<>();
  private final List<ServerDeployer> deployers = new ArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private Vertx vertx;
  private RedisProcess redis;
  private MysqlTestDatabase database;
  private ChatTraffic traffic;

  private enum Fault { FLUSHALL, KILL_AND_RESTART_EMPTY }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    database = MysqlTestDatabase.empty(vertx, 0);
    redis = RedisProcess.startNew();
  }

  @AfterEach
  void stop() {
    try {
      if (traffic != null) {
        traffic.stop();
      }
      for (int i = nodes.size() - 1; i >= 0; i--) {
        await(deployers.get(i).undeploy());
        await(nodes.get(i).close());
      }
    } finally {
      redis.close();
      database.drop();
      await(vertx.close());
    }
  }

  @Test
  void flushallOnOneNode() {
    startNodes(1);
    chatThrough(Fault.FLUSHALL);
  }

  @Test
  void redisKilledAndRestartedEmptyOnOneNode() {
    startNodes(1);
    chatThrough(Fault.KILL_AND_RESTART_EMPTY);
  }

  @Test
  void flushallOnThreeClusteredNodes() {
    startNodes(3);
    chatThrough(Fault.FLUSHALL);
  }

  @Test
  void redisKilledAndRestartedEmptyOnThreeClusteredNodes() {
    startNodes(3);
    chatThrough(Fault.KILL_AND_RESTART_EMPTY);
  }

  private void chatThrough(Fault fault) {
    List<UserPair> pairs = new ArrayList<>();
    for (int p = 0; p < PAIRS; p++) {
      pairs.add(new UserPair(String.format("loss%02da", p), String.format("loss%02db", p)));
    }
    traffic = new ChatTraffic(vertx, endpoints, pairs).messagesPerSecond(MESSAGES_PER_SECOND_PER_USER).window(4)
        .ackTimeout(Duration.ofSeconds(5)).start();
    awaitAcks(ACKS_PER_PHASE, "before the fault");
    int ackedBefore = traffic.ackedCount();
    if (fault == Fault.FLUSHALL) {
      redis.flushAll();
    } else {
      redis.kill();
      int ackedWhenKilled = traffic.ackedCount();
      long downUntil = System.nanoTime() + REDIS_DOWN.toNanos();
      Poll.until(REDIS_DOWN.plusSeconds(1), () -> "", () -> System.nanoTime() - downUntil >= 0);
      // a batch may have been between its allocation and its commit when Redis died: a few late acks
      assertThat(traffic.ackedCount() - ackedWhenKilled).as("messages acknowledged while Redis was down")
          .isLessThanOrEqualTo(4 * 2 * PAIRS);
      redis.start();
      long resumeMs = msUntilAMessageIsAcknowledged();
      log.info("first acknowledgement {} ms after Redis came back", resumeMs);
      assertThat(resumeMs).as("ms from Redis back to the first acknowledged message").isLessThan(1000);
    }
    awaitAcks(traffic.ackedCount() + ACKS_PER_PHASE, "after the fault");
    traffic.stop();

    Endpoint auditor = endpoints.get(0);
    ConversationAudit audit = ConversationAudit.collect(vertx, auditor, pairs);
    List<AckedMessage> acked = traffic.acked();
    log.info("{} on {} node(s): {} sent, {} acknowledged ({} before the fault), {} unacknowledged, {} stored", fault,
        nodes.size(), traffic.sent(), acked.size(), ackedBefore, traffic.unacknowledged(), audit.storedMessageCount());
    audit.assertEveryAcknowledgedMessageStoredOnce(acked);
    ConversationAudit.awaitUnreadCountsMatchHistory(vertx, auditor, pairs, UNREAD_TIMEOUT);
  }

  /**
   * A client of its own sends a message every 20 ms (the traffic's senders wait for their unanswered
   * messages to time out) until one is acknowledged: how long that took.
   */
  private long msUntilAMessageIsAcknowledged() {
    long started = System.nanoTime();
    int peerId = userId(PROBE_PEER);
    TeamTalkClient probe = await(TeamTalkClient.connect(vertx, "127.0.0.1", endpoints.get(0).port()));
    try {
      IMLogin.IMLoginRes login = await(probe.login(PROBE, ChatTraffic.PASSWORD,
          IMBaseDefine.ClientType.CLIENT_TYPE_ANDROID));
      assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
      AtomicLong acknowledgedAt = new AtomicLong();
      long timer = vertx.setPeriodic(0, 20, id -> probe.request(IMBaseDefine.ServiceID.SID_MSG_VALUE,
              IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE, IMMessage.IMMsgData.newBuilder().setFromUserId(0)
                  .setToSessionId(peerId).setMsgId(0).setCreateTime(0)
                  .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
                  .setMsgData(ByteString.copyFromUtf8("probe")).build())
          .onSuccess(ack -> acknowledgedAt.compareAndSet(0, System.nanoTime())));
      try {
        Poll.until(Duration.ofSeconds(10), () -> "no message acknowledged 10 s after Redis came back",
            () -> acknowledgedAt.get() != 0);
      } finally {
        vertx.cancelTimer(timer);
      }
      return (acknowledgedAt.get() - started) / 1_000_000;
    } finally {
      probe.close();
    }
  }

  private int userId(String name) {
    Store store = Stores.create(vertx, StoreOptions.fromJson(database.storeOptions().setRedisPort(redis.port())
        .toJson()));
    try {
      return await(store.start().compose(v -> store.listUsers())).stream()
          .filter(user -> user.name().equals(name)).findFirst().orElseThrow().id();
    } finally {
      await(store.close());
    }
  }

  private void awaitAcks(int count, String when) {
    traffic.awaitAcked(count, TRAFFIC_TIMEOUT, when, () -> "");
  }

  /**
   * Creates the users, then starts {@code count} nodes on the test's database and Redis, each running
   * msg, route and two db proxies; more than one node join a Hazelcast cluster on 127.0.0.1.
   */
  private void startNodes(int count) {
    JsonObject store = database.storeOptions().setRedisPort(redis.port()).toJson();
    List<String> users = new ArrayList<>(List.of(PROBE, PROBE_PEER));
    for (int p = 0; p < PAIRS; p++) {
      users.add(String.format("loss%02da", p));
      users.add(String.format("loss%02db", p));
    }
    ChatTraffic.createUsers(vertx, store, users, "Loss");
    for (int i = 0; i < count; i++) {
      int msgPort = TestServer.freePort();
      JsonObject config = new JsonObject()
          .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", msgPort).put("priorIp", "127.0.0.1"))
          .put("route", new JsonObject().put("peerTimeoutMs", 3_000))
          .put("db", new JsonObject().put("instances", 2))
          .put("store", store);
      if (count > 1) {
        config.put("cluster", new JsonObject().put("host", "127.0.0.1").put("hazelcastPort", HAZELCAST_PORT)
            .put("members", new JsonArray().add("127.0.0.1")));
      }
      ServerOptions options = ServerOptions.read(config, Map.of());
      Vertx node = await(ServerVertx.create(options.cluster()));
      ServerDeployer deployer = new ServerDeployer(node, options);
      await(deployer.deploy());
      nodes.add(node);
      deployers.add(deployer);
      endpoints.add(new Endpoint("127.0.0.1", msgPort));
    }
  }
}
