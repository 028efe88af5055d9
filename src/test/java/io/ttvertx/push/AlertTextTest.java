package io.ttvertx.push;

import io.ttvertx.config.PushOptions;
import io.ttvertx.db.MessageCipher;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AlertTextTest {
  private final MessageCipher cipher = new MessageCipher(MessageCipher.DEFAULT_KEY);
  private final AlertText alerts = new AlertText(cipher, PushOptions.fromJson(new JsonObject().put("alertLength", 12)));

  private byte[] encrypted(String text) {
    return cipher.encrypt(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void textIsDecryptedAndFollowsTheSendersNickAndTheGroupName() {
    assertThat(alerts.alert(AlertText.SINGLE_TEXT, encrypted("你好"), "Alice", null)).isEqualTo("Alice:你好");
    assertThat(alerts.alert(AlertText.GROUP_TEXT, encrypted("hi"), "Bob", "Team")).isEqualTo("Bob@Team:hi");
    assertThat(alerts.alert(AlertText.GROUP_TEXT, encrypted("hi"), "Bob", "")).isEqualTo("Bob:hi");
  }

  @Test
  void voiceAndPicturesGetFixedPhrases() {
    AlertText alerts = new AlertText(cipher, PushOptions.fromJson(new JsonObject()));
    assertThat(alerts.alert(AlertText.SINGLE_AUDIO, new byte[] {1, 2}, "Al", null)).isEqualTo("Al给您发送了一条语音消息");
    assertThat(alerts.alert(AlertText.GROUP_AUDIO, new byte[] {1, 2}, "Al", "Team")).isEqualTo("Al在群聊中发送了一条语音消息");
    String picture = AlertText.PICTURE_START + "http://msfs/g0/1.jpg" + AlertText.PICTURE_END;
    assertThat(alerts.alert(AlertText.SINGLE_TEXT, encrypted(picture), "Alice", null))
        .isEqualTo(PushOptions.DEFAULT_PRIVACY_TEXT);
  }

  @Test
  void textThatCannotBeDecryptedGetsThePrivacyText() {
    assertThat(alerts.alert(AlertText.SINGLE_TEXT, "plain text".getBytes(StandardCharsets.UTF_8), "Alice", null))
        .isEqualTo(PushOptions.DEFAULT_PRIVACY_TEXT);
  }

  @Test
  void longAlertsAreCutOnCharactersNeverInsideOne() {
    // 12 code points: "Al:" and nine emoji, each a surrogate pair
    String emoji = "\uD83D\uDE00".repeat(10);
    String alert = alerts.alert(AlertText.SINGLE_TEXT, encrypted(emoji), "Al", null);
    assertThat(alert).isEqualTo("Al:" + "\uD83D\uDE00".repeat(9) + "...");
    assertThat(alerts.alert(AlertText.SINGLE_TEXT, encrypted("123456789"), "Al", null)).isEqualTo("Al:123456789");
    assertThat(alerts.alert(AlertText.SINGLE_TEXT, encrypted("1234567890"), "Al", null)).isEqualTo("Al:123456789...");
  }

  @Test
  void privacyHidesEverything() {
    AlertText hidden = new AlertText(cipher, PushOptions.fromJson(new JsonObject().put("privacy", true)
        .put("privacyText", "New message")));
    assertThat(hidden.alert(AlertText.SINGLE_TEXT, encrypted("secret plans"), "Alice", null)).isEqualTo("New message");
    assertThat(hidden.alert(AlertText.GROUP_AUDIO, new byte[0], "Alice", "Team")).isEqualTo("New message");
  }
}
