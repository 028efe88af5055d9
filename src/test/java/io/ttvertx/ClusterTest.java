package io.ttvertx;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
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
import io.ttvertx.support.ClusterNodes;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

  private static final ClusterNodes cluster = new ClusterNodes(HAZELCAST_PORT);
  private final List<TeamTalkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startFirstTwoNodes() {
    cluster.createUsers(List.of("alice", "bob", "carol", "dave"), PASSWORD);
    startNode();
    startNode();
  }

  /** A node (the first with the db proxy) whose route gives up on a silent peer after 3 s. */
  private static ClusterNodes.Node startNode() {
    return cluster.start(config -> {
      config.getJsonObject("route").put("peerTimeoutMs", 3_000);
      return config;
    });
  }

  @AfterAll
  static void stopNodes() {
    cluster.stopAll();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  private record Session(TeamTalkClient client, int userId) {
  }

  private Session login(int node, String name, ClientType type) {
    return login(cluster.get(node), name, type);
  }

  private Session login(ClusterNodes.Node node, String name, ClientType type) {
    TeamTalkClient client = await(TeamTalkClient.connect(cluster.get(0).vertx(), "127.0.0.1", node.msgPort()));
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
    startNode();
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
    cluster.close(1);
    await(dave.client().closed());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (status(bob, dave.userId()) != IMBaseDefine.UserStatType.USER_STATUS_OFFLINE) {
      assertThat(System.nanoTime()).as("dave still online 20 s after his node stopped").isLessThan(deadline);
      await(Future.future(promise -> cluster.get(0).vertx().setTimer(200, id -> promise.complete())));
    }
    Session daveBack = login(startNode(), "dave", ClientType.CLIENT_TYPE_WINDOWS);
    send(bob, daveBack.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "welcome back");
    assertThat(received(daveBack)).isEqualTo("welcome back");
  }
}
