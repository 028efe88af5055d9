package io.ttvertx.push;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.List;

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

  /** Sends all at once (none waits for another), in order of the answers' notifications. */
  public List<PushResult> sendTogether(List<PushNotification> notifications) {
    Promise<List<PushResult>> results = Promise.promise();
    context.runOnContext(v -> Future.all(notifications.stream().map(provider::send).toList())
        .map(all -> all.<PushResult>list()).onComplete(results));
    return await(results.future());
  }

  /** The failure of a send that must fail (an unreachable service). */
  public Throwable sendFailure(PushNotification notification) {
    Promise<PushResult> result = Promise.promise();
    context.runOnContext(v -> provider.send(notification).onComplete(result));
    return awaitFailure(result.future());
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
