package io.ttvertx;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three clustered nodes in this JVM, joined by Hazelcast over TCP on 127.0.0.1 as separate hosts
 * would be: node 1 runs the db proxy (on the embedded store) and a msg server, nodes 2 and 3 a msg
 * server and a route each; node 3 starts after users are online. Users on different nodes message each
 * other 1:1 and in groups, see each other online, and a second login on another node kicks the first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
  static final String PASSWORD = "secret";
  static final int HAZELCAST_PORT = 15701;

  private static final List<Vertx> nodes = new ArrayList<>();
  private static final List<ServerDeployer> deployers = new ArrayList<>();
  private static final List<Integer> msgPorts = new ArrayList<>();
  private static JsonObject storeConfig;
  private final List<TeamTalkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startFirstTwoNodes() throws Exception {
    storeConfig = new JsonObject().put("type", StoreOptions.EMBEDDED).put("embedded",
        new JsonObject().put("path", Files.createTempDirectory("tt-cluster").resolve("teamtalk").toString()));
    Vertx setup = Vertx.vertx();
    Store store = Stores.create(setup, StoreOptions.fromJson(storeConfig));
    await(store.start());
    for (String name : List.of("alice", "bob", "carol", "dave")) {
      await(store.addUser(new NewUser(name, PASSWORD, name, "Dev")));
    }
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
        .put("route", new JsonObject().put("peerTimeoutMs", 3_000))
        .put("store", storeConfig);
    if (withDb) {
      config.put("db", new JsonObject());
    }
    ServerOptions options = ServerOptions.read(config, Map.of());
    Vertx vertx = await(ServerVertx.create(options.cluster()));
    ServerDeployer deployer = new ServerDeployer(vertx, options);
    await(deployer.deploy());
    nodes.add(vertx);
    deployers.add(deployer);
    msgPorts.add(msgPort);
  }

  @AfterAll
  static void stopNodes() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      if (nodes.get(i) != null) {
        await(deployers.get(i).undeploy());
        await(nodes.get(i).close());
      }
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  private record Session(TeamTalkClient client, int userId) {
  }

  private Session login(int node, String name, ClientType type) {
    TeamTalkClient client = await(TeamTalkClient.connect(nodes.get(0), "127.0.0.1", msgPorts.get(node)));
    clients.add(client);
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, type));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId());
  }

  private static <T> T ask(TeamTalkClient client, int service, int command, com.google.protobuf.MessageLite body,
                           int expected, com.google.protobuf.Parser<T> parser) {
    Pdu response = await(client.request(service, command, body));
    assertThat(response.commandId()).isEqualTo(expected);
    return TeamTalkClient.parse(response, parser);
  }

  private static IMMessage.IMMsgDataAck send(Session from, int to, IMBaseDefine.MsgType type, String text) {
    return ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(to).setMsgId(0).setCreateTime(0)
            .setMsgType(type).setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build(),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
  }

  private static String received(Session session) {
    Pdu pdu = await(session.client().nextPush(MessageCmdID.CID_MSG_DATA_VALUE));
    return TeamTalkClient.parse(pdu, IMMessage.IMMsgData.parser()).getMsgData().toString(StandardCharsets.UTF_8);
  }

  private static IMBaseDefine.UserStatType status(Session asking, int userId) {
    IMBuddy.IMUsersStatRsp statuses = ask(asking.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE,
        IMBuddy.IMUsersStatReq.newBuilder().setUserId(0).addUserIdList(userId).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_RESPONSE_VALUE, IMBuddy.IMUsersStatRsp.parser());
    return statuses.getUserStatList(0).getStatus();
  }

  @Test
  @Order(1)
  void usersOnThreeNodesChatOneToOneAndInAGroupAndAnotherNodesLoginKicks() {
    Session alice = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    Session bob = login(1, "bob", ClientType.CLIENT_TYPE_WINDOWS);

    assertThat(send(alice, bob.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "hi bob").getMsgId())
        .isEqualTo(1);
    assertThat(received(bob)).isEqualTo("hi bob");
    send(bob, alice.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "hi alice");
    assertThat(received(alice)).isEqualTo("hi alice");

    // a node that joins later learns who is online from the others
    startNode(false);
    Session carol = login(2, "carol", ClientType.CLIENT_TYPE_ANDROID);
    assertThat(status(carol, alice.userId())).isEqualTo(IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
    assertThat(status(carol, bob.userId())).isEqualTo(IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
    send(carol, alice.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "from node 3");
    assertThat(received(alice)).isEqualTo("from node 3");

    IMGroup.IMGroupCreateRsp group = ask(alice.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, IMGroup.IMGroupCreateReq.newBuilder().setUserId(0)
            .setGroupType(IMBaseDefine.GroupType.GROUP_TYPE_TMP).setGroupName("three nodes").setGroupAvatar("")
            .addMemberIdList(bob.userId()).addMemberIdList(carol.userId()).build(),
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, IMGroup.IMGroupCreateRsp.parser());
    assertThat(group.getResultCode()).isZero();
    send(carol, group.getGroupId(), IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT, "hello group");
    assertThat(received(alice)).isEqualTo("hello group");
    assertThat(received(bob)).isEqualTo("hello group");

    // alice's second PC login, on node 2, kicks her node 1 connection
    Session aliceAgain = login(1, "alice", ClientType.CLIENT_TYPE_MAC);
    IMLogin.IMKickUser kick = TeamTalkClient.parse(await(alice.client().nextPush(LoginCmdID.CID_LOGIN_KICK_USER_VALUE)),
        IMLogin.IMKickUser.parser());
    assertThat(kick.getKickReason()).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
    await(alice.client().closed());
    send(bob, alice.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "which alice?");
    assertThat(received(aliceAgain)).isEqualTo("which alice?");
    assertThat(status(carol, alice.userId())).isEqualTo(IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
  }

  @Test
  @Order(2)
  void theUsersOfANodeThatStopsGoOffline() {
    Session dave = login(1, "dave", ClientType.CLIENT_TYPE_WINDOWS);
    Session bob = login(0, "bob", ClientType.CLIENT_TYPE_ANDROID);
    assertThat(status(bob, dave.userId())).isEqualTo(IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
    // node 2 stops; its last state changes may not reach the others: Hazelcast reporting it gone ends them
    Vertx node2 = nodes.get(1);
    nodes.set(1, null);
    await(node2.close());
    await(dave.client().closed());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (status(bob, dave.userId()) != IMBaseDefine.UserStatType.USER_STATUS_OFFLINE) {
      assertThat(System.nanoTime()).as("dave still online 20 s after his node stopped").isLessThan(deadline);
      await(Future.future(promise -> nodes.get(0).setTimer(200, id -> promise.complete())));
    }
    startNode(false);
    Session daveBack = login(msgPorts.size() - 1, "dave", ClientType.CLIENT_TYPE_WINDOWS);
    send(bob, daveBack.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "welcome back");
    assertThat(received(daveBack)).isEqualTo("welcome back");
  }
}
