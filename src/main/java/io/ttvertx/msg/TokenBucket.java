package io.ttvertx.msg;

/**
 * A rate limit that never refuses: each event takes a token, and an event with no token left runs
 * anyway but goes into debt; {@link #take} says how long the caller should stay quiet until the debt is
 * repaid. A rate of 0 means no limit.
 */
final class TokenBucket {
  private final double perMs;
  private final double burst;
  private double tokens;
  private long updatedAt;

  TokenBucket(int perSecond, int burst, long now) {
    this.perMs = perSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes a token at {@code now}; returns 0, or the milliseconds until the bucket is out of debt. */
  long take(long now) {
    if (perMs == 0) {
      return 0;
    }
    tokens = Math.min(burst, tokens + (now - updatedAt) * perMs);
    updatedAt = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perMs);
  }
}
