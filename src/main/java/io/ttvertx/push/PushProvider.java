package io.ttvertx.push;

import io.vertx.core.Future;

/**
 * Sends pushes to one platform's service (APNs, FCM) or only logs them. Completes with what the
 * provider answered; a failed future means the provider could not be reached (to be retried). Used
 * from the context that started it.
 */
public interface PushProvider {

  /** Reads credentials and connects where needed; fails with a clear reason when misconfigured. */
  Future<Void> start();

  Future<PushResult> send(PushNotification notification);

  Future<Void> close();

  /** For logs: "apns (sandbox)", "fcm", "log". */
  String name();
}
