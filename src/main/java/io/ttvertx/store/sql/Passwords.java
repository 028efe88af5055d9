package io.ttvertx.store.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * TeamTalk's password scheme: the client sends md5hex(typed password); IMUser.password holds
 * md5hex(that + salt) with a 4-character salt (IMUser.salt).
 */
public final class Passwords {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SALT_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";

  private Passwords() {
  }

  public static String md5Hex(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String newSalt() {
    char[] salt = new char[4];
    for (int i = 0; i < salt.length; i++) {
      salt[i] = SALT_CHARS.charAt(RANDOM.nextInt(SALT_CHARS.length()));
    }
    return new String(salt);
  }

  /** What IMUser.password holds for a plain password and salt. */
  public static String storedForPlain(String plainPassword, String salt) {
    return md5Hex(md5Hex(plainPassword) + salt);
  }

  /** Compares, in constant time, what a client sent with the stored hash. */
  public static boolean matches(String clientDigest, String salt, String stored) {
    String expected = md5Hex(clientDigest.toLowerCase() + (salt == null ? "" : salt));
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        (stored == null ? "" : stored.toLowerCase()).getBytes(StandardCharsets.US_ASCII));
  }
}
