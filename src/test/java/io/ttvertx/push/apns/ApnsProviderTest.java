package io.ttvertx.push.apns;

import io.ttvertx.push.JsonWebTokens;
import io.ttvertx.push.PushNotification;
import io.ttvertx.push.ProviderOnContext;
import io.ttvertx.push.PushResult;
import io.ttvertx.push.StandInServer;
import io.ttvertx.push.StandInServer.Received;
import io.ttvertx.push.StandInServer.Reply;
import io.ttvertx.push.TestClock;
import io.ttvertx.push.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The APNs provider against a local HTTP/2 TLS server standing in for api.push.apple.com. */
class ApnsProviderTest {
  private static final String TOKEN = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
  private static final JsonObject DATA = new JsonObject().put("msg_type", 1).put("from_id", 5);

  private static Vertx vertx;
  private static KeyPair key;
  @TempDir
  static Path dir;
  private static Path keyFile;

  private StandInServer apple;
  private TestClock clock;
  private ApnsProvider provider;
  private ProviderOnContext onContext;

  @BeforeAll
  static void keys() {
    vertx = Vertx.vertx();
    key = TestKeys.ecP256();
    keyFile = TestKeys.write(dir.resolve("AuthKey_ABC123DEFG.p8"), TestKeys.pkcs8Pem(key.getPrivate()));
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void start() {
    apple = new StandInServer(vertx);
    clock = new TestClock();
    provider = new ApnsProvider(vertx, ApnsOptions.fromJson(config()), clock);
    onContext = new ProviderOnContext(vertx, provider);
    onContext.start();
  }

  @AfterEach
  void stop() {
    onContext.close();
    apple.close();
  }

  private JsonObject config() {
    return new JsonObject().put("keyFile", keyFile.toString()).put("keyId", "ABC123DEFG").put("teamId", "TEAM123456")
        .put("bundleId", "com.mogujie.TeamTalk").put("sandbox", true).put("endpoint", apple.url())
        .put("trustedCertificate", apple.certificatePath());
  }

  private PushResult send(PushNotification notification) {
    return onContext.send(notification);
  }

  private static PushNotification alert(String id, String text) {
    return new PushNotification(id, 7, 0x11, TOKEN, text, 3, null, DATA);
  }

  private static String jwt(Received request) {
    String authorization = request.header("authorization");
    assertThat(authorization).startsWith("bearer ");
    return authorization.substring("bearer ".length());
  }

  @Test
  void alertPushIsSignedAndShapedAsAppleAndTheIosClientExpect() {
    String id = UUID.randomUUID().toString();

    PushResult result = send(alert(id, "张三:你好 😀"));

    assertThat(result).isEqualTo(PushResult.sent());
    Received request = apple.last();
    assertThat(request.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/3/device/" + TOKEN);
    assertThat(request.header("apns-topic")).isEqualTo("com.mogujie.TeamTalk");
    assertThat(request.header("apns-push-type")).isEqualTo("alert");
    assertThat(request.header("apns-priority")).isEqualTo("10");
    assertThat(request.header("apns-id")).isEqualTo(id);
    assertThat(request.header("apns-expiration")).isEqualTo(String.valueOf(clock.millis() / 1000 + 86400));

    String jwt = jwt(request);
    assertThat(Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1))).as("raw R||S").hasSize(64);
    assertThat(TestKeys.verify(jwt, key.getPublic(), JsonWebTokens.jdkAlgorithm("ES256"))).isTrue();
    assertThat(new JsonObject(TestKeys.part(jwt, 0)).getMap()).isEqualTo(Map.of("alg", "ES256", "kid", "ABC123DEFG"));
    assertThat(new JsonObject(TestKeys.part(jwt, 1)).getMap())
        .isEqualTo(Map.of("iss", "TEAM123456", "iat", (int) (clock.millis() / 1000)));

    String body = request.body().toString();
    assertThat(body).doesNotContain("\n", ": ");
    JsonObject payload = new JsonObject(body);
    JsonObject aps = payload.getJsonObject("aps");
    assertThat(aps.getJsonObject("alert").getString("body")).isEqualTo("张三:你好 😀");
    assertThat(aps.getInteger("badge")).isEqualTo(3);
    assertThat(aps.getString("sound")).isEqualTo("bingbong.aiff");
    assertThat(payload.getValue("custom")).isInstanceOf(String.class);
    assertThat(new JsonObject(payload.getString("custom"))).isEqualTo(DATA);
  }

  @Test
  void silentPushIsABackgroundPushWithTheBadge() {
    PushResult result = send(new PushNotification("not-a-uuid", 7, 0x11, TOKEN, null, 9, null, DATA));

    assertThat(result.outcome()).isEqualTo(PushResult.Outcome.SENT);
    Received request = apple.last();
    assertThat(request.header("apns-push-type")).isEqualTo("background");
    assertThat(request.header("apns-priority")).isEqualTo("5");
    assertThat(request.header("apns-id")).isNull();
    JsonObject aps = new JsonObject(request.body()).getJsonObject("aps");
    assertThat(aps.getMap()).isEqualTo(Map.of("badge", 9, "content-available", 1));
  }

  @Test
  void goneAndBadTokensAreReportedGone() {
    apple.enqueue(Reply.json(410, "{\"reason\":\"Unregistered\",\"timestamp\":1700000000000}"),
        Reply.json(400, "{\"reason\":\"BadDeviceToken\"}"),
        Reply.json(400, "{\"reason\":\"DeviceTokenNotForTopic\"}"));

    assertThat(send(alert("a", "hi"))).isEqualTo(PushResult.tokenGone("Unregistered"));
    assertThat(send(alert("b", "hi"))).isEqualTo(PushResult.tokenGone("BadDeviceToken"));
    assertThat(send(alert("c", "hi"))).isEqualTo(PushResult.tokenGone("DeviceTokenNotForTopic"));
    assertThat(send(new PushNotification("d", 7, 0x11, "not hex!", "hi", 1, null, DATA)).outcome())
        .isEqualTo(PushResult.Outcome.TOKEN_GONE);
    assertThat(apple.received()).hasSize(3);
  }

  @Test
  void busyServerIsRetriedAfterWhatItSays() {
    apple.enqueue(new Reply(503, Map.of("retry-after", "120"), "{\"reason\":\"ServiceUnavailable\"}"),
        Reply.json(429, "{\"reason\":\"TooManyRequests\"}"),
        Reply.json(500, "{\"reason\":\"InternalServerError\"}"));

    assertThat(send(alert("a", "hi"))).isEqualTo(PushResult.retry(120_000, "ServiceUnavailable"));
    assertThat(send(alert("b", "hi"))).isEqualTo(PushResult.retry(-1, "TooManyRequests"));
    assertThat(send(alert("c", "hi"))).isEqualTo(PushResult.retry(-1, "InternalServerError"));
  }

  @Test
  void otherRefusalsAreFinalWithAppleReason() {
    apple.enqueue(Reply.json(400, "{\"reason\":\"BadTopic\"}"), Reply.json(403, "{\"reason\":\"InvalidProviderToken\"}"));

    assertThat(send(alert("a", "hi"))).isEqualTo(PushResult.refused("APNs 400 BadTopic"));
    assertThat(send(alert("b", "hi"))).isEqualTo(PushResult.refused("APNs 403 InvalidProviderToken"));
  }

  @Test
  void providerTokenIsReusedAndRenewedBeforeAnHour() {
    send(alert("a", "one"));
    clock.advance(Duration.ofMinutes(49));
    send(alert("b", "two"));
    clock.advance(Duration.ofMinutes(1));
    send(alert("c", "three"));

    String first = jwt(apple.received().get(0));
    assertThat(jwt(apple.received().get(1))).isEqualTo(first);
    String renewed = jwt(apple.received().get(2));
    assertThat(renewed).isNotEqualTo(first);
    assertThat(TestKeys.verify(renewed, key.getPublic(), JsonWebTokens.jdkAlgorithm("ES256"))).isTrue();
    assertThat(new JsonObject(TestKeys.part(renewed, 1)).getLong("iat")).isEqualTo(clock.millis() / 1000);
  }

  @Test
  void expiredProviderTokenIsRenewedAndThePushSentAgainOnce() {
    clock.advance(Duration.ofMinutes(30));
    apple.enqueue(Reply.json(403, "{\"reason\":\"ExpiredProviderToken\"}"));

    assertThat(send(alert("a", "hi"))).isEqualTo(PushResult.sent());

    assertThat(apple.received()).hasSize(2);
    long firstIat = new JsonObject(TestKeys.part(jwt(apple.received().get(0)), 1)).getLong("iat");
    long secondIat = new JsonObject(TestKeys.part(jwt(apple.received().get(1)), 1)).getLong("iat");
    assertThat(secondIat - firstIat).isEqualTo(30 * 60);
    assertThat(apple.received().get(1).body()).isEqualTo(apple.received().get(0).body());

    apple.enqueue(Reply.json(403, "{\"reason\":\"ExpiredProviderToken\"}"),
        Reply.json(403, "{\"reason\":\"ExpiredProviderToken\"}"));
    assertThat(send(alert("b", "hi")).outcome()).isEqualTo(PushResult.Outcome.RETRY);
    assertThat(apple.received()).hasSize(4);
  }

  @Test
  void unreachableServiceFailsTheSendForTheCallerToRetry() {
    StandInServer gone = new StandInServer(vertx);
    String url = gone.url();
    gone.close();
    ApnsProvider unreachable = new ApnsProvider(vertx, ApnsOptions.fromJson(config().put("endpoint", url)), clock);
    ProviderOnContext onItsContext = new ProviderOnContext(vertx, unreachable);
    onItsContext.start();

    assertThat(onItsContext.sendFailure(alert("a", "hi"))).hasMessageContaining("Connection refused");
    onItsContext.close();
  }

  @Test
  void misconfigurationIsNamed() {
    assertThatThrownBy(() -> ApnsOptions.fromJson(new JsonObject().put("keyFile", "k.p8").put("teamId", "T")
        .put("bundleId", "b"))).hasMessage("push.apns.keyId is required with push.apns.keyFile");
    assertThatThrownBy(() -> ApnsOptions.fromJson(new JsonObject().put("endpoint", "ftp://x")))
        .hasMessageContaining("push.apns.endpoint");

    ApnsProvider missing = new ApnsProvider(vertx, ApnsOptions.fromJson(config().put("keyFile", dir.resolve("none.p8")
        .toString())));
    assertThat(ProviderOnContext.startFailure(vertx, missing)).hasMessageContaining("none.p8 cannot be read");

    Path notAKey = TestKeys.write(dir.resolve("notakey.p8"), "hello");
    ApnsProvider wrong = new ApnsProvider(vertx, ApnsOptions.fromJson(config().put("keyFile", notAKey.toString())));
    assertThat(ProviderOnContext.startFailure(vertx, wrong))
        .hasMessageContaining("notakey.p8 holds no PKCS#8 private key");
  }

  @Test
  void defaultsFollowSandbox() {
    assertThat(ApnsOptions.fromJson(new JsonObject()).configured()).isFalse();
    assertThat(ApnsOptions.fromJson(new JsonObject()).endpoint()).isEqualTo("https://api.push.apple.com");
    assertThat(ApnsOptions.fromJson(new JsonObject().put("sandbox", true)).endpoint())
        .isEqualTo("https://api.sandbox.push.apple.com");
    assertThat(provider.name()).isEqualTo("apns (sandbox)");
  }
}
