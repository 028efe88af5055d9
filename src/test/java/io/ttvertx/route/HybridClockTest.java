package io.ttvertx.route;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The hybrid clock's stamps: monotonic, after everything seen, close to the wall clock otherwise. */
class HybridClockTest {
  private static final Instant NOW = Instant.parse("2026-11-30T01:00:00Z");

  @Test
  void aStampComesAfterEveryStampSeenWhateverTheWallClockSays() {
    HybridClock onTime = new HybridClock(Clock.fixed(NOW, ZoneOffset.UTC));
    HybridClock minutesBehind = new HybridClock(Clock.fixed(NOW.minus(Duration.ofMinutes(5)), ZoneOffset.UTC));

    long first = onTime.tick();
    minutesBehind.observe(first);
    long later = minutesBehind.tick();
    assertThat(later).isGreaterThan(first);
    assertThat(minutesBehind.tick()).as("monotonic on a clock that does not move").isGreaterThan(later);
  }

  @Test
  void withoutMessagesAStampFollowsTheWallClock() {
    HybridClock clock = new HybridClock(Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(clock.tick() >> HybridClock.LOGICAL_BITS).isEqualTo(NOW.toEpochMilli());
    assertThat(clock.current()).isGreaterThanOrEqualTo(NOW.toEpochMilli() << HybridClock.LOGICAL_BITS);
    assertThat(clock.wallMillis()).isEqualTo(NOW.toEpochMilli());
  }
}
