package io.ttvertx.push.fcm;

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

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The FCM provider against a local HTTP/2 TLS server standing in for both Google's token endpoint and FCM. */
class FcmProviderTest {
  private static final String TOKEN = "fcm-token-of-a-phone:APA91bH";
  private static final String EMAIL = "push@tt-test.iam.gserviceaccount.com";
  private static final JsonObject DATA = new JsonObject().put("msg_type", 17).put("from_id", 5).put("group_id", 9);

  private static Vertx vertx;
  private static KeyPair key;
  @TempDir
  static Path dir;

  private StandInServer google;
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private TestClock clock;
  private FcmProvider provider;
  private ProviderOnContext onContext;

  @BeforeAll
  static void keys() {
    vertx = Vertx.vertx();
    key = TestKeys.rsa2048();
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void start() {
    google = new StandInServer(vertx);
    google.defaultReply(request -> request.path().equals("/token")
        ? Reply.json(200, new JsonObject().put("access_token", "ya29.token-" + tokensIssued.incrementAndGet())
            .put("expires_in", 3599).put("token_type", "Bearer").encode())
        : Reply.json(200, "{\"name\":\"projects/tt-test/messages/0:1\"}"));
    clock = new TestClock();
    provider = new FcmProvider(vertx, FcmOptions.fromJson(config()), clock);
    onContext = new ProviderOnContext(vertx, provider);
    onContext.start();
  }

  @AfterEach
  void stop() {
    onContext.close();
    google.close();
  }

  private Path serviceAccountFile(String tokenUri) {
    JsonObject account = new JsonObject().put("type", "service_account").put("project_id", "tt-test")
        .put("private_key_id", "k1").put("private_key", TestKeys.pkcs8Pem(key.getPrivate()))
        .put("client_email", EMAIL).put("token_uri", tokenUri);
    return TestKeys.write(dir.resolve("service-account.json"), account.encodePrettily());
  }

  private JsonObject config() {
    return new JsonObject().put("serviceAccountFile", serviceAccountFile(google.url() + "/token").toString())
        .put("endpoint", google.url()).put("trustedCertificate", google.certificatePath());
  }

  private PushResult send(PushNotification notification) {
    return onContext.send(notification);
  }

  private static PushNotification alert(String text) {
    return new PushNotification("p1", 7, 0x12, TOKEN, text, 4, null, DATA);
  }

  private List<Received> tokenRequests() {
    return google.received().stream().filter(r -> r.path().equals("/token")).toList();
  }

  private List<Received> messages() {
    return google.received().stream().filter(r -> !r.path().equals("/token")).toList();
  }

  private static Map<String, String> form(Received request) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : request.body().toString().split("&")) {
      String[] nameValue = pair.split("=", 2);
      fields.put(nameValue[0], URLDecoder.decode(nameValue[1], StandardCharsets.UTF_8));
    }
    return fields;
  }

  @Test
  void messageIsSentWithAnAccessTokenObtainedWithASignedAssertion() {
    assertThat(send(alert("张三:你好"))).isEqualTo(PushResult.sent());

    Received tokenRequest = tokenRequests().get(0);
    assertThat(tokenRequest.method()).isEqualTo("POST");
    assertThat(tokenRequest.header("content-type")).isEqualTo("application/x-www-form-urlencoded");
    Map<String, String> form = form(tokenRequest);
    assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
    String assertion = form.get("assertion");
    assertThat(TestKeys.verify(assertion, key.getPublic(), JsonWebTokens.jdkAlgorithm("RS256"))).isTrue();
    assertThat(new JsonObject(TestKeys.part(assertion, 0)).getString("alg")).isEqualTo("RS256");
    long now = clock.millis() / 1000;
    assertThat(new JsonObject(TestKeys.part(assertion, 1)).getMap()).isEqualTo(Map.of("iss", EMAIL,
        "scope", "https://www.googleapis.com/auth/firebase.messaging", "aud", google.url() + "/token",
        "iat", (int) now, "exp", (int) now + 3600));

    Received message = messages().get(0);
    assertThat(message.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(message.method()).isEqualTo("POST");
    assertThat(message.path()).isEqualTo("/v1/projects/tt-test/messages:send");
    assertThat(message.header("authorization")).isEqualTo("Bearer ya29.token-1");
    assertThat(new JsonObject(message.body())).isEqualTo(new JsonObject().put("message", new JsonObject()
        .put("token", TOKEN)
        .put("notification", new JsonObject().put("body", "张三:你好"))
        .put("data", new JsonObject().put("msg_type", "17").put("from_id", "5").put("group_id", "9").put("badge", "4"))
        .put("android", new JsonObject().put("priority", "high"))));
  }

  @Test
  void silentPushHasNoNotificationAndTitleIsOptional() {
    assertThat(send(new PushNotification("p2", 7, 0x12, TOKEN, "", 2, null, DATA))).isEqualTo(PushResult.sent());

    JsonObject message = new JsonObject(messages().get(0).body()).getJsonObject("message");
    assertThat(message.containsKey("notification")).isFalse();
    assertThat(message.getJsonObject("data").getString("badge")).isEqualTo("2");
    assertThat(FcmProvider.message(alert("hi"), "TeamTalk").getJsonObject("message").getJsonObject("notification")
        .getMap()).isEqualTo(Map.of("title", "TeamTalk", "body", "hi"));
  }

  @Test
  void accessTokenIsReusedAndRenewedBeforeItExpires() {
    send(alert("one"));
    send(alert("two"));
    clock.advance(Duration.ofSeconds(3599).minusMinutes(5));
    send(alert("three"));

    assertThat(tokenRequests()).hasSize(2);
    assertThat(messages()).extracting(m -> m.header("authorization"))
        .containsExactly("Bearer ya29.token-1", "Bearer ya29.token-1", "Bearer ya29.token-2");
  }

  @Test
  void pushesWaitingForTheFirstAccessTokenShareOneRequest() {
    List<PushResult> results = onContext.sendTogether(List.of(alert("one"), alert("two"), alert("three")));

    assertThat(results).containsOnly(PushResult.sent()).hasSize(3);
    assertThat(tokenRequests()).hasSize(1);
  }

  @Test
  void unregisteredTokenIsGone() {
    send(alert("warm up the token"));
    google.enqueue(Reply.json(404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
            + "\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
            + "\"errorCode\":\"UNREGISTERED\"}]}}"),
        Reply.json(400, "{\"error\":{\"code\":400,\"message\":\"The registration token is not a valid FCM registration "
            + "token\",\"status\":\"INVALID_ARGUMENT\"}}"),
        Reply.json(400, "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload\",\"status\":\"INVALID_ARGUMENT\"}}"));

    PushResult gone = send(alert("hi"));
    assertThat(gone.outcome()).isEqualTo(PushResult.Outcome.TOKEN_GONE);
    assertThat(gone.reason()).contains("UNREGISTERED");
    assertThat(send(alert("hi")).outcome()).isEqualTo(PushResult.Outcome.TOKEN_GONE);
    assertThat(send(alert("hi")).outcome()).as("a bad payload is not the token's fault")
        .isEqualTo(PushResult.Outcome.REFUSED);
  }

  @Test
  void rejectedAccessTokenIsRenewedOnceAndThePushSentAgain() {
    send(alert("warm up the token"));
    google.enqueue(Reply.json(401, "{\"error\":{\"code\":401,\"status\":\"UNAUTHENTICATED\"}}"));

    assertThat(send(alert("hi"))).isEqualTo(PushResult.sent());
    assertThat(messages()).extracting(m -> m.header("authorization"))
        .containsExactly("Bearer ya29.token-1", "Bearer ya29.token-1", "Bearer ya29.token-2");

    google.defaultReply(request -> request.path().equals("/token")
        ? Reply.json(200, "{\"access_token\":\"ya29.again\",\"expires_in\":3599}") : Reply.status(401));
    assertThat(send(alert("hi")).outcome()).isEqualTo(PushResult.Outcome.REFUSED);
    assertThat(messages()).hasSize(5);
  }

  @Test
  void unavailableIsRetriedAfterWhatFcmSays() {
    send(alert("warm up the token"));
    google.enqueue(new Reply(503, Map.of("retry-after", "30"), "{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}"),
        Reply.json(429, "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"errorCode\":"
            + "\"QUOTA_EXCEEDED\"}]}}"));

    PushResult busy = send(alert("hi"));
    assertThat(busy.outcome()).isEqualTo(PushResult.Outcome.RETRY);
    assertThat(busy.retryAfterMs()).isEqualTo(30_000);
    assertThat(send(alert("hi")).retryAfterMs()).isEqualTo(-1);
  }

  @Test
  void refusedCredentialsAreRefusedNotRetried() {
    google.defaultReply(request -> Reply.json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT\"}"));

    PushResult result = send(alert("hi"));
    assertThat(result.outcome()).isEqualTo(PushResult.Outcome.REFUSED);
    assertThat(result.reason()).contains("invalid_grant");
  }

  @Test
  void tokenEndpointOptionOverridesTheFileAndBadFilesAreNamed() {
    FcmOptions options = FcmOptions.fromJson(config().put("tokenEndpoint", google.url() + "/other-token/"));
    assertThat(options.tokenEndpoint()).isEqualTo(google.url() + "/other-token");
    assertThat(FcmOptions.fromJson(null).configured()).isFalse();
    assertThat(FcmOptions.fromJson(null).endpoint()).isEqualTo("https://fcm.googleapis.com");

    Path noKey = TestKeys.write(dir.resolve("no-key.json"), "{\"project_id\":\"p\",\"client_email\":\"e\"}");
    FcmProvider wrong = new FcmProvider(vertx, FcmOptions.fromJson(new JsonObject().put("serviceAccountFile",
        noKey.toString())));
    assertThat(ProviderOnContext.startFailure(vertx, wrong)).hasMessageContaining("no-key.json has no private_key");
  }
}
