package io.ttvertx.db;

import java.nio.charset.StandardCharsets;

/** Lets tests of other packages encrypt and decrypt with TeamTalk's default key, as a client would. */
public final class MessageCipherAccess {
  private final MessageCipher cipher = new MessageCipher(MessageCipher.DEFAULT_KEY);

  /** The base64 text a client sends for {@code text}. */
  public String encrypt(String text) {
    return new String(cipher.encrypt(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  public String decrypt(byte[] base64) {
    return new String(cipher.decrypt(base64), StandardCharsets.UTF_8);
  }
}
