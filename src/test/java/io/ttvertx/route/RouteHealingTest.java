package io.ttvertx.route;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.UserStatType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route heals, on clustered nodes in this JVM: node 0 (db proxy, msg, route) and node 1 (msg and
 * a route whose wall clock is five minutes behind). A login made after another of the same user wins
 * whatever the clocks say; a route cut off from the others longer than the peer timeout, then
 * reconnected, exchanges logins both ways so users see each other again without logging in again,
 * as does one that missed a change; a node that crashes takes its users offline on the others within
 * a second.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouteHealingTest {
  private static final Logger log = LoggerFactory.getLogger(RouteHealingTest.class);
  static final int HAZELCAST_PORT = 17100;
  static final String PASSWORD = "secret";
  static final long PEER_TIMEOUT_MS = 2_000;
  static final Duration SKEW = Duration.ofMinutes(-5);

  private static final ClusterNodes nodes = new ClusterNodes(HAZELCAST_PORT);
  private static Map<String, Integer> userIds;
  private static Vertx clientSide;
  private final List<TeamTalkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startTwoNodes() {
    userIds = nodes.createUsers(List.of("alice", "bob", "carol", "dave", "erin"), PASSWORD);
    nodes.start(RouteHealingTest::withPeerTimeout);
    nodes.start(RouteHealingTest::withPeerTimeout, new RouteVerticle(Clock.offset(Clock.systemUTC(), SKEW)));
    clientSide = Vertx.vertx();
  }

  private static JsonObject withPeerTimeout(JsonObject config) {
    config.getJsonObject("route").put(RouteVerticle.PEER_TIMEOUT_MS, PEER_TIMEOUT_MS);
    return config;
  }

  @AfterAll
  static void stopNodes() {
    nodes.stopAll();
    await(clientSide.close());
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  private TeamTalkClient login(int node, String name, ClientType type) {
    TeamTalkClient client = await(TeamTalkClient.connect(clientSide, "127.0.0.1", nodes.get(node).msgPort()));
    clients.add(client);
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, type));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return client;
  }

  private static UserStatType status(TeamTalkClient asking, String name) {
    Pdu response = await(asking.request(ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE,
        IMBuddy.IMUsersStatReq.newBuilder().setUserId(0).addUserIdList(userIds.get(name)).build()));
    return TeamTalkClient.parse(response, IMBuddy.IMUsersStatRsp.parser()).getUserStatList(0).getStatus();
  }

  private static void awaitStatus(TeamTalkClient asking, String name, UserStatType expected) {
    Poll.until(Duration.ofSeconds(10), () -> name + " is not " + expected, () -> status(asking, name) == expected);
  }

  private static void send(TeamTalkClient from, String to, String text) {
    Pdu ack = await(from.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(userIds.get(to)).setMsgId(0)
            .setCreateTime(0).setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
            .setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build()));
    assertThat(ack.commandId()).isEqualTo(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
  }

  private static String received(TeamTalkClient client) {
    Pdu pdu = await(client.nextPush(MessageCmdID.CID_MSG_DATA_VALUE));
    return TeamTalkClient.parse(pdu, IMMessage.IMMsgData.parser()).getMsgData().toString(StandardCharsets.UTF_8);
  }

  private static IMBaseDefine.KickReasonType kicked(TeamTalkClient client) {
    IMLogin.IMKickUser kick = TeamTalkClient.parse(await(client.nextPush(LoginCmdID.CID_LOGIN_KICK_USER_VALUE)),
        IMLogin.IMKickUser.parser());
    await(client.closed());
    return kick.getKickReason();
  }

  @Test
  @Order(1)
  void theLaterLoginWinsOnANodeWhoseClockIsMinutesBehind() {
    TeamTalkClient bob = login(0, "bob", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient aliceOnTime = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    // node 1's wall clock says this login came five minutes before the first: its stamp says after
    TeamTalkClient aliceBehind = login(1, "alice", ClientType.CLIENT_TYPE_MAC);
    assertThat(kicked(aliceOnTime)).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
    send(bob, "alice", "to the later alice");
    assertThat(received(aliceBehind)).isEqualTo("to the later alice");
    assertThat(aliceBehind.isClosed()).isFalse();

    TeamTalkClient aliceAgain = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    assertThat(kicked(aliceBehind)).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
    send(bob, "alice", "and again");
    assertThat(received(aliceAgain)).isEqualTo("and again");
  }

  @Test
  @Order(2)
  void aRouteCutOffLongerThanThePeerTimeoutIsResyncedBothWaysWhenItComesBack() {
    TeamTalkClient alice = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient bob = login(1, "bob", ClientType.CLIENT_TYPE_WINDOWS);
    awaitStatus(alice, "bob", UserStatType.USER_STATUS_ONLINE);

    Runnable heal = nodes.partitionRoute(1);
    awaitStatus(alice, "bob", UserStatType.USER_STATUS_OFFLINE);
    awaitStatus(bob, "alice", UserStatType.USER_STATUS_OFFLINE);
    // logins on both sides while cut off: carol on node 1 only, dave on both (one must go after the heal)
    TeamTalkClient carol = login(1, "carol", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient daveOnNode0 = login(0, "dave", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient daveOnNode1 = login(1, "dave", ClientType.CLIENT_TYPE_MAC);
    assertThat(status(alice, "carol")).isEqualTo(UserStatType.USER_STATUS_OFFLINE);

    long healedAt = System.nanoTime();
    heal.run();
    awaitStatus(alice, "bob", UserStatType.USER_STATUS_ONLINE);
    awaitStatus(alice, "carol", UserStatType.USER_STATUS_ONLINE);
    awaitStatus(bob, "alice", UserStatType.USER_STATUS_ONLINE);
    log.info("route healed: both sides see each other {} ms after the partition ended",
        (System.nanoTime() - healedAt) / 1_000_000);

    send(alice, "carol", "across the healed partition");
    assertThat(received(carol)).isEqualTo("across the healed partition");
    send(carol, "alice", "back");
    assertThat(received(alice)).isEqualTo("back");

    Poll.until(Duration.ofSeconds(10), () -> "neither dave login was kicked",
        () -> daveOnNode0.isClosed() || daveOnNode1.isClosed());
    TeamTalkClient daveLeft = daveOnNode0.isClosed() ? daveOnNode1 : daveOnNode0;
    assertThat(daveLeft.isClosed()).as("both routes decide the same dave wins").isFalse();
    send(bob, "dave", "which dave?");
    assertThat(received(daveLeft)).isEqualTo("which dave?");
  }

  @Test
  @Order(3)
  void aChangeLostInAShortBreakIsNoticedAtTheNextHeartbeatAndFetched() {
    TeamTalkClient alice = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    Runnable heal = nodes.partitionRoute(1);
    // shorter than the peer timeout: nobody is dropped, but the news of carol's login is lost
    TeamTalkClient carol = login(1, "carol", ClientType.CLIENT_TYPE_WINDOWS);
    heal.run();
    awaitStatus(alice, "carol", UserStatType.USER_STATUS_ONLINE);
    send(alice, "carol", "found you");
    assertThat(received(carol)).isEqualTo("found you");
  }

  @Test
  @Order(4)
  void theUsersOfACrashedNodeGoOfflineOnTheOthersWithinASecond() {
    nodes.start(RouteHealingTest::withPeerTimeout);
    TeamTalkClient erin = login(2, "erin", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient alice = login(0, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    TeamTalkClient bob = login(1, "bob", ClientType.CLIENT_TYPE_WINDOWS);
    awaitStatus(alice, "erin", UserStatType.USER_STATUS_ONLINE);
    awaitStatus(bob, "erin", UserStatType.USER_STATUS_ONLINE);

    long crashedAt = System.nanoTime();
    nodes.crash(2);
    long closedMs = (System.nanoTime() - crashedAt) / 1_000_000;
    awaitStatus(alice, "erin", UserStatType.USER_STATUS_OFFLINE);
    long offlineMs = (System.nanoTime() - crashedAt) / 1_000_000;
    awaitStatus(bob, "erin", UserStatType.USER_STATUS_OFFLINE);
    log.info("node crash: erin offline on node 0 {} ms after the crash (its Vert.x closed after {} ms)",
        offlineMs, closedMs);
    assertThat(offlineMs).as("ms until erin shows offline (peer timeout %d ms)", PEER_TIMEOUT_MS).isLessThan(1_000);
    assertThat(erin.isClosed()).isTrue();
  }
}
