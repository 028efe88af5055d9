package io.ttvertx.push.fcm;

import io.ttvertx.push.JsonWebTokens;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.security.PrivateKey;

/** The fields of a Google service-account JSON file that FCM needs. */
record FcmServiceAccount(String projectId, String clientEmail, PrivateKey privateKey, String tokenUri) {
  static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  /** @throws IllegalArgumentException naming {@code source} and the missing or bad field */
  static FcmServiceAccount parse(String json, String source) {
    JsonObject file;
    try {
      file = new JsonObject(json);
    } catch (DecodeException e) {
      throw new IllegalArgumentException(source + " is not JSON: " + e.getMessage());
    }
    String projectId = required(file, "project_id", source);
    String clientEmail = required(file, "client_email", source);
    PrivateKey key = JsonWebTokens.readPrivateKey(required(file, "private_key", source), "RSA", source + " private_key");
    String tokenUri = file.getValue("token_uri") == null ? DEFAULT_TOKEN_URI : file.getValue("token_uri").toString();
    return new FcmServiceAccount(projectId, clientEmail, key, tokenUri);
  }

  private static String required(JsonObject file, String field, String source) {
    Object value = file.getValue(field);
    if (value == null || value.toString().isBlank()) {
      throw new IllegalArgumentException(source + " has no " + field + " (is it a service-account key file?)");
    }
    return value.toString();
  }
}
