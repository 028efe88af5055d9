package io.ttvertx.push;

import io.ttvertx.config.ServerOptions;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.Store;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole way, as an operator configures it: messages sent over TCP become pushes that the push
 * verticle's own APNs provider (from the push.apns section, a .p8 key) posts over HTTP/2 to a stand-in
 * for Apple's server, which checks the provider token's signature. A phone online gets none; a token
 * the stand-in reports gone is removed and gets none after.
 */
class ApnsEndToEndTest extends ServerTestBase {
  static final String BUNDLE_ID = "com.example.teamtalk";
  static final String BOB_TOKEN = "ab".repeat(32);
  static final String CAROL_TOKEN = "cd".repeat(32);
  static final String DAVE_TOKEN = "de".repeat(32);
  private static final Map<String, Integer> ids = new HashMap<>();
  private static final KeyPair key = TestKeys.ecP256();
  private static StandInServer apple;
  private static PushVerticle push;
  private final MessageCipherAccess cipher = new MessageCipherAccess();

  @BeforeAll
  static void start() throws Exception {
    startServer(TestServer.defaultConfig(), ApnsEndToEndTest::prepare);
    apple = new StandInServer(vertx);
    Path keyFile = TestKeys.write(Files.createTempDirectory("tt-apns").resolve("AuthKey_ABC123DEFG.p8"),
        TestKeys.pkcs8Pem(key.getPrivate()));
    JsonObject apns = new JsonObject().put("keyFile", keyFile.toString()).put("keyId", "ABC123DEFG")
        .put("teamId", "TEAM123456").put("bundleId", BUNDLE_ID).put("sandbox", true)
        .put("endpoint", apple.url()).put("trustedCertificate", apple.certificatePath());
    JsonObject config = ServerOptions.read(new JsonObject().put("push", new JsonObject().put("apns", apns)), Map.of())
        .pushConfig();
    push = new PushVerticle();
    await(vertx.deployVerticle(push, new DeploymentOptions().setConfig(config)));
  }

  @AfterAll
  static void stop() {
    if (apple != null) {
      apple.close();
    }
    stopServer();
  }

  static Future<?> prepare(Store store) {
    return store.listUsers().compose(users -> {
      users.forEach(user -> ids.put(user.name(), user.id()));
      return Future.all(List.of(store.setDeviceToken(ids.get("bob"), 0x11, BOB_TOKEN),
          store.setDeviceToken(ids.get("carol"), 0x11, CAROL_TOKEN),
          store.setDeviceToken(ids.get("dave"), 0x11, DAVE_TOKEN)));
    });
  }

  /** Sends an encrypted text and waits until its pushes have been answered by the stand-in. */
  private void send(Session from, int to, String text) {
    long before = await(push.stats()).getLong("messages");
    ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(from, to, MsgType.MSG_TYPE_SINGLE_TEXT, cipher.encrypt(text)), MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.parser());
    Poll.until(Duration.ofSeconds(20), () -> "the push of '" + text + "' handled", () -> {
      JsonObject stats = await(push.stats());
      return stats.getLong("messages") > before && stats.getLong("waiting") == 0 && stats.getLong("inFlight") == 0;
    });
  }

  private static List<StandInServer.Received> pushesTo(String token) {
    return apple.received().stream().filter(request -> request.path().equals("/3/device/" + token)).toList();
  }

  @Test
  void anOfflineIphoneGetsOneSignedPushWithTheNickTextAndBadgeAndNoneWhileConnected() {
    Session alice = loginPc("alice");
    send(alice, ids.get("bob"), "see you at 8");
    List<StandInServer.Received> pushes = pushesTo(BOB_TOKEN);
    assertThat(pushes).hasSize(1);
    StandInServer.Received request = pushes.get(0);
    assertThat(request.header("apns-topic")).isEqualTo(BUNDLE_ID);
    assertThat(request.header("apns-push-type")).isEqualTo("alert");
    String jwt = request.header("authorization").substring("bearer ".length());
    assertThat(TestKeys.verify(jwt, key.getPublic(), "SHA256withECDSAinP1363Format")).isTrue();
    JsonObject payload = request.body().toJsonObject();
    assertThat(payload.getJsonObject("aps").getJsonObject("alert").getString("body")).isEqualTo("Alice:see you at 8");
    assertThat(payload.getJsonObject("aps").getInteger("badge")).isEqualTo(1);
    assertThat(new JsonObject(payload.getString("custom")).getInteger("from_id")).isEqualTo(alice.userId());

    Session bobsPhone = login("bob", ClientType.CLIENT_TYPE_IOS);
    send(alice, bobsPhone.userId(), "are you there?");
    assertThat(pushesTo(BOB_TOKEN)).hasSize(1);
  }

  @Test
  void aTokenAppleReportsGoneIsRemovedAndGetsNoMorePushes() {
    Session alice = loginPc("alice");
    apple.enqueue(StandInServer.Reply.json(410, "{\"reason\":\"Unregistered\"}"));
    send(alice, ids.get("dave"), "first");
    assertThat(pushesTo(DAVE_TOKEN)).hasSize(1);
    send(alice, ids.get("dave"), "second");
    send(alice, ids.get("carol"), "to someone else");
    assertThat(pushesTo(DAVE_TOKEN)).hasSize(1);
    assertThat(pushesTo(CAROL_TOKEN)).hasSize(1);
  }
}
