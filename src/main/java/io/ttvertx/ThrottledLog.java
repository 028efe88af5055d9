package io.ttvertx;

import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;

/**
 * Warnings that can come in floods (every message failing while Redis or MySQL is down): the first of
 * each reason in an interval is logged, the others are counted and reported in one line with the next
 * warning after the interval. Used from one context.
 */
public final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final Map<String, Integer> suppressed = new HashMap<>();
  private long intervalStart = System.nanoTime();

  public ThrottledLog(Logger log, long intervalMs) {
    this.log = log;
    this.intervalNanos = intervalMs * 1_000_000;
  }

  /** Logs {@code message} unless a warning with the same {@code reason} was logged in this interval. */
  public void warn(String reason, String message) {
    long now = System.nanoTime();
    if (now - intervalStart >= intervalNanos) {
      suppressed.forEach((repeated, count) -> {
        if (count > 0) {
          log.warn("{} more like this in the last {} ms: {}", count, intervalNanos / 1_000_000, repeated);
        }
      });
      suppressed.clear();
      intervalStart = now;
    }
    Integer before = suppressed.putIfAbsent(reason, 0);
    if (before == null) {
      log.warn(message);
    } else {
      suppressed.put(reason, before + 1);
    }
  }
}
