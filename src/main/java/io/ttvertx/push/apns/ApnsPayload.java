package io.ttvertx.push.apns;

import io.ttvertx.push.PushNotification;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * The JSON body of one APNs request, as the TeamTalk iOS client reads it (ios/AppDelegate.m): the
 * alert under aps.alert.body, the badge, and "custom" holding the data object as a JSON string, not an
 * object. Compact JSON, cut to Apple's 4 KB limit by shortening the alert on character boundaries
 * (TeamTalk cut bytes in the middle of UTF-8 characters and pretty-printed into its 256-byte limit).
 */
public final class ApnsPayload {
  /** Apple's limit for a regular remote notification's payload, in bytes. */
  public static final int MAX_BYTES = 4096;
  static final String ELLIPSIS = "…";

  private ApnsPayload() {
  }

  /**
   * The payload in at most {@code maxBytes} UTF-8 bytes, or null when even an empty alert does not fit
   * (the data is too large). An empty {@code sound} leaves the sound out.
   */
  public static String build(PushNotification n, String sound, int maxBytes) {
    String custom = (n.data() == null ? new JsonObject() : n.data()).encode();
    if (n.silent()) {
      String payload = encode(new JsonObject().put("badge", n.badge()).put("content-available", 1), custom);
      return fits(payload, maxBytes) ? payload : null;
    }
    String whole = alertPayload(n.alert(), n.badge(), sound, custom);
    if (fits(whole, maxBytes)) {
      return whole;
    }
    // The longest prefix that fits, found by bisection over UTF-16 units, never ending inside a pair.
    int low = 0;
    int high = n.alert().length() - 1;
    String best = null;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      String payload = alertPayload(cutAlert(n.alert(), mid), n.badge(), sound, custom);
      if (fits(payload, maxBytes)) {
        best = payload;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return best;
  }

  /** The first {@code length} UTF-16 units of {@code alert} (one fewer if that would split a surrogate pair) and "…". */
  static String cutAlert(String alert, int length) {
    int end = length;
    if (end > 0 && end < alert.length() && Character.isHighSurrogate(alert.charAt(end - 1))
        && Character.isLowSurrogate(alert.charAt(end))) {
      end--;
    }
    return alert.substring(0, end) + ELLIPSIS;
  }

  private static String alertPayload(String alert, int badge, String sound, String custom) {
    JsonObject aps = new JsonObject().put("alert", new JsonObject().put("body", alert)).put("badge", badge);
    if (!sound.isEmpty()) {
      aps.put("sound", sound);
    }
    return encode(aps, custom);
  }

  private static String encode(JsonObject aps, String custom) {
    return new JsonObject().put("aps", aps).put("custom", custom).encode();
  }

  private static boolean fits(String payload, int maxBytes) {
    return payload.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
  }
}
