package io.ttvertx.bench;

import java.util.Arrays;

/** Latency samples in microseconds; percentiles by sorting at the end. Confined to one thread. */
final class LatencyRecorder {
  private long[] samples = new long[1 << 16];
  private int count;

  void record(long micros) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = micros;
  }

  void addAll(LatencyRecorder other) {
    for (int i = 0; i < other.count; i++) {
      record(other.samples[i]);
    }
  }

  int count() {
    return count;
  }

  /** The value at {@code fraction} (0.5, 0.99, 0.999) of the sorted samples, 0 when there are none. */
  long percentile(double fraction) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return sorted[Math.min(count - 1, (int) Math.ceil(fraction * count) - 1)];
  }
}
