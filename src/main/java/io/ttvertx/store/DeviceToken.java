package io.ttvertx.store;

/** A mobile device's push token and its client type (0x11 iOS, 0x12 Android). */
public record DeviceToken(int clientType, String token) {
}
