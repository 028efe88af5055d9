package io.ttvertx;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

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

  /**
   * One counter {@code name} per outcome, tagged {@code outcome} and {@code verticle} (the owner's
   * identity, so instances do not clash), read from {@code totals}. The owner removes them when it stops.
   */
  public static <T> List<Meter> outcomeCounters(String name, String description, T totals,
                                                Map<String, ToDoubleFunction<T>> outcomes, Object owner) {
    String verticle = Integer.toHexString(System.identityHashCode(owner));
    return outcomes.entrySet().stream().<Meter>map(outcome -> FunctionCounter.builder(name, totals, outcome.getValue())
        .description(description).tag("outcome", outcome.getKey()).tag("verticle", verticle)
        .register(registry())).toList();
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
