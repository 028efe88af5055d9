package io.ttvertx;

import com.google.protobuf.ByteString;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbBatch;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.cluster.ClusterCa;
import io.ttvertx.config.ClusterOptions;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.Poll;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two clustered nodes secured with a shared secret and mutual TLS from a private CA made by
 * {@link ClusterCa}: users on the two nodes chat, and the cluster's ports listen on its host only. A
 * node that knows the secret but has a certificate of another CA (even one accepting any client), or
 * no TLS, gets into Hazelcast's membership but neither reads nor sends on the event bus; a TLS client
 * without a certificate is closed unread; a node with another secret forms no cluster with them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredClusterTest {
  static final int HAZELCAST_PORT = 17000;
  static final String SECRET = "correct horse battery staple";
  static final String CLUSTER_NAME = "secured-test";
  static final String PASSWORD = "secret";
  static final String PROBE = "tt.test.secured.probe";
  static final String BROADCAST = "tt.test.secured.broadcast";

  private static Path goodCa;
  private static Path otherCa;
  private static ClusterNodes nodes;
  private static Map<String, Integer> userIds;
  private static final List<Integer> eventBusPorts = new ArrayList<>();
  private final List<TeamTalkClient> clients = new ArrayList<>();
  private Vertx intruder;

  @BeforeAll
  static void startTwoSecuredNodes() throws Exception {
    goodCa = Files.createTempDirectory("tt-secured-ca");
    ClusterCa ca = ClusterCa.openOrCreate(goodCa);
    ca.issue("node1", List.of("127.0.0.1", "localhost"));
    ca.issue("node2", List.of("127.0.0.1", "localhost"));
    otherCa = Files.createTempDirectory("tt-other-ca");
    ClusterCa.openOrCreate(otherCa).issue("intruder", List.of("127.0.0.1"));

    nodes = new ClusterNodes(HAZELCAST_PORT);
    userIds = nodes.createUsers(List.of("alice", "bob"), PASSWORD);
    for (String node : List.of("node1", "node2")) {
      int eventBusPort = TestServer.freePort();
      eventBusPorts.add(eventBusPort);
      nodes.start(config -> {
        config.getJsonObject("cluster").put("eventBusPort", eventBusPort);
        return secure(config, SECRET, tls(goodCa, node));
      });
    }
  }

  @AfterAll
  static void stopNodes() {
    if (nodes != null) {
      nodes.stopAll();
    }
  }

  @AfterEach
  void closeClientsAndIntruder() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
    if (intruder != null) {
      await(intruder.close());
      intruder = null;
      Poll.until(Duration.ofSeconds(10), () -> "members " + memberCounts(goodClusterName()),
          () -> memberCounts(goodClusterName()).equals(List.of(2, 2)));
    }
  }

  private static JsonObject tls(Path directory, String node) {
    return new JsonObject().put("certificate", directory.resolve(node + ".pem").toString())
        .put("key", directory.resolve(node + "-key.pem").toString())
        .put("ca", directory.resolve(ClusterCa.CA_CERTIFICATE).toString());
  }

  private static JsonObject secure(JsonObject config, String secret, JsonObject tls) {
    JsonObject cluster = config.getJsonObject("cluster").put("name", CLUSTER_NAME).put("secret", secret);
    if (tls != null) {
      cluster.put("tls", tls);
    }
    return config;
  }

  /** A node with no role, on the cluster's Hazelcast port range, as someone else's host would start one. */
  private static Vertx startBareNode(String secret, JsonObject tls) {
    JsonObject config = secure(new JsonObject().put("cluster", new JsonObject().put("host", "127.0.0.1")
        .put("hazelcastPort", HAZELCAST_PORT).put("members", new JsonArray().add("127.0.0.1"))), secret, tls);
    return await(ServerVertx.create(ServerOptions.read(config, Map.of()).cluster()));
  }

  /** The Hazelcast members seen by every instance in this JVM that uses {@code clusterName}. */
  private static List<Integer> memberCounts(String clusterName) {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(instance -> instance.getConfig().getClusterName().equals(clusterName))
        .map(HazelcastInstance::getCluster).map(cluster -> cluster.getMembers().size()).toList();
  }

  private static String goodClusterName() {
    return clusterNameFor(SECRET);
  }

  private static String clusterNameFor(String secret) {
    return ServerOptions.read(secure(new JsonObject().put("cluster", new JsonObject()), secret, null), Map.of())
        .cluster().hazelcastClusterName();
  }

  private TeamTalkClient login(int node, String name) {
    TeamTalkClient client = await(TeamTalkClient.connect(nodes.get(0).vertx(), "127.0.0.1", nodes.get(node).msgPort()));
    clients.add(client);
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return client;
  }

  private static void chat(TeamTalkClient from, TeamTalkClient to, int toUserId, String text) {
    Pdu ack = await(from.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(toUserId).setMsgId(0).setCreateTime(0)
            .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
            .setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build()));
    assertThat(ack.commandId()).isEqualTo(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
    Pdu received = await(to.nextPush(MessageCmdID.CID_MSG_DATA_VALUE));
    assertThat(TeamTalkClient.parse(received, IMMessage.IMMsgData.parser()).getMsgData().toString(StandardCharsets.UTF_8))
        .isEqualTo(text);
  }

  @Test
  @Order(1)
  void usersOnTwoSecuredNodesChatAcrossTheTlsEventBus() {
    assertThat(memberCounts(goodClusterName())).containsExactly(2, 2);
    TeamTalkClient alice = login(0, "alice");
    TeamTalkClient bob = login(1, "bob");
    chat(alice, bob, userIds.get("bob"), "over mutual TLS");
    chat(bob, alice, userIds.get("alice"), "and back");
  }

  @Test
  @Order(2)
  void hazelcastAndTheEventBusListenOnTheClusterHostOnly() throws Exception {
    InetAddress otherAddress = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()).findFirst().orElse(null);
    assumeTrue(otherAddress != null, "this host has no address but loopback");
    List<Integer> ports = new ArrayList<>(List.of(HAZELCAST_PORT, HAZELCAST_PORT + 1));
    ports.addAll(eventBusPorts);
    for (int port : ports) {
      try (Socket loopback = new Socket()) {
        loopback.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      }
      try (Socket other = new Socket()) {
        assertThatThrownBy(() -> other.connect(new InetSocketAddress(otherAddress, port), 1_000))
            .as("port %d on %s", port, otherAddress).isInstanceOf(IOException.class);
      }
    }
  }

  @Test
  @Order(4)
  void aNodeWithACertificateOfAnotherCaNeitherReadsNorSendsOnTheBus() {
    assertShutOutOfTheBus(startBareNode(SECRET, tls(otherCa, "intruder")));
  }

  @Test
  @Order(5)
  void aNodeWithoutTlsNeitherReadsNorSendsOnTheBus() {
    assertShutOutOfTheBus(startBareNode(SECRET, null));
  }

  @Test
  @Order(6)
  void aNodeThatAcceptsAnyClientGetsNoConnectionFromTheGoodNodes() {
    // its own certificate, no client certificate asked for, anything trusted: a good node that trusted
    // any server would connect to it and hand it what it publishes
    ClusterOptions cluster = ServerOptions.read(secure(new JsonObject().put("cluster", new JsonObject()
        .put("host", "127.0.0.1").put("hazelcastPort", HAZELCAST_PORT)), SECRET, null), Map.of()).cluster();
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setSsl(true).setTrustAll(true).setClientAuth(ClientAuth.NONE)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(otherCa.resolve("intruder.pem").toString())
            .setKeyPath(otherCa.resolve("intruder-key.pem").toString()));
    assertShutOutOfTheBus(await(Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(ServerVertx.hazelcastConfig(cluster))).buildClustered()));
  }

  @Test
  @Order(3)
  void aTlsClientWithoutACertificateIsClosedUnread() {
    Vertx node1 = nodes.get(0).vertx();
    NetClient client = node1.createNetClient(new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
        .setTrustOptions(new PemTrustOptions().addCertPath(goodCa.resolve(ClusterCa.CA_CERTIFICATE).toString())));
    try {
      Buffer received = Buffer.buffer();
      // the server asks for a certificate and, getting none, ends the connection (or refuses the handshake)
      Future<Void> closed = client.connect(eventBusPorts.get(0), "127.0.0.1").compose(socket -> {
        Promise<Void> whenClosed = Promise.promise();
        socket.handler(received::appendBuffer);
        socket.closeHandler(v -> whenClosed.tryComplete());
        return whenClosed.future();
      });
      await(closed.otherwiseEmpty());
      assertThat(received.length()).isZero();
    } finally {
      await(client.close());
    }
  }

  /**
   * The intruder knows the secret, so Hazelcast lets it in and it learns every consumer's node; what
   * stops it is the event bus's TLS: its sends never reach a good node's consumer (nor the db proxy),
   * and the good nodes' publishes never reach its consumer, while they reach each other's.
   */
  private void assertShutOutOfTheBus(Vertx node) {
    intruder = node;
    Poll.until(Duration.ofSeconds(15), () -> "members " + memberCounts(goodClusterName()),
        () -> memberCounts(goodClusterName()).equals(List.of(3, 3, 3)));
    Vertx node1 = nodes.get(0).vertx();
    Vertx node2 = nodes.get(1).vertx();
    List<String> probedOnNode1 = new CopyOnWriteArrayList<>();
    List<String> broadcastOnNode1 = new CopyOnWriteArrayList<>();
    List<String> broadcastOnIntruder = new CopyOnWriteArrayList<>();
    var probe = node1.eventBus().<String>consumer(PROBE, message -> {
      probedOnNode1.add(message.body());
      message.reply("seen");
    });
    var node1Broadcast = node1.eventBus().<String>consumer(BROADCAST, message -> broadcastOnNode1.add(message.body()));
    try {
      await(probe.completion());
      await(node1Broadcast.completion());
      await(intruder.eventBus().<String>consumer(BROADCAST, message -> broadcastOnIntruder.add(message.body())).completion());
      DeliveryOptions shortWait = new DeliveryOptions().setSendTimeout(1_000);
      List<Future<?>> intruderRequests = new ArrayList<>();
      int rounds = 8;
      for (int i = 0; i < rounds; i++) {
        node2.eventBus().publish(BROADCAST, "from node2 #" + i);
        intruderRequests.add(intruder.eventBus().request(PROBE, "from the intruder #" + i, shortWait));
        // alice's messages with bob, asked of the db proxy as msg asks: a proxy that got it would answer
        intruderRequests.add(intruder.eventBus().request(Addresses.DB, messageListRequest(), shortWait));
        await(Future.future(promise -> node2.setTimer(200, id -> promise.complete())));
      }
      assertThat(await(node2.eventBus().<String>request(PROBE, "from node2")).body()).isEqualTo("seen");
      for (Future<?> request : intruderRequests) {
        Throwable failure = awaitFailure(request);
        assertThat(failure).isInstanceOf(ReplyException.class);
        // not NO_HANDLERS: the intruder knew where the consumers were; not RECIPIENT_FAILURE: none got it
        assertThat(((ReplyException) failure).failureType()).as(failure.toString())
            .isNotIn(ReplyFailure.NO_HANDLERS, ReplyFailure.RECIPIENT_FAILURE);
      }
      Poll.until(Duration.ofSeconds(5), () -> "node1 got " + broadcastOnNode1, () -> broadcastOnNode1.size() == rounds);
      assertThat(probedOnNode1).containsExactly("from node2");
      assertThat(broadcastOnIntruder).isEmpty();
    } finally {
      await(probe.unregister());
      await(node1Broadcast.unregister());
    }
  }

  private static Buffer messageListRequest() {
    Buffer batch = DbBatch.newRequests("tt.test.intruder.answers");
    // claiming to be the system, which the db proxy lets name any user: only the bus's TLS stops this
    DbBatch.appendRequest(batch, 1, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, Actor.SYSTEM,
        IMMessage.IMGetMsgListReq.newBuilder().setUserId(userIds.get("alice")).setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE)
        .setSessionId(userIds.get("bob")).setMsgIdBegin(0).setMsgCnt(100).build().toByteArray());
    return batch;
  }

  @Test
  @Order(7)
  void aNodeWithAnotherSecretFormsNoClusterWithTheOthers() {
    String otherSecret = "another secret, 16+ chars";
    intruder = startBareNode(otherSecret, tls(goodCa, "node2"));
    String otherName = clusterNameFor(otherSecret);
    assertThat(otherName).isNotEqualTo(goodClusterName()).startsWith(CLUSTER_NAME + "-");
    assertThat(memberCounts(otherName)).containsExactly(1);
    ReplyException failure = (ReplyException) awaitFailure(intruder.eventBus().request(Addresses.DB, messageListRequest()));
    assertThat(failure.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    // the secured cluster still carries chat, and the other node has not joined it meanwhile
    TeamTalkClient alice = login(0, "alice");
    TeamTalkClient bob = login(1, "bob");
    chat(bob, alice, userIds.get("alice"), "still just us");
    assertThat(memberCounts(goodClusterName())).containsExactly(2, 2);
    assertThat(memberCounts(otherName)).containsExactly(1);
  }
}
