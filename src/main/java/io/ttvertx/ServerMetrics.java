package io.ttvertx;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Where the roles record their metrics (names start with {@code tt_}): the registry Vert.x's metrics
 * go to, scraped at {@code /metrics}. A Vert.x started without metrics (as most tests start theirs)
 * gets a registry that keeps nothing.
 */
public final class ServerMetrics {
  private static final MeterRegistry NOTHING = new CompositeMeterRegistry();

  private ServerMetrics() {
  }

  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : NOTHING;
  }

  /** The reason a connection closed, as a label of few values. */
  public static String closeCategory(String reason) {
    if (reason.startsWith("closed by peer")) {
      return "peer";
    }
    if (reason.startsWith("kicked")) {
      return "kicked";
    }
    if (reason.startsWith("idle") || reason.startsWith("no login within")) {
      return "timeout";
    }
    if (reason.startsWith("malformed") || reason.contains("undecodable") || reason.contains("before login")) {
      return "bad_input";
    }
    if (reason.startsWith("server stopping")) {
      return "server_stopping";
    }
    if (reason.startsWith("login refused")) {
      return "login_refused";
    }
    return "other";
  }
}
