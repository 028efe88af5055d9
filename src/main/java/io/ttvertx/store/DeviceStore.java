package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Map;

/** Mobile devices' push tokens (TeamTalk keeps one per user). */
public interface DeviceStore {
  int CLIENT_TYPE_IOS = 0x11;
  int CLIENT_TYPE_ANDROID = 0x12;

  /**
   * Records the push token of a user's mobile device, replacing the previous one. {@code clientType}
   * is 0x11 (iOS) or 0x12 (Android).
   */
  Future<Void> setDeviceToken(int userId, int clientType, String token);

  /** The user's device token, or null when none was recorded. */
  Future<DeviceToken> deviceToken(int userId);

  /** The device tokens of those of {@code userIds} that have one, by user id. */
  Future<Map<Integer, DeviceToken>> deviceTokens(Collection<Integer> userIds);

  /**
   * Forgets the user's device token when it is still {@code token} (a push service reported it gone);
   * false when the user has another token or none.
   */
  Future<Boolean> removeDeviceToken(int userId, String token);
}
