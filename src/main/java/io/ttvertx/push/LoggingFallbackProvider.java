package io.ttvertx.push;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends nothing: logs each push it would send, and reports it sent. The default for every platform. */
public final class LoggingFallbackProvider implements PushProvider {
  private static final Logger log = LoggerFactory.getLogger(LoggingFallbackProvider.class);

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<PushResult> send(PushNotification push) {
    log.info("push {} to user {} (client type 0x{}): \"{}\", badge {}, data {}", push.id(), push.userId(),
        Integer.toHexString(push.clientType()), push.alert(), push.badge(), push.data().encode());
    return Future.succeededFuture(PushResult.sent());
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String name() {
    return "log";
  }
}
