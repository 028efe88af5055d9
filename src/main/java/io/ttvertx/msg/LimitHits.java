package io.ttvertx.msg;

import io.micrometer.core.instrument.Counter;
import io.ttvertx.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Counts every time a client runs into a limit ({@code tt_msg_limit_hits_total}) and logs it once per
 * episode: the first hit of a subject (a connection, a user, an address) is logged, and further hits
 * stay quiet until the subject has kept under the limit for {@link #EPISODE_GAP_MS}. One per msg
 * instance, used from its event loop.
 */
final class LimitHits {
  private static final Logger log = LoggerFactory.getLogger(LimitHits.class);
  static final long EPISODE_GAP_MS = 10_000;
  /** Subjects remembered at most; past it, the oldest episodes are forgotten (and may be logged again). */
  static final int MAX_SUBJECTS = 100_000;

  private final Map<RateLimit, Counter> counters = new EnumMap<>(RateLimit.class);
  /** Last hit time by limit and subject. */
  private final Map<String, Long> lastHits = new HashMap<>();

  LimitHits() {
    for (RateLimit limit : RateLimit.values()) {
      counters.put(limit, Counter.builder("tt_msg_limit_hits_total")
          .description("Times a client ran into a limit: slowed, coalesced or delayed").tag("limit", limit.label())
          .register(ServerMetrics.registry()));
    }
  }

  void hit(RateLimit limit, String subject) {
    counters.get(limit).increment();
    long now = System.currentTimeMillis();
    String key = limit.ordinal() + subject;
    Long last = lastHits.put(key, now);
    if (last == null || now - last >= EPISODE_GAP_MS) {
      log.warn("{} {}", subject, limit.episode());
      if (lastHits.size() > MAX_SUBJECTS) {
        forgetEndedEpisodes(now);
      }
    }
  }

  /** Forgets the subjects that have kept under their limit for a whole gap. */
  void forgetEndedEpisodes(long now) {
    for (Iterator<Long> it = lastHits.values().iterator(); it.hasNext(); ) {
      if (now - it.next() >= EPISODE_GAP_MS) {
        it.remove();
      }
    }
  }
}
