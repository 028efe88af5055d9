package io.ttvertx.push.apns;

import io.ttvertx.push.PushNotification;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ApnsPayloadTest {
  private static final JsonObject DATA = new JsonObject().put("msg_type", 1).put("from_id", 5);

  private static PushNotification alert(String text, JsonObject data) {
    return new PushNotification("p1", 7, 0x11, "00ff", text, 3, null, data);
  }

  private static int bytes(String payload) {
    return payload.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void compactJsonWithCustomAsAString() {
    String payload = ApnsPayload.build(alert("张三:你好", DATA), "bingbong.aiff", ApnsPayload.MAX_BYTES);

    assertThat(payload).isEqualTo("{\"aps\":{\"alert\":{\"body\":\"张三:你好\"},\"badge\":3,\"sound\":\"bingbong.aiff\"},"
        + "\"custom\":\"{\\\"msg_type\\\":1,\\\"from_id\\\":5}\"}");
  }

  @Test
  void silentCarriesBadgeAndContentAvailableOnly() {
    String payload = ApnsPayload.build(alert("", DATA), "bingbong.aiff", ApnsPayload.MAX_BYTES);

    JsonObject json = new JsonObject(payload);
    assertThat(json.getJsonObject("aps").fieldNames()).containsExactlyInAnyOrder("badge", "content-available");
    assertThat(json.getString("custom")).isEqualTo(DATA.encode());
  }

  @Test
  void shortAlertIsKeptWhole() {
    String text = "x".repeat(100);
    assertThat(new JsonObject(ApnsPayload.build(alert(text, DATA), "", 4096)).getJsonObject("aps")
        .getJsonObject("alert").getString("body")).isEqualTo(text);
  }

  @Test
  void longAlertIsCutOnCharactersToFitFourKilobytes() {
    String text = "中".repeat(3000); // 9000 bytes in UTF-8
    String payload = ApnsPayload.build(alert(text, DATA), "bingbong.aiff", ApnsPayload.MAX_BYTES);

    assertThat(bytes(payload)).isLessThanOrEqualTo(4096).isGreaterThan(4096 - 3);
    String body = new JsonObject(payload).getJsonObject("aps").getJsonObject("alert").getString("body");
    assertThat(body).endsWith(ApnsPayload.ELLIPSIS);
    assertThat(text).startsWith(body.substring(0, body.length() - 1));
  }

  @Test
  void cutNeverSplitsASurrogatePair() {
    String text = "a" + "😀".repeat(2000); // each emoji: two UTF-16 units, four UTF-8 bytes
    for (int max = 4096; max > 4076; max--) {
      String payload = ApnsPayload.build(alert(text, DATA), "", max);
      assertThat(bytes(payload)).isLessThanOrEqualTo(max);
      String body = new JsonObject(payload).getJsonObject("aps").getJsonObject("alert").getString("body");
      String kept = body.substring(0, body.length() - 1);
      assertThat(kept.length() % 2).as("'a' and whole pairs").isEqualTo(1);
      assertThat(kept.codePoints().filter(cp -> cp >= 0xD800 && cp <= 0xDFFF)).isEmpty();
    }
    assertThat(ApnsPayload.cutAlert("a😀b", 2)).isEqualTo("a…");
    assertThat(ApnsPayload.cutAlert("a😀b", 3)).isEqualTo("a😀…");
  }

  @Test
  void dataTooLargeForAnyAlertGivesNull() {
    JsonObject huge = new JsonObject().put("blob", "z".repeat(5000));
    assertThat(ApnsPayload.build(alert("hello", huge), "", ApnsPayload.MAX_BYTES)).isNull();
    assertThat(ApnsPayload.build(alert("", huge), "", ApnsPayload.MAX_BYTES)).isNull();
  }
}
