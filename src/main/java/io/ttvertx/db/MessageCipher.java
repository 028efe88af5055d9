package io.ttvertx.db;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * TeamTalk's message encryption (base/EncDec.cpp, CAes): AES-256 in ECB mode over the text padded
 * with zeros to whole blocks, the last four bytes of the last block holding the text's length (big
 * endian; a block is added when fewer than four bytes are free), then base64. Clients encrypt
 * message text this way with a shared key; the server needs it for the "[语音]" placeholder that
 * stands for an audio message in session and unread lists (db_proxy_server.cpp), and to read the text
 * of a push's alert.
 */
public final class MessageCipher {
  /** The key TeamTalk ships in its configuration and clients. */
  public static final String DEFAULT_KEY = "12345678901234567890123456789012";

  private final SecretKeySpec key;

  public MessageCipher(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length != 32) {
      throw new IllegalArgumentException("the AES key must have 32 characters, got " + bytes.length);
    }
    this.key = new SecretKeySpec(bytes, "AES");
  }

  public byte[] encrypt(byte[] plain) {
    int blocks = (plain.length + 15) / 16;
    int remain = plain.length % 16;
    if (remain == 0 || remain > 12) {
      blocks++;
    }
    byte[] padded = new byte[blocks * 16];
    System.arraycopy(plain, 0, padded, 0, plain.length);
    int length = plain.length;
    padded[padded.length - 4] = (byte) (length >>> 24);
    padded[padded.length - 3] = (byte) (length >>> 16);
    padded[padded.length - 2] = (byte) (length >>> 8);
    padded[padded.length - 1] = (byte) length;
    try {
      Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key);
      return Base64.getEncoder().encode(cipher.doFinal(padded));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES is not available", e);
    }
  }

  /** The plain bytes; an {@link IllegalArgumentException} when {@code base64} is not such a text. */
  public byte[] decrypt(byte[] base64) {
    try {
      Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key);
      byte[] padded = cipher.doFinal(Base64.getDecoder().decode(base64));
      int length = ((padded[padded.length - 4] & 0xff) << 24) | ((padded[padded.length - 3] & 0xff) << 16)
          | ((padded[padded.length - 2] & 0xff) << 8) | (padded[padded.length - 1] & 0xff);
      byte[] plain = new byte[length];
      System.arraycopy(padded, 0, plain, 0, length);
      return plain;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a TeamTalk-encrypted text", e);
    }
  }
}
