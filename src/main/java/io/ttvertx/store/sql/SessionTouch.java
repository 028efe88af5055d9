package io.ttvertx.store.sql;

/**
 * A message made a session the latest of a user: {@code userId}'s session with {@code peerId} (a user
 * or a group, as {@code sessionType} says) was active at {@code time}.
 */
public record SessionTouch(int userId, int peerId, int sessionType, int time) {

  /** User and peer ids are below 2^31, so the sign bit is free to tell group sessions from single ones. */
  long key() {
    return key(userId, peerId, sessionType);
  }

  static long key(int userId, int peerId, int sessionType) {
    long key = ((long) userId << 32) | (peerId & 0xffffffffL);
    return sessionType == 2 ? key | Long.MIN_VALUE : key;
  }
}
