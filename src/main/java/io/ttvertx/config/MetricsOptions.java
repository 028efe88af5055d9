package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The "metrics" section: whether the node keeps metrics for /metrics at all, and whether Vert.x counts
 * every event-bus message by address (the costliest of its metrics: several counters per message, on
 * the message path).
 */
public final class MetricsOptions {
  private boolean enabled = true;
  private boolean eventBus = false;

  public MetricsOptions() {
  }

  static MetricsOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader section = new ConfigReader(root, "metrics", env);
    MetricsOptions o = new MetricsOptions();
    o.enabled = Boolean.parseBoolean(section.string("enabled", "TT_METRICS", "true"));
    o.eventBus = Boolean.parseBoolean(section.string("eventBus", "TT_METRICS_EVENT_BUS", "false"));
    return o;
  }

  public boolean enabled() { return enabled; }
  public boolean eventBus() { return eventBus; }
}
