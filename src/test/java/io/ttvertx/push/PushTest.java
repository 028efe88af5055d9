package io.ttvertx.push;

import io.ttvertx.bus.Addresses;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.Store;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushes for messages sent over real TCP connections, through the whole server (msg, route, db proxy
 * on the embedded store) and a push verticle whose provider records what it is given. The night
 * shield's window covers the whole day here, so a user's switch alone decides.
 */
class PushTest extends ServerTestBase {
  static final String BOB_TOKEN = "b0".repeat(32);
  static final String DAVE_TOKEN = "dave-fcm:token_1";
  static final String ERIN_TOKEN = "e0".repeat(32);
  static final String FRANK_TOKEN = "f0".repeat(32);
  static final String GRACE_TOKEN = "a1".repeat(32);
  static final String HEIDI_TOKEN = "heidi-fcm:gone";
  static final String IVAN_TOKEN = "c3".repeat(32);
  static final int INITIAL_BACKOFF_MS = 100;

  protected static final Map<String, Integer> ids = new HashMap<>();
  protected static int groupId;
  protected static RecordingPushProvider provider;
  protected static PushVerticle push;
  private final MessageCipherAccess cipher = new MessageCipherAccess();

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig(), PushTest::prepare);
    deployPush();
  }

  /** Device tokens, and a group of carol, dave and erin, erin having shielded it. */
  static Future<?> prepare(Store store) {
    return store.listUsers().compose(users -> {
      users.forEach(user -> ids.put(user.name(), user.id()));
      return Future.all(List.of(
              store.setDeviceToken(ids.get("bob"), 0x11, BOB_TOKEN),
              store.setDeviceToken(ids.get("dave"), 0x12, DAVE_TOKEN),
              store.setDeviceToken(ids.get("erin"), 0x11, ERIN_TOKEN),
              store.setDeviceToken(ids.get("frank"), 0x11, FRANK_TOKEN),
              store.setDeviceToken(ids.get("grace"), 0x11, GRACE_TOKEN),
              store.setDeviceToken(ids.get("heidi"), 0x12, HEIDI_TOKEN),
              store.setDeviceToken(ids.get("ivan"), 0x11, IVAN_TOKEN)))
          .compose(v -> store.createGroup(ids.get("carol"), "Team", "", GroupStore.GROUP_TYPE_NORMAL,
              List.of(ids.get("dave"), ids.get("erin"))))
          .compose(group -> {
            groupId = group.id();
            return store.setGroupShield(ids.get("erin"), group.id(), 1);
          });
    });
  }

  static void deployPush() {
    JsonObject section = new JsonObject().put("timeZone", "Asia/Shanghai").put("nightShieldFrom", 0)
        .put("nightShieldTo", 24).put("initialBackoffMs", INITIAL_BACKOFF_MS).put("maxBackoffMs", 1_000);
    JsonObject config = ServerOptions.read(new JsonObject().put("push", section), Map.of()).pushConfig();
    provider = new RecordingPushProvider();
    push = new PushVerticle(clientType -> provider);
    await(vertx.deployVerticle(push, new DeploymentOptions().setConfig(config)));
  }

  private long handledMessages() {
    return await(push.stats()).getLong("messages");
  }

  /** Sends, as {@code from}, an encrypted text, and waits until the push verticle has handled it. */
  private IMMessage.IMMsgDataAck send(Session from, int to, MsgType type, String text) {
    long before = handledMessages();
    IMMessage.IMMsgDataAck ack = ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(from, to, type, cipher.encrypt(text)), MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.parser());
    Poll.until(Duration.ofSeconds(20), () -> "push verticle handled " + handledMessages() + " messages, not "
        + (before + 1), () -> handledMessages() >= before + 1);
    return ack;
  }

  /** Waits until route no longer counts a phone of {@code userId} as online (its connection closed). */
  private static void awaitNoPhoneOnline(int userId) {
    Poll.until(Duration.ofSeconds(20), () -> "user " + userId + " still has a phone online", () -> await(
        vertx.eventBus().<JsonArray>request(Addresses.ROUTE_MOBILE_ONLINE, new JsonArray().add(userId))).body()
        .isEmpty());
  }

  @Test
  void anOfflinePhoneGetsOnePushWithTheNickTheTextAndTheBadge() {
    Session alice = loginPc("alice");
    int bob = ids.get("bob");
    IMMessage.IMMsgDataAck ack = send(alice, bob, MsgType.MSG_TYPE_SINGLE_TEXT, "晚上好，Bob");
    List<PushNotification> pushes = provider.pushesTo(bob);
    assertThat(pushes).hasSize(1);
    PushNotification sent = pushes.get(0);
    assertThat(sent.alert()).isEqualTo("Alice:晚上好，Bob");
    assertThat(sent.badge()).isEqualTo(1);
    assertThat(sent.clientType()).isEqualTo(0x11);
    assertThat(sent.token()).isEqualTo(BOB_TOKEN);
    assertThat(sent.sound()).isEqualTo("bingbong.aiff");
    assertThat(sent.data()).isEqualTo(new JsonObject().put("msg_type", 1).put("from_id", alice.userId()));
    assertThat(ack.getMsgId()).isPositive();
  }

  @Test
  void aGroupMessagePushesEveryMemberButTheSenderAndThoseWhoShieldedIt() {
    Session alice = loginPc("alice");
    Session carol = loginPc("carol");
    int dave = ids.get("dave");
    send(alice, dave, MsgType.MSG_TYPE_SINGLE_TEXT, "a 1:1 first");
    send(carol, groupId, MsgType.MSG_TYPE_GROUP_TEXT, "hello team");
    List<PushNotification> pushes = provider.pushesTo(dave);
    assertThat(pushes).hasSize(2);
    PushNotification group = pushes.get(1);
    assertThat(group.alert()).isEqualTo("Carol@Team:hello team");
    assertThat(group.badge()).as("one 1:1 and one group message unread").isEqualTo(2);
    assertThat(group.clientType()).isEqualTo(0x12);
    assertThat(group.data()).isEqualTo(new JsonObject().put("msg_type", 0x11).put("from_id", carol.userId())
        .put("group_id", groupId));
    assertThat(provider.pushesTo(ids.get("erin"))).as("erin shielded the group").isEmpty();
    assertThat(provider.pushesTo(carol.userId())).as("the sender").isEmpty();
  }

  @Test
  void aConnectedPhoneGetsNoPushButAConnectedPcDoesNotStopIt() {
    Session alice = loginPc("alice");
    int frank = ids.get("frank");
    Session phone = login("frank", ClientType.CLIENT_TYPE_IOS);
    send(alice, frank, MsgType.MSG_TYPE_SINGLE_TEXT, "you are online");
    assertThat(provider.pushesTo(frank)).isEmpty();
    receiveMessage(phone);

    phone.client().close();
    awaitNoPhoneOnline(frank);
    loginPc("frank");
    send(alice, frank, MsgType.MSG_TYPE_SINGLE_TEXT, "only your PC is online");
    assertThat(provider.pushesTo(frank)).extracting(PushNotification::alert)
        .containsExactly("Alice:only your PC is online");
  }

  @Test
  void theNightShieldIsSetAndQueriedOverTcpAndStopsPushesAtNight() {
    Session alice = loginPc("alice");
    int grace = ids.get("grace");
    Session phone = login("grace", ClientType.CLIENT_TYPE_IOS);
    IMLogin.IMQueryPushShieldRsp before = ask(phone.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldReq.newBuilder().setUserId(0).build(),
        LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldRsp.parser());
    assertThat(before.getResultCode()).isZero();
    assertThat(before.getShieldStatus()).isZero();
    assertThat(before.getUserId()).isEqualTo(grace);
    // the user is the connection's, whatever the body says
    IMLogin.IMPushShieldRsp on = setPushShield(phone, alice.userId(), 1);
    assertThat(on.getResultCode()).isZero();
    assertThat(on.getShieldStatus()).isEqualTo(1);
    assertThat(on.getUserId()).isEqualTo(grace);
    assertThat(setPushShield(phone, 0, 2).getResultCode()).isEqualTo(1);
    IMLogin.IMQueryPushShieldRsp after = ask(phone.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldReq.newBuilder().setUserId(0).build(),
        LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldRsp.parser());
    assertThat(after.getShieldStatus()).isEqualTo(1);
    IMLogin.IMQueryPushShieldRsp alicesOwn = ask(alice.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE,
        IMLogin.IMQueryPushShieldReq.newBuilder().setUserId(grace).build(),
        LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldRsp.parser());
    assertThat(alicesOwn.getShieldStatus()).as("alice asked with grace's id, and got her own").isZero();
    phone.client().close();
    awaitNoPhoneOnline(grace);

    send(alice, grace, MsgType.MSG_TYPE_SINGLE_TEXT, "at night");
    assertThat(provider.pushesTo(grace)).isEmpty();

    Session pc = loginPc("grace");
    assertThat(setPushShield(pc, 0, 0).getShieldStatus()).isZero();
    send(alice, grace, MsgType.MSG_TYPE_SINGLE_TEXT, "shield off");
    assertThat(provider.pushesTo(grace)).extracting(PushNotification::alert).containsExactly("Alice:shield off");
    assertThat(provider.pushesTo(grace).get(0).badge()).isEqualTo(2);
  }

  private static IMLogin.IMPushShieldRsp setPushShield(Session session, int userId, int status) {
    return ask(session.client(), ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE,
        IMLogin.IMPushShieldReq.newBuilder().setUserId(userId).setShieldStatus(status).build(),
        LoginCmdID.CID_LOGIN_RES_PUSH_SHIELD_VALUE, IMLogin.IMPushShieldRsp.parser());
  }

  @Test
  void aTokenTheProviderReportsGoneIsForgotten() {
    Session alice = loginPc("alice");
    int heidi = ids.get("heidi");
    provider.script(HEIDI_TOKEN, PushResult.tokenGone("Unregistered"));
    send(alice, heidi, MsgType.MSG_TYPE_SINGLE_TEXT, "are you there?");
    assertThat(provider.pushesTo(heidi)).hasSize(1);
    Poll.until(Duration.ofSeconds(20), () -> "heidi's token is still stored", () -> pushTargets(heidi).isEmpty());
    send(alice, heidi, MsgType.MSG_TYPE_SINGLE_TEXT, "hello?");
    assertThat(provider.pushesTo(heidi)).hasSize(1);
  }

  /** What the db proxy answers the push verticle for a 1:1 message from alice to {@code userId}. */
  private static JsonArray pushTargets(int userId) {
    JsonObject message = new JsonObject().put("from", ids.get("alice")).put("group", 0)
        .put("users", new JsonArray().add(userId));
    return await(vertx.eventBus().<JsonObject>request(Addresses.DB_PUSH_TARGETS,
        new JsonObject().put("messages", new JsonArray().add(message)))).body()
        .getJsonArray("results").getJsonObject(0).getJsonArray("targets");
  }

  @Test
  void aPushTheProviderAsksToRetryIsSentAgainAfterTheBackoff() {
    Session alice = loginPc("alice");
    int ivan = ids.get("ivan");
    provider.script(IVAN_TOKEN, PushResult.retry(-1, "503 ServiceUnavailable"));
    long retriedBefore = await(push.stats()).getLong("retried");
    send(alice, ivan, MsgType.MSG_TYPE_SINGLE_TEXT, "try again");
    Poll.until(Duration.ofSeconds(20), () -> "pushes to ivan: " + provider.pushesTo(ivan),
        () -> provider.pushesTo(ivan).size() == 2);
    List<RecordingPushProvider.Attempt> attempts = provider.attempts().stream()
        .filter(attempt -> attempt.push().userId() == ivan).toList();
    assertThat(attempts.get(1).push()).isEqualTo(attempts.get(0).push());
    assertThat((attempts.get(1).atNanos() - attempts.get(0).atNanos()) / 1_000_000)
        .isGreaterThanOrEqualTo(INITIAL_BACKOFF_MS);
    assertThat(await(push.stats()).getLong("retried")).isEqualTo(retriedBefore + 1);
  }

  @Test
  void usersWithoutATokenGetNothing() {
    Session alice = loginPc("alice");
    long skippedBefore = await(push.stats()).getLong("skippedOnline");
    send(alice, ids.get("judy"), MsgType.MSG_TYPE_SINGLE_TEXT, "no phone");
    assertThat(provider.pushesTo(ids.get("judy"))).isEmpty();
    assertThat(await(push.stats()).getLong("skippedOnline")).isEqualTo(skippedBefore);
  }
}
