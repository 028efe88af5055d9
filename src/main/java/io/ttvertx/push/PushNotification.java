package io.ttvertx.push;

import io.vertx.core.json.JsonObject;

/**
 * One push to one device, whatever the provider. {@code clientType} is the token's platform (0x11
 * iOS: APNs, 0x12 Android: FCM). {@code alert} is the text shown (null or empty for a silent push that
 * only sets the badge); {@code data} is what the app reads: TeamTalk's {msg_type, from_id[, group_id]},
 * which APNs carries as the string field "custom" (the iOS client parses a string) and FCM as data.
 * {@code id} names the push in logs and, where the provider has one, as its id (apns-id).
 */
public record PushNotification(String id, int userId, int clientType, String token, String alert, int badge,
                               String sound, JsonObject data) {

  public boolean silent() {
    return alert == null || alert.isEmpty();
  }
}
