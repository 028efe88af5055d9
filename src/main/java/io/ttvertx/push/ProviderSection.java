package io.ttvertx.push;

import io.vertx.core.json.JsonObject;

/** Reads the values of a provider's config section ("push.apns", "push.fcm"), naming the key in errors. */
public final class ProviderSection {
  private final JsonObject json;
  private final String name;

  public ProviderSection(JsonObject json, String name) {
    this.json = json == null ? new JsonObject() : json;
    this.name = name;
  }

  public boolean has(String key) {
    return json.getValue(key) != null;
  }

  /** The value as trimmed text; "" when absent. */
  public String text(String key) {
    Object value = json.getValue(key);
    return value == null ? "" : value.toString().trim();
  }

  public boolean bool(String key, boolean defaultValue) {
    String value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(name + "." + key + " must be true or false, got '" + value + "'");
    }
    return Boolean.parseBoolean(value);
  }

  public int positive(String key, int defaultValue) {
    String value = text(key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + "." + key + " must be a positive integer, got '" + value + "'");
  }

  /** An http(s) URL without its trailing '/'; {@code defaultValue} when absent. */
  public String endpoint(String key, String defaultValue) {
    String value = text(key);
    return PushHttpClients.checkEndpoint(value.isEmpty() ? defaultValue : value, name + "." + key);
  }
}
