package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "webhooks" section: URLs that receive a signed JSON POST for every stored message (or only for
 * messages of the configured bot users). The verticle runs when URLs are configured and
 * {@code instances} is 1; a secret is then required, since receivers must be able to check the sender.
 */
public final class WebhookOptions {
  public static final int DEFAULT_QUEUE_SIZE = 10_000;
  public static final int DEFAULT_MAX_ATTEMPTS = 8;
  public static final int DEFAULT_INITIAL_BACKOFF_MS = 1_000;
  public static final int DEFAULT_MAX_BACKOFF_MS = 300_000;
  public static final int DEFAULT_TIMEOUT_MS = 10_000;
  /** Requests one verticle has at the receivers at once. */
  public static final int DEFAULT_CONCURRENCY = 16;

  private int instances = 1;
  private List<String> urls = List.of();
  private String secret = "";
  private List<Integer> botUserIds = List.of();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
  private int initialBackoffMs = DEFAULT_INITIAL_BACKOFF_MS;
  private int maxBackoffMs = DEFAULT_MAX_BACKOFF_MS;
  private int timeoutMs = DEFAULT_TIMEOUT_MS;
  private int concurrency = DEFAULT_CONCURRENCY;

  private WebhookOptions() {
  }

  static WebhookOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader section = new ConfigReader(root, "webhooks", env);
    WebhookOptions o = new WebhookOptions();
    o.instances = section.integer("instances", "TT_WEBHOOK_INSTANCES", 1);
    if (o.instances < 0 || o.instances > 1) {
      throw new IllegalArgumentException("webhooks.instances must be 0 or 1 per node (each message goes to one"
          + " webhook verticle of the cluster), got " + o.instances);
    }
    o.urls = section.list("urls", "TT_WEBHOOK_URLS").stream().map(WebhookOptions::checkUrl).toList();
    o.secret = section.string("secret", "TT_WEBHOOK_SECRET", "");
    if (!o.urls.isEmpty() && o.secret.isBlank()) {
      throw new IllegalArgumentException("webhooks.secret (or TT_WEBHOOK_SECRET) must be set when webhooks.urls are:"
          + " receivers check the X-TT-Signature made with it");
    }
    List<Integer> bots = new ArrayList<>();
    for (String id : section.list("botUserIds", "TT_WEBHOOK_BOT_USER_IDS")) {
      try {
        bots.add(Integer.parseInt(id));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("webhooks.botUserIds must be user ids, got '" + id + "'");
      }
    }
    o.botUserIds = List.copyOf(bots);
    o.queueSize = section.positive("queueSize", "TT_WEBHOOK_QUEUE_SIZE", DEFAULT_QUEUE_SIZE);
    o.maxAttempts = section.positive("maxAttempts", "TT_WEBHOOK_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS);
    o.initialBackoffMs = section.positive("initialBackoffMs", "TT_WEBHOOK_INITIAL_BACKOFF_MS", DEFAULT_INITIAL_BACKOFF_MS);
    o.maxBackoffMs = section.positive("maxBackoffMs", "TT_WEBHOOK_MAX_BACKOFF_MS", DEFAULT_MAX_BACKOFF_MS);
    if (o.maxBackoffMs < o.initialBackoffMs) {
      throw new IllegalArgumentException("webhooks.maxBackoffMs (" + o.maxBackoffMs
          + ") must be at least webhooks.initialBackoffMs (" + o.initialBackoffMs + ")");
    }
    o.timeoutMs = section.positive("timeoutMs", "TT_WEBHOOK_TIMEOUT_MS", DEFAULT_TIMEOUT_MS);
    o.concurrency = section.positive("concurrency", "TT_WEBHOOK_CONCURRENCY", DEFAULT_CONCURRENCY);
    return o;
  }

  private static String checkUrl(String url) {
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("webhooks.urls must be http(s) URLs with a host, got '" + url + "'");
      }
      return url;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("webhooks.urls: '" + url + "' is not a URL");
    }
  }

  public static WebhookOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("webhooks", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("urls", new JsonArray(new ArrayList<>(urls)))
        .put("secret", secret).put("botUserIds", new JsonArray(new ArrayList<>(botUserIds)))
        .put("queueSize", queueSize).put("maxAttempts", maxAttempts).put("initialBackoffMs", initialBackoffMs)
        .put("maxBackoffMs", maxBackoffMs).put("timeoutMs", timeoutMs).put("concurrency", concurrency);
  }

  public int instances() { return instances; }
  public List<String> urls() { return urls; }
  /** The HMAC-SHA256 key of the X-TT-Signature header. */
  public String secret() { return secret; }
  /** When not empty, only messages from or to these users (or in a group with one of them) are posted. */
  public List<Integer> botUserIds() { return botUserIds; }
  /** Deliveries waiting (or waiting for a retry); a full queue drops its oldest. */
  public int queueSize() { return queueSize; }
  /** Attempts of one delivery, the first included. */
  public int maxAttempts() { return maxAttempts; }
  public int initialBackoffMs() { return initialBackoffMs; }
  public int maxBackoffMs() { return maxBackoffMs; }
  /** How long one POST may take before it counts as a network error (and is retried). */
  public int timeoutMs() { return timeoutMs; }
  public int concurrency() { return concurrency; }
}
