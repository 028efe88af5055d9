package io.ttvertx.route;

import java.time.Clock;

/**
 * A hybrid logical clock: stamps that follow the wall clock (milliseconds, shifted left by
 * {@link #LOGICAL_BITS}) but never go back and always pass every stamp this node has seen from
 * another. Routes carry their clock on every message they exchange, so a login made on a node after
 * that node learned of another login of the user gets the greater stamp, however far the nodes' wall
 * clocks disagree. Owned by one route verticle; not thread-safe.
 */
final class HybridClock {
  static final int LOGICAL_BITS = 16;

  private final Clock wallClock;
  private long last;

  HybridClock(Clock wallClock) {
    this.wallClock = wallClock;
  }

  /** A new stamp, greater than every stamp made or seen before. */
  long tick() {
    last = Math.max(last + 1, wallClock.millis() << LOGICAL_BITS);
    return last;
  }

  /** Takes in a stamp from another node. */
  void observe(long remote) {
    if (remote > last) {
      last = remote;
    }
  }

  /** The latest stamp, to carry on a message. */
  long current() {
    return Math.max(last, wallClock.millis() << LOGICAL_BITS);
  }

  /** The wall-clock time, for display (when a user logged in). */
  long wallMillis() {
    return wallClock.millis();
  }
}
