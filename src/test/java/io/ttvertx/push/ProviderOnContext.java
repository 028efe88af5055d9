package io.ttvertx.push;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;

/** Runs a provider on one Vert.x context, as the push verticle does, and waits for its answers. */
public final class ProviderOnContext {
  private final Context context;
  private final PushProvider provider;

  public ProviderOnContext(Vertx vertx, PushProvider provider) {
    this.context = vertx.getOrCreateContext();
    this.provider = provider;
  }

  public void start() {
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> provider.start().onComplete(started));
    await(started.future());
  }

  public PushResult send(PushNotification notification) {
    Promise<PushResult> result = Promise.promise();
    context.runOnContext(v -> provider.send(notification).onComplete(result));
    return await(result.future());
  }

  public void close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> provider.close().onComplete(closed));
    await(closed.future());
  }

  /** For a provider that must fail to start. */
  public static Throwable startFailure(Vertx vertx, PushProvider provider) {
    Promise<Void> started = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> provider.start().onComplete(started));
    return awaitFailure(started.future());
  }
}
