package io.ttvertx.push;

import io.ttvertx.push.apns.ApnsOptions;
import io.ttvertx.push.apns.ApnsProvider;
import io.ttvertx.push.fcm.FcmOptions;
import io.ttvertx.push.fcm.FcmProvider;
import io.ttvertx.store.DeviceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The provider of each platform, built from the "push.apns" and "push.fcm" sections: APNs for iOS
 * tokens (client type 0x11) when the apns section names a keyFile, FCM for Android tokens (0x12) when
 * the fcm section names a serviceAccountFile, the {@link LogPushProvider} otherwise (and for any other
 * client type). Usage: {@code create(...)} (checks the sections), {@code start()} once (reads keys,
 * fails with a clear reason when misconfigured), {@code providerFor(clientType).send(...)}, {@code close()}.
 */
public final class PushProviders {
  private final PushProvider ios;
  private final PushProvider android;
  private final PushProvider log;

  public PushProviders(PushProvider ios, PushProvider android) {
    this.ios = ios;
    this.android = android;
    this.log = new LogPushProvider();
  }

  /**
   * @param apnsSection "push.apns" (null or empty: iOS pushes are only logged)
   * @param fcmSection "push.fcm" (null or empty: Android pushes are only logged)
   * @throws IllegalArgumentException naming the config key that is wrong
   */
  public static PushProviders create(Vertx vertx, JsonObject apnsSection, JsonObject fcmSection) {
    ApnsOptions apns = ApnsOptions.fromJson(apnsSection);
    FcmOptions fcm = FcmOptions.fromJson(fcmSection);
    LogPushProvider log = new LogPushProvider();
    return new PushProviders(apns.configured() ? new ApnsProvider(vertx, apns) : log,
        fcm.configured() ? new FcmProvider(vertx, fcm) : log);
  }

  /** Starts both providers; fails with the first one's reason. */
  public Future<Void> start() {
    return Future.all(ios.start(), android.start()).mapEmpty();
  }

  /** The provider for a token of this client type; never null. */
  public PushProvider providerFor(int clientType) {
    return switch (clientType) {
      case DeviceStore.CLIENT_TYPE_IOS -> ios;
      case DeviceStore.CLIENT_TYPE_ANDROID -> android;
      default -> log;
    };
  }

  public Future<Void> close() {
    return Future.join(ios.close(), android.close()).mapEmpty();
  }

  /** For the startup log: "ios: apns (sandbox), android: log". */
  public String describe() {
    return "ios: " + ios.name() + ", android: " + android.name();
  }
}
