package io.ttvertx.push;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider when none is configured for a platform: logs one line per push (the text itself only
 * at DEBUG) and reports it sent, so the rest of push can run and be watched without any credentials.
 */
public final class LogPushProvider implements PushProvider {
  public static final String NAME = "log";

  private static final Logger log = LoggerFactory.getLogger(LogPushProvider.class);

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<PushResult> send(PushNotification n) {
    int alertLength = n.silent() ? 0 : n.alert().length();
    if (log.isDebugEnabled()) {
      log.debug("push {} (log only): user {} client type 0x{} token {} badge {} alert \"{}\" data {}", n.id(),
          n.userId(), Integer.toHexString(n.clientType()), shortToken(n.token()), n.badge(),
          n.silent() ? "" : n.alert(), n.data() == null ? "{}" : n.data().encode());
    } else {
      log.info("push {} (log only): user {} client type 0x{} token {} badge {} {}", n.id(), n.userId(),
          Integer.toHexString(n.clientType()), shortToken(n.token()), n.badge(),
          n.silent() ? "silent" : "alert of " + alertLength + " characters");
    }
    return Future.succeededFuture(PushResult.sent());
  }

  /** A token as logs show it: its first 8 characters. */
  static String shortToken(String token) {
    return token == null ? "-" : token.length() <= 8 ? token : token.substring(0, 8) + "…";
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String name() {
    return NAME;
  }
}
