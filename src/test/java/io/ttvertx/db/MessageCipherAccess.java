package io.ttvertx.db;

import java.nio.charset.StandardCharsets;

/** Lets tests of other packages decrypt with TeamTalk's default key, as a client would. */
public final class MessageCipherAccess {
  private final MessageCipher cipher = new MessageCipher(MessageCipher.DEFAULT_KEY);

  public String decrypt(byte[] base64) {
    return new String(cipher.decrypt(base64), StandardCharsets.UTF_8);
  }
}
