package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Map;

/**
 * The "push" section: the push verticle (TeamTalk's push_server), which tells phones whose app is not
 * connected about new messages. The "apns" and "fcm" objects are passed on as they are to the
 * providers, which read them.
 */
public final class PushOptions {
  public static final int DEFAULT_QUEUE_SIZE = 10_000;
  public static final int DEFAULT_CONCURRENCY = 16;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final int DEFAULT_INITIAL_BACKOFF_MS = 1_000;
  public static final int DEFAULT_MAX_BACKOFF_MS = 60_000;
  /** Characters (code points) of an alert before it is cut with "..."; TeamTalk cut at 37 bytes. */
  public static final int DEFAULT_ALERT_LENGTH = 100;
  /** TeamTalk's text for what it will not show (pictures, messages of other nodes). */
  public static final String DEFAULT_PRIVACY_TEXT = "您收到了一条消息";
  /**
   * TeamTalk's night hours 22 and 7; TeamTalk shielded hours >= 22 or <= 7 (through 07:59), here the end
   * hour is exclusive (nightShieldTo 8 gives TeamTalk's exact window).
   */
  public static final int DEFAULT_NIGHT_SHIELD_FROM = 22;
  public static final int DEFAULT_NIGHT_SHIELD_TO = 7;
  /** An alert shorter than this would say nothing. */
  static final int MIN_ALERT_LENGTH = 10;

  private int instances = 1;
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int concurrency = DEFAULT_CONCURRENCY;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private int initialBackoffMs = DEFAULT_INITIAL_BACKOFF_MS;
  private int maxBackoffMs = DEFAULT_MAX_BACKOFF_MS;
  private int alertLength = DEFAULT_ALERT_LENGTH;
  private boolean privacy;
  private String privacyText = DEFAULT_PRIVACY_TEXT;
  private ZoneId timeZone = ZoneId.systemDefault();
  private int nightShieldFrom = DEFAULT_NIGHT_SHIELD_FROM;
  private int nightShieldTo = DEFAULT_NIGHT_SHIELD_TO;
  private JsonObject apns = new JsonObject();
  private JsonObject fcm = new JsonObject();

  private PushOptions() {
  }

  static PushOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader push = new ConfigReader(root, "push", env);
    JsonObject section = root == null ? new JsonObject() : root.getJsonObject("push", new JsonObject());
    PushOptions o = new PushOptions();
    o.instances = push.integer("instances", "TT_PUSH_INSTANCES", 1);
    o.queueSize = push.positive("queueSize", "TT_PUSH_QUEUE_SIZE", DEFAULT_QUEUE_SIZE);
    o.concurrency = push.positive("concurrency", "TT_PUSH_CONCURRENCY", DEFAULT_CONCURRENCY);
    o.maxAttempts = push.positive("maxAttempts", "TT_PUSH_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS);
    o.initialBackoffMs = push.positive("initialBackoffMs", "TT_PUSH_INITIAL_BACKOFF_MS", DEFAULT_INITIAL_BACKOFF_MS);
    o.maxBackoffMs = push.positive("maxBackoffMs", "TT_PUSH_MAX_BACKOFF_MS", DEFAULT_MAX_BACKOFF_MS);
    if (o.maxBackoffMs < o.initialBackoffMs) {
      throw new IllegalArgumentException("push.maxBackoffMs (" + o.maxBackoffMs + ") must be at least push.initialBackoffMs ("
          + o.initialBackoffMs + ")");
    }
    o.alertLength = push.positive("alertLength", "TT_PUSH_ALERT_LENGTH", DEFAULT_ALERT_LENGTH);
    if (o.alertLength < MIN_ALERT_LENGTH) {
      throw new IllegalArgumentException("push.alertLength must be at least " + MIN_ALERT_LENGTH + ", got " + o.alertLength);
    }
    String privacy = push.string("privacy", "TT_PUSH_PRIVACY", "false").trim();
    if (!privacy.equals("true") && !privacy.equals("false")) {
      throw new IllegalArgumentException("push.privacy must be true or false, got '" + privacy + "'");
    }
    o.privacy = Boolean.parseBoolean(privacy);
    o.privacyText = push.string("privacyText", "TT_PUSH_PRIVACY_TEXT", DEFAULT_PRIVACY_TEXT);
    if (o.privacyText.isBlank()) {
      throw new IllegalArgumentException("push.privacyText must not be empty");
    }
    String zone = push.string("timeZone", "TT_PUSH_TIME_ZONE", "");
    try {
      o.timeZone = zone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(zone.trim());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("push.timeZone must be a time zone such as Asia/Shanghai, got '" + zone + "'");
    }
    o.nightShieldFrom = push.integer("nightShieldFrom", "TT_PUSH_NIGHT_SHIELD_FROM", DEFAULT_NIGHT_SHIELD_FROM);
    o.nightShieldTo = push.integer("nightShieldTo", "TT_PUSH_NIGHT_SHIELD_TO", DEFAULT_NIGHT_SHIELD_TO);
    if (o.nightShieldFrom < 0 || o.nightShieldFrom > 23 || o.nightShieldTo < 0 || o.nightShieldTo > 24) {
      throw new IllegalArgumentException("push.nightShieldFrom must be an hour 0-23 and push.nightShieldTo 0-24, got "
          + o.nightShieldFrom + " and " + o.nightShieldTo);
    }
    o.apns = section.getJsonObject("apns", new JsonObject()).copy();
    o.fcm = section.getJsonObject("fcm", new JsonObject()).copy();
    return o;
  }

  public static PushOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("push", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("queueSize", queueSize).put("concurrency", concurrency)
        .put("maxAttempts", maxAttempts).put("initialBackoffMs", initialBackoffMs).put("maxBackoffMs", maxBackoffMs)
        .put("alertLength", alertLength).put("privacy", privacy).put("privacyText", privacyText)
        .put("timeZone", timeZone.getId()).put("nightShieldFrom", nightShieldFrom).put("nightShieldTo", nightShieldTo)
        .put("apns", apns.copy()).put("fcm", fcm.copy());
  }

  /**
   * Whether {@code hour} (0-23) is in the night window: from {@code nightShieldFrom} up to, not
   * including, {@code nightShieldTo}, across midnight when from is later than to; from equal to to
   * is no night.
   */
  public boolean isNight(int hour) {
    return nightShieldFrom <= nightShieldTo ? hour >= nightShieldFrom && hour < nightShieldTo
        : hour >= nightShieldFrom || hour < nightShieldTo;
  }

  public int instances() { return instances; }
  /** Pushes waiting for a provider; a full queue drops its oldest. */
  public int queueSize() { return queueSize; }
  /** Pushes a verticle instance has at its providers at once. */
  public int concurrency() { return concurrency; }
  /** Attempts of one push, the first included. */
  public int maxAttempts() { return maxAttempts; }
  public int initialBackoffMs() { return initialBackoffMs; }
  public int maxBackoffMs() { return maxBackoffMs; }
  public int alertLength() { return alertLength; }
  /** Whether alerts hide the message (and sender) behind {@link #privacyText()}. */
  public boolean privacy() { return privacy; }
  /** The alert when the text is hidden, for pictures, and when the text cannot be decrypted. */
  public String privacyText() { return privacyText; }
  /** The zone the night shield's hours are in. */
  public ZoneId timeZone() { return timeZone; }
  public int nightShieldFrom() { return nightShieldFrom; }
  public int nightShieldTo() { return nightShieldTo; }
  /** The APNs provider's settings, as configured. */
  public JsonObject apns() { return apns.copy(); }
  /** The FCM provider's settings, as configured. */
  public JsonObject fcm() { return fcm.copy(); }
}
