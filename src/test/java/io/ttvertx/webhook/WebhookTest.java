package io.ttvertx.webhook;

import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.Store;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks for messages sent over real TCP connections through the whole server, posted to a local
 * HTTP server: one that answers 200, one that answers 503 to each delivery's first attempt, and one
 * that never answers.
 */
class WebhookTest extends ServerTestBase {
  static final String SECRET = "hook-secret";
  static final int INITIAL_BACKOFF_MS = 200;
  static final Duration WAIT = Duration.ofSeconds(20);

  private static final WebhookReceiver receiver = new WebhookReceiver();
  private static final Map<String, Integer> ids = new HashMap<>();
  private static int groupId;
  private final MessageCipherAccess cipher = new MessageCipherAccess();

  @BeforeAll
  static void start() {
    await(receiver.start());
    JsonObject config = TestServer.defaultConfig().put("webhooks", new JsonObject()
        .put("urls", new JsonArray(List.of(receiver.url("/ok"), receiver.url("/flaky"), receiver.url("/hang"))))
        .put("secret", SECRET).put("initialBackoffMs", INITIAL_BACKOFF_MS).put("maxAttempts", 3)
        .put("timeoutMs", 60_000).put("concurrency", 200));
    startServer(config, WebhookTest::prepare);
  }

  static Future<?> prepare(Store store) {
    return store.listUsers().compose(users -> {
      users.forEach(user -> ids.put(user.name(), user.id()));
      return store.createGroup(ids.get("carol"), "Team", "", GroupStore.GROUP_TYPE_NORMAL,
          List.of(ids.get("dave"), ids.get("erin"))).onSuccess(group -> groupId = group.id());
    });
  }

  @AfterAll
  static void stop() {
    stopServer();
    await(receiver.close());
  }

  @Test
  void aMessageIsPostedSignedWithItsDecryptedText() throws Exception {
    Session alice = loginPc("alice");
    String text = "hello hooks " + System.nanoTime();
    IMMessage.IMMsgDataAck ack = sendEncrypted(alice, ids.get("bob"), MsgType.MSG_TYPE_SINGLE_TEXT, text);

    Poll.until(WAIT, () -> "no webhook for the message: " + receiver.received, () -> !receiver.withText("/ok", text).isEmpty());
    WebhookReceiver.Received posted = receiver.withText("/ok", text).get(0);
    JsonObject body = posted.json();
    assertThat(body.getString("event")).isEqualTo("message");
    assertThat(body.getInteger("msgId")).isEqualTo(ack.getMsgId());
    assertThat(body.getInteger("fromUserId")).isEqualTo(alice.userId());
    assertThat(body.getInteger("toUserId")).isEqualTo(ids.get("bob"));
    assertThat(body.containsKey("groupId")).isFalse();
    assertThat(body.getString("type")).isEqualTo("single_text");
    assertThat(body.getLong("createTime")).isPositive();
    assertThat(body.containsKey("pictureUrl")).isFalse();
    assertThat(posted.event()).isEqualTo("message");
    assertThat(posted.delivery()).isNotBlank();
    assertThat(Long.parseLong(posted.timestamp())).isPositive();
    assertThat(posted.signature()).isEqualTo("sha256=" + hmac(posted.body()));
    assertThat(posted.signature()).isNotEqualTo("sha256=" + hmac((body.encode() + " ").getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aGroupPictureNamesTheGroupAndThePicture() {
    Session carol = loginPc("carol");
    String url = "http://127.0.0.1/pic/" + System.nanoTime() + ".jpg";
    String text = "&$#@~^@[{:" + url + ":}]&$~@#@";
    sendEncrypted(carol, groupId, MsgType.MSG_TYPE_GROUP_TEXT, text);

    Poll.until(WAIT, () -> "no webhook for the picture", () -> !receiver.withText("/ok", text).isEmpty());
    JsonObject body = receiver.withText("/ok", text).get(0).json();
    assertThat(body.getInteger("groupId")).isEqualTo(groupId);
    assertThat(body.containsKey("toUserId")).isFalse();
    assertThat(body.getString("type")).isEqualTo("group_text");
    assertThat(body.getString("pictureUrl")).isEqualTo(url);
  }

  @Test
  void audioHasNoText() {
    Session dave = loginPc("dave");
    IMMessage.IMMsgDataAck ack = ask(dave.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(dave, ids.get("frank"), MsgType.MSG_TYPE_SINGLE_AUDIO, "not text"),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    Poll.until(WAIT, () -> "no webhook for the audio", () -> audioFromDave(ack).isPresent());
    assertThat(audioFromDave(ack).orElseThrow().containsKey("text")).isTrue();
    assertThat(audioFromDave(ack).orElseThrow().getString("text")).isNull();
  }

  private java.util.Optional<JsonObject> audioFromDave(IMMessage.IMMsgDataAck ack) {
    return receiver.received.stream().filter(r -> r.path().equals("/ok")).map(WebhookReceiver.Received::json)
        .filter(json -> json.getString("type").equals("single_audio") && json.getInteger("fromUserId").equals(ids.get("dave"))
            && json.getInteger("msgId") == ack.getMsgId())
        .findFirst();
  }

  @Test
  void aFailedAttemptIsRetriedWithTheSameDeliveryIdAndDeliveredOnce() {
    Session grace = loginPc("grace");
    String text = "flaky " + System.nanoTime();
    sendEncrypted(grace, ids.get("heidi"), MsgType.MSG_TYPE_SINGLE_TEXT, text);

    Poll.until(WAIT, () -> "not retried: " + receiver.withText("/flaky", text),
        () -> receiver.withText("/flaky", text).size() >= 2);
    List<WebhookReceiver.Received> attempts = receiver.withText("/flaky", text);
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(1).delivery()).isEqualTo(attempts.get(0).delivery());
    assertThat(Long.parseLong(attempts.get(1).timestamp())).isGreaterThanOrEqualTo(Long.parseLong(attempts.get(0).timestamp()));
    // the /ok delivery of the same message is another delivery, with an id of its own
    Poll.until(WAIT, () -> "no /ok delivery", () -> !receiver.withText("/ok", text).isEmpty());
    assertThat(receiver.withText("/ok", text).get(0).delivery()).isNotEqualTo(attempts.get(0).delivery());
  }

  @Test
  void aReceiverThatNeverAnswersDoesNotHoldBackAcks() {
    Session ivan = loginPc("ivan");
    Session judy = loginPc("judy");
    int messages = 30;
    for (int i = 0; i < messages; i++) {
      String text = "while /hang hangs " + i;
      IMMessage.IMMsgDataAck ack = sendEncrypted(ivan, judy.userId(), MsgType.MSG_TYPE_SINGLE_TEXT, text);
      assertThat(ack.getMsgId()).isPositive();
      assertThat(cipher.decrypt(receiveMessage(judy).getMsgData().toByteArray())).isEqualTo(text);
    }
    // every message was acknowledged and delivered while /hang has answered none of its requests
    Poll.until(WAIT, () -> "the hanging receiver got no request",
        () -> !receiver.withText("/hang", "while /hang hangs 0").isEmpty());
    assertThat(receiver.withText("/ok", "while /hang hangs 0")).hasSize(1);
  }

  private IMMessage.IMMsgDataAck sendEncrypted(Session from, int to, MsgType type, String text) {
    return ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(from, to, type, cipher.encrypt(text)), MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.parser());
  }

  static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
