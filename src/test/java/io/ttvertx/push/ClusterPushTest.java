package io.ttvertx.push;

import com.google.protobuf.ByteString;
import io.ttvertx.ServerDeployer;
import io.ttvertx.ServerVertx;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.store.UserRecord;
import io.ttvertx.support.Poll;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes (Hazelcast over TCP on 127.0.0.1), each with a route, a msg server and a push
 * verticle of its own; node 1 also runs the db proxy. Messages sent by a user on node 2 are pushed
 * exactly once in the whole cluster, whichever push verticle takes them.
 */
class ClusterPushTest {
  static final String PASSWORD = "secret";
  static final int HAZELCAST_PORT = 16301;
  static final int MESSAGES = 6;

  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<ServerDeployer> deployers = new ArrayList<>();
  private static final List<Integer> msgPorts = new ArrayList<>();
  private static final List<PushVerticle> pushVerticles = new ArrayList<>();
  private static final List<RecordingPushProvider> providers = new ArrayList<>();
  private static final Map<String, Integer> ids = new HashMap<>();
  private static int groupId;
  private static JsonObject storeConfig;

  @BeforeAll
  static void startTwoNodes() throws Exception {
    storeConfig = new JsonObject().put("type", StoreOptions.EMBEDDED).put("embedded",
        new JsonObject().put("path", Files.createTempDirectory("tt-cluster-push").resolve("teamtalk").toString()));
    Vertx setup = Vertx.vertx();
    Store store = Stores.create(setup, StoreOptions.fromJson(storeConfig));
    await(store.start());
    for (String name : List.of("alice", "bob", "carol")) {
      UserRecord user = await(store.addUser(new NewUser(name, PASSWORD, name, "Dev")));
      ids.put(name, user.id());
    }
    await(store.setDeviceToken(ids.get("alice"), 0x11, "a0".repeat(32)));
    await(store.setDeviceToken(ids.get("carol"), 0x12, "carol-fcm-token"));
    groupId = await(store.createGroup(ids.get("bob"), "Nodes", "", GroupStore.GROUP_TYPE_NORMAL,
        List.of(ids.get("alice"), ids.get("carol")))).id();
    await(store.close());
    await(setup.close());
    startNode(true);
    startNode(false);
  }

  private static void startNode(boolean withDb) {
    int msgPort = TestServer.freePort();
    JsonObject config = new JsonObject()
        .put("cluster", new JsonObject().put("host", "127.0.0.1").put("hazelcastPort", HAZELCAST_PORT)
            .put("members", new JsonArray().add("127.0.0.1")))
        .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", msgPort).put("priorIp", "127.0.0.1"))
        .put("route", new JsonObject())
        .put("store", storeConfig);
    if (withDb) {
      config.put("db", new JsonObject());
    }
    ServerOptions options = ServerOptions.read(config, Map.of());
    Vertx vertx = await(ServerVertx.create(options.cluster()));
    ServerDeployer deployer = new ServerDeployer(vertx, options);
    await(deployer.deploy());
    RecordingPushProvider provider = new RecordingPushProvider();
    PushVerticle push = new PushVerticle(clientType -> provider);
    JsonObject pushConfig = ServerOptions.read(new JsonObject().put("push", new JsonObject()), Map.of()).pushConfig();
    await(vertx.deployVerticle(push, new DeploymentOptions().setConfig(pushConfig)));
    nodes.add(vertx);
    deployers.add(deployer);
    msgPorts.add(msgPort);
    pushVerticles.add(push);
    providers.add(provider);
  }

  @AfterAll
  static void stopNodes() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      await(deployers.get(i).undeploy());
      await(nodes.get(i).close());
    }
  }

  private static long handledMessages() {
    return pushVerticles.stream().mapToLong(push -> await(push.stats()).getLong("messages")).sum();
  }

  private static List<PushNotification> allPushes() {
    return providers.stream().flatMap(provider -> provider.attempts().stream()).map(RecordingPushProvider.Attempt::push)
        .toList();
  }

  @Test
  void messagesFromAUserOnTheSecondNodeArePushedExactlyOnce() {
    TeamTalkClient bob = await(TeamTalkClient.connect(nodes.get(0), "127.0.0.1", msgPorts.get(1)));
    try {
      IMLogin.IMLoginRes login = await(bob.login("bob", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
      assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
      MessageCipherAccess cipher = new MessageCipherAccess();
      for (int i = 1; i <= MESSAGES; i++) {
        send(bob, ids.get("alice"), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, cipher.encrypt("message " + i));
      }
      send(bob, groupId, IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT, cipher.encrypt("to the group"));
      Poll.until(Duration.ofSeconds(20), () -> "handled " + handledMessages() + " of " + (MESSAGES + 1) + " messages",
          () -> handledMessages() == MESSAGES + 1);
    } finally {
      bob.close();
    }
    List<PushNotification> pushes = allPushes();
    List<String> toAlice = pushes.stream().filter(push -> push.userId() == ids.get("alice"))
        .map(PushNotification::alert).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= MESSAGES; i++) {
      expected.add("bob:message " + i);
    }
    expected.add("bob@Nodes:to the group");
    assertThat(toAlice).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(pushes.stream().filter(push -> push.userId() == ids.get("carol")).map(PushNotification::alert))
        .containsExactly("bob@Nodes:to the group");
    assertThat(pushes).hasSize(MESSAGES + 2);
    System.out.println("ClusterPushTest: node 1 pushed " + providers.get(0).attempts().size() + ", node 2 "
        + providers.get(1).attempts().size());
  }

  private static void send(TeamTalkClient client, int to, IMBaseDefine.MsgType type, String text) {
    Pdu ack = await(client.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(to).setMsgId(0).setCreateTime(0)
            .setMsgType(type).setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build()));
    assertThat(ack.commandId()).isEqualTo(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
  }
}
