package io.ttvertx.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls, from a test thread, a condition that no event announces (a port that starts listening, a
 * Redis that answers, a Sentinel that changes its mind) until it holds or a deadline passes.
 */
public final class Poll {
  private static final long INTERVAL_MS = 50;

  private Poll() {
  }

  /** Returns once {@code condition} holds; fails with {@code whatFailed} (evaluated then) after {@code timeout}. */
  public static void until(Duration timeout, Supplier<String> whatFailed, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + whatFailed.get());
      }
      try {
        Thread.sleep(INTERVAL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting: " + whatFailed.get());
      }
    }
  }
}
