package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The {@code msg.limits} section: what one logged-in client may cost the others. A client over a rate
 * is slowed (its socket is read later), never cut off and never loses what it sent; a rate of 0 turns
 * that limit off.
 */
public final class LimitOptions {
  public static final int DEFAULT_MESSAGES_PER_SECOND = 100;
  public static final int DEFAULT_MESSAGE_BURST = 300;
  public static final int DEFAULT_REQUESTS_PER_SECOND = 50;
  public static final int DEFAULT_REQUEST_BURST = 200;
  public static final int DEFAULT_P2P_PER_SECOND = 10;
  public static final int DEFAULT_P2P_BURST = 30;
  public static final int DEFAULT_PROFILE_CHANGE_INTERVAL_MS = 1_000;
  public static final int DEFAULT_FREE_LOGIN_FAILURES_PER_USER = 3;
  public static final int DEFAULT_FREE_LOGIN_FAILURES_PER_ADDRESS = 10;
  public static final int DEFAULT_LOGIN_DELAY_MS = 500;
  public static final int DEFAULT_MAX_USER_LOGIN_DELAY_MS = 5_000;
  public static final int DEFAULT_MAX_ADDRESS_LOGIN_DELAY_MS = 30_000;
  public static final int DEFAULT_LOGIN_FAILURE_MEMORY_SECONDS = 900;

  private int messagesPerSecond = DEFAULT_MESSAGES_PER_SECOND;
  private int messageBurst = DEFAULT_MESSAGE_BURST;
  private int requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
  private int requestBurst = DEFAULT_REQUEST_BURST;
  private int p2pPerSecond = DEFAULT_P2P_PER_SECOND;
  private int p2pBurst = DEFAULT_P2P_BURST;
  private int profileChangeIntervalMs = DEFAULT_PROFILE_CHANGE_INTERVAL_MS;
  private int freeLoginFailuresPerUser = DEFAULT_FREE_LOGIN_FAILURES_PER_USER;
  private int freeLoginFailuresPerAddress = DEFAULT_FREE_LOGIN_FAILURES_PER_ADDRESS;
  private int loginDelayMs = DEFAULT_LOGIN_DELAY_MS;
  private int maxUserLoginDelayMs = DEFAULT_MAX_USER_LOGIN_DELAY_MS;
  private int maxAddressLoginDelayMs = DEFAULT_MAX_ADDRESS_LOGIN_DELAY_MS;
  private int loginFailureMemorySeconds = DEFAULT_LOGIN_FAILURE_MEMORY_SECONDS;

  public LimitOptions() {
  }

  static LimitOptions read(JsonObject msgSection, Map<String, String> env) {
    ConfigReader limits = new ConfigReader(msgSection, "limits", env);
    LimitOptions o = new LimitOptions();
    o.messagesPerSecond = limits.nonNegative("messagesPerSecond", "TT_LIMIT_MESSAGES_PER_SECOND",
        DEFAULT_MESSAGES_PER_SECOND);
    o.messageBurst = limits.positive("messageBurst", null, DEFAULT_MESSAGE_BURST);
    o.requestsPerSecond = limits.nonNegative("requestsPerSecond", "TT_LIMIT_REQUESTS_PER_SECOND",
        DEFAULT_REQUESTS_PER_SECOND);
    o.requestBurst = limits.positive("requestBurst", null, DEFAULT_REQUEST_BURST);
    o.p2pPerSecond = limits.nonNegative("p2pPerSecond", null, DEFAULT_P2P_PER_SECOND);
    o.p2pBurst = limits.positive("p2pBurst", null, DEFAULT_P2P_BURST);
    o.profileChangeIntervalMs = limits.nonNegative("profileChangeIntervalMs", null, DEFAULT_PROFILE_CHANGE_INTERVAL_MS);
    o.freeLoginFailuresPerUser = limits.nonNegative("freeLoginFailuresPerUser", null,
        DEFAULT_FREE_LOGIN_FAILURES_PER_USER);
    o.freeLoginFailuresPerAddress = limits.nonNegative("freeLoginFailuresPerAddress", null,
        DEFAULT_FREE_LOGIN_FAILURES_PER_ADDRESS);
    o.loginDelayMs = limits.nonNegative("loginDelayMs", "TT_LIMIT_LOGIN_DELAY_MS", DEFAULT_LOGIN_DELAY_MS);
    o.maxUserLoginDelayMs = limits.nonNegative("maxUserLoginDelayMs", null, DEFAULT_MAX_USER_LOGIN_DELAY_MS);
    o.maxAddressLoginDelayMs = limits.nonNegative("maxAddressLoginDelayMs", null, DEFAULT_MAX_ADDRESS_LOGIN_DELAY_MS);
    o.loginFailureMemorySeconds = limits.positive("loginFailureMemorySeconds", null,
        DEFAULT_LOGIN_FAILURE_MEMORY_SECONDS);
    return o;
  }

  public static LimitOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("limits", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("messagesPerSecond", messagesPerSecond).put("messageBurst", messageBurst)
        .put("requestsPerSecond", requestsPerSecond).put("requestBurst", requestBurst)
        .put("p2pPerSecond", p2pPerSecond).put("p2pBurst", p2pBurst)
        .put("profileChangeIntervalMs", profileChangeIntervalMs)
        .put("freeLoginFailuresPerUser", freeLoginFailuresPerUser)
        .put("freeLoginFailuresPerAddress", freeLoginFailuresPerAddress)
        .put("loginDelayMs", loginDelayMs).put("maxUserLoginDelayMs", maxUserLoginDelayMs)
        .put("maxAddressLoginDelayMs", maxAddressLoginDelayMs)
        .put("loginFailureMemorySeconds", loginFailureMemorySeconds);
  }

  /** Messages (MSG_DATA) one connection may send per second on average; 0: no limit. */
  public int messagesPerSecond() { return messagesPerSecond; }
  /** Messages one connection may send at once before the rate applies. */
  public int messageBurst() { return messageBurst; }
  /**
   * Other requests (profile changes, lists, history, groups...) one connection may send per second on
   * average; 0: no limit.
   */
  public int requestsPerSecond() { return requestsPerSecond; }
  public int requestBurst() { return requestBurst; }
  /** Peer-to-peer commands (typing, window shake) one connection may relay per second; 0: no limit. */
  public int p2pPerSecond() { return p2pPerSecond; }
  public int p2pBurst() { return p2pBurst; }
  /** Least time between two announcements of one user's avatar (or signature); later changes are coalesced. */
  public int profileChangeIntervalMs() { return profileChangeIntervalMs; }
  /** Failed logins of one user name answered without delay. */
  public int freeLoginFailuresPerUser() { return freeLoginFailuresPerUser; }
  /** Failed logins from one source address answered without delay. */
  public int freeLoginFailuresPerAddress() { return freeLoginFailuresPerAddress; }
  /** The delay after the first failure past the free ones; it doubles with each further failure; 0: off. */
  public int loginDelayMs() { return loginDelayMs; }
  /** The most a user name's failures delay a login (the real user's too, so it stays short). */
  public int maxUserLoginDelayMs() { return maxUserLoginDelayMs; }
  /** The most a source address's failures delay its logins. */
  public int maxAddressLoginDelayMs() { return maxAddressLoginDelayMs; }
  /** How long failed logins are remembered after the last one. */
  public int loginFailureMemorySeconds() { return loginFailureMemorySeconds; }
}
