package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads one section of conf.json with environment-variable overrides. An environment variable, when
 * set and not blank, wins over the file; the file wins over the default.
 */
final class ConfigReader {
  private final JsonObject section;
  private final Map<String, String> env;
  private final String sectionName;

  ConfigReader(JsonObject root, String sectionName, Map<String, String> env) {
    this.section = root == null ? new JsonObject() : root.getJsonObject(sectionName, new JsonObject());
    this.sectionName = sectionName;
    this.env = env;
  }

  String string(String key, String envName, String defaultValue) {
    String fromEnv = envName == null ? null : env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    Object value = section.getValue(key);
    return value == null ? defaultValue : value.toString();
  }

  /** A JSON array of strings, or a comma-separated string (as environment variables give lists). */
  List<String> list(String key, String envName) {
    String fromEnv = envName == null ? null : env.get(envName);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return splitList(fromEnv);
    }
    Object value = section.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }
    return splitList(value.toString());
  }

  private static List<String> splitList(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
  }

  int integer(String key, String envName, int defaultValue) {
    String text = string(key, envName, null);
    if (text == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(sectionName + "." + key + " must be an integer, got '" + text + "'");
    }
  }

  int positive(String key, String envName, int defaultValue) {
    int value = integer(key, envName, defaultValue);
    if (value <= 0) {
      throw new IllegalArgumentException(sectionName + "." + key + " must be positive, got " + value);
    }
    return value;
  }

  int nonNegative(String key, String envName, int defaultValue) {
    int value = integer(key, envName, defaultValue);
    if (value < 0) {
      throw new IllegalArgumentException(sectionName + "." + key + " must not be negative, got " + value);
    }
    return value;
  }

  int port(String key, String envName, int defaultValue) {
    int value = integer(key, envName, defaultValue);
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(sectionName + "." + key + " must be a port (0-65535), got " + value);
    }
    return value;
  }
}
