package io.ttvertx.msg;

import java.util.Locale;

/** The limits a client can run into; each hit is counted under its label. */
enum RateLimit {
  /** Messages per connection: the connection is read later. */
  MESSAGES("over its message rate: reading slowed"),
  /** Other requests per connection: the connection is read later. */
  REQUESTS("over its request rate: reading slowed"),
  /** Peer-to-peer commands per connection: the connection is read later. */
  P2P("over its peer-to-peer command rate: reading slowed"),
  /** Avatar or signature changes of one user: announcements coalesced to the latest value. */
  PROFILE("changing its profile too often: announcements coalesced"),
  /** Failed logins of one user name: further logins of that name delayed. */
  LOGIN_USER("failing to log in: further logins of this name delayed"),
  /** Failed logins from one address: further logins from there delayed, and refused when the wait grows too long. */
  LOGIN_ADDRESS("failing to log in: further logins from this address delayed");

  private final String episode;

  RateLimit(String episode) {
    this.episode = episode;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the log line says when a client starts running into the limit. */
  String episode() {
    return episode;
  }
}
