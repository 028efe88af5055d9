package io.ttvertx.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Configured keys, checked in constant time against every one of them, so timing tells nothing of a key. */
final class ApiKeys {
  private final List<byte[]> keys;

  ApiKeys(List<String> keys) {
    this.keys = keys.stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  int size() {
    return keys.size();
  }

  boolean knows(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    boolean known = false;
    for (byte[] configured : keys) {
      known |= MessageDigest.isEqual(given, configured);
    }
    return known;
  }
}
