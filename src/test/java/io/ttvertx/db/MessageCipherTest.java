package io.ttvertx.db;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TeamTalk's CAes framing: zero padding, the length in the last four bytes, base64. */
class MessageCipherTest {
  private final MessageCipher cipher = new MessageCipher(MessageCipher.DEFAULT_KEY);

  @Test
  void roundTripsAndSizesBlocksLikeTeamTalk() {
    for (int length : new int[] {1, 12, 13, 16, 17, 28, 29, 100}) {
      byte[] plain = "x".repeat(length).getBytes(StandardCharsets.UTF_8);
      byte[] encrypted = cipher.encrypt(plain);
      int blocks = (length + 15) / 16 + (length % 16 == 0 || length % 16 > 12 ? 1 : 0);
      assertThat(Base64.getDecoder().decode(encrypted)).hasSize(blocks * 16);
      assertThat(cipher.decrypt(encrypted)).isEqualTo(plain);
    }
    byte[] voice = "[语音]".getBytes(StandardCharsets.UTF_8);
    assertThat(cipher.decrypt(cipher.encrypt(voice))).isEqualTo(voice);
  }

  @Test
  void refusesKeysOfTheWrongLength() {
    assertThatThrownBy(() -> new MessageCipher("short")).isInstanceOf(IllegalArgumentException.class);
  }
}
