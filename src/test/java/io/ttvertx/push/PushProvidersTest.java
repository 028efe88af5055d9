package io.ttvertx.push;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which provider each platform gets from the "push.apns" and "push.fcm" sections. */
class PushProvidersTest {
  private static Vertx vertx;
  @TempDir
  static Path dir;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    await(vertx.close());
  }

  @Test
  void nothingConfiguredLogsEveryPlatformAndReportsSent() {
    PushProviders providers = PushProviders.create(vertx, null, new JsonObject());
    await(providers.start());

    assertThat(providers.providerFor(0x11).name()).isEqualTo("log");
    assertThat(providers.providerFor(0x12).name()).isEqualTo("log");
    assertThat(providers.providerFor(0x01).name()).isEqualTo("log");
    assertThat(providers.describe()).isEqualTo("ios: log, android: log");
    PushNotification push = new PushNotification("p1", 7, 0x11, "a1b2c3d4e5f6", "hello", 1, null, new JsonObject());
    assertThat(await(providers.providerFor(0x11).send(push))).isEqualTo(PushResult.sent());
    await(providers.close());
  }

  @Test
  void eachConfiguredSectionPicksItsProvider() {
    Path p8 = TestKeys.write(dir.resolve("AuthKey.p8"), TestKeys.pkcs8Pem(TestKeys.ecP256().getPrivate()));
    PushProviders providers = PushProviders.create(vertx, new JsonObject().put("keyFile", p8.toString())
            .put("keyId", "K").put("teamId", "T").put("bundleId", "com.example").put("sandbox", true),
        new JsonObject().put("serviceAccountFile", dir.resolve("absent.json").toString()));

    assertThat(providers.providerFor(0x11).name()).isEqualTo("apns (sandbox)");
    assertThat(providers.providerFor(0x12).name()).isEqualTo("fcm");
    assertThat(awaitFailure(providers.start())).hasMessageContaining("absent.json cannot be read");
    await(providers.close());
  }

  @Test
  void badSectionsAreRefusedByName() {
    assertThatThrownBy(() -> PushProviders.create(vertx, new JsonObject().put("keyFile", "k.p8"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("push.apns.keyId");
    assertThatThrownBy(() -> PushProviders.create(vertx, null, new JsonObject().put("requestTimeoutMs", 0)))
        .hasMessageContaining("push.fcm.requestTimeoutMs must be a positive integer");
    assertThatThrownBy(() -> PushProviders.create(vertx, new JsonObject().put("sandbox", "yes"), null))
        .hasMessageContaining("push.apns.sandbox must be true or false");
  }
}
