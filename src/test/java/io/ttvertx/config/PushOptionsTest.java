package io.ttvertx.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The push section: defaults, environment overrides, the night window, and values refused at start. */
class PushOptionsTest {

  @Test
  void defaultsRunWithoutAConfFileAndTheProvidersSectionsPassThrough() {
    ServerOptions options = ServerOptions.read(ServerOptions.defaultConfig(), Map.of());
    assertThat(options.deploysPush()).isTrue();
    PushOptions push = options.push();
    assertThat(push.instances()).isEqualTo(1);
    assertThat(push.queueSize()).isEqualTo(10_000);
    assertThat(push.maxAttempts()).isEqualTo(5);
    assertThat(push.initialBackoffMs()).isEqualTo(1_000);
    assertThat(push.maxBackoffMs()).isEqualTo(60_000);
    assertThat(push.alertLength()).isEqualTo(100);
    assertThat(push.privacy()).isFalse();
    assertThat(push.privacyText()).isEqualTo("您收到了一条消息");
    assertThat(push.timeZone()).isEqualTo(ZoneId.systemDefault());
    assertThat(push.nightShieldFrom()).isEqualTo(22);
    assertThat(push.nightShieldTo()).isEqualTo(7);
    assertThat(ServerOptions.read(new JsonObject(), Map.of()).deploysPush()).isFalse();

    JsonObject apns = new JsonObject().put("keyId", "ABC123").put("sandbox", true);
    JsonObject config = ServerOptions.read(new JsonObject().put("push", new JsonObject().put("apns", apns)
        .put("fcm", new JsonObject().put("projectId", "p"))), Map.of()).pushConfig();
    assertThat(config.getJsonObject("apns")).isEqualTo(apns);
    assertThat(config.getJsonObject("fcm").getString("projectId")).isEqualTo("p");
    assertThat(config.getString("aesKey")).isEqualTo(ServerOptions.DEFAULT_AES_KEY);
    JsonObject section = config.copy();
    section.remove("aesKey");
    assertThat(PushOptions.fromJson(section).toJson()).isEqualTo(section);
  }

  @Test
  void environmentOverrides() {
    PushOptions push = ServerOptions.read(new JsonObject().put("push", new JsonObject().put("queueSize", 5)),
        Map.of("TT_PUSH_QUEUE_SIZE", "7", "TT_PUSH_PRIVACY", "true", "TT_PUSH_TIME_ZONE", "Asia/Shanghai",
            "TT_PUSH_INSTANCES", "0")).push();
    assertThat(push.queueSize()).isEqualTo(7);
    assertThat(push.privacy()).isTrue();
    assertThat(push.timeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(push.instances()).isZero();
  }

  @Test
  void theNightRunsAcrossMidnightOrWithinADay() {
    PushOptions teamTalks = PushOptions.fromJson(new JsonObject());
    assertThat(teamTalks.isNight(21)).isFalse();
    assertThat(teamTalks.isNight(22)).isTrue();
    assertThat(teamTalks.isNight(0)).isTrue();
    assertThat(teamTalks.isNight(6)).isTrue();
    assertThat(teamTalks.isNight(7)).isFalse();
    PushOptions afternoon = PushOptions.fromJson(new JsonObject().put("nightShieldFrom", 13).put("nightShieldTo", 15));
    assertThat(afternoon.isNight(12)).isFalse();
    assertThat(afternoon.isNight(13)).isTrue();
    assertThat(afternoon.isNight(15)).isFalse();
    PushOptions always = PushOptions.fromJson(new JsonObject().put("nightShieldFrom", 0).put("nightShieldTo", 24));
    assertThat(always.isNight(0)).isTrue();
    assertThat(always.isNight(23)).isTrue();
  }

  @Test
  void valuesThatCannotWorkAreRefused() {
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("queueSize", 0)))
        .hasMessageContaining("push.queueSize");
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("timeZone", "Mars/Olympus")))
        .hasMessageContaining("push.timeZone");
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("nightShieldFrom", 24)))
        .hasMessageContaining("push.nightShieldFrom");
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("privacy", "yes")))
        .hasMessageContaining("push.privacy");
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("initialBackoffMs", 5000).put("maxBackoffMs", 10)))
        .hasMessageContaining("push.maxBackoffMs");
    assertThatThrownBy(() -> PushOptions.fromJson(new JsonObject().put("alertLength", 3)))
        .hasMessageContaining("push.alertLength");
  }
}
