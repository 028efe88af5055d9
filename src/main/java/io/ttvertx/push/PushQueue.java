package io.ttvertx.push;

import io.ttvertx.ThrottledLog;
import io.ttvertx.config.PushOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * The pushes of one push verticle instance on their way to the providers: a bounded queue (a full one
 * drops its oldest push, counted and warned about every {@link #DROP_WARNING_MS}), at most
 * {@code concurrency} pushes at the providers at once, retries with exponential backoff (or after the
 * provider's Retry-After) up to {@code maxAttempts}, tokens reported gone handed to
 * {@code onTokenGone}, refusals logged once per reason per {@link #REFUSAL_LOG_MS}. Used from the
 * verticle's context only.
 */
final class PushQueue {
  private static final Logger log = LoggerFactory.getLogger(PushQueue.class);
  static final long DROP_WARNING_MS = 10_000;
  static final long REFUSAL_LOG_MS = 10_000;

  private record Pending(PushNotification notification, int attempt) {
  }

  /** Running totals, for logs and tests. */
  static final class Counters {
    long sent;
    long retried;
    long dropped;
    long gone;
    long refused;
    long failed;

    JsonObject toJson() {
      return new JsonObject().put("sent", sent).put("retried", retried).put("dropped", dropped).put("gone", gone)
          .put("refused", refused).put("failed", failed);
    }
  }

  private final Vertx vertx;
  private final IntFunction<PushProvider> providers;
  private final BiConsumer<PushNotification, String> onTokenGone;
  private final int capacity;
  private final int concurrency;
  private final int maxAttempts;
  private final long initialBackoffMs;
  private final long maxBackoffMs;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private final Set<Long> retryTimers = new HashSet<>();
  private final Counters counters = new Counters();
  private final ThrottledLog refusals = new ThrottledLog(log, REFUSAL_LOG_MS);
  private final ThrottledLog failures = new ThrottledLog(log, REFUSAL_LOG_MS);
  private long droppedSinceWarning;
  private int inFlight;
  private boolean closed;

  PushQueue(Vertx vertx, PushOptions options, IntFunction<PushProvider> providers,
            BiConsumer<PushNotification, String> onTokenGone) {
    this.vertx = vertx;
    this.providers = providers;
    this.onTokenGone = onTokenGone;
    this.capacity = options.queueSize();
    this.concurrency = options.concurrency();
    this.maxAttempts = options.maxAttempts();
    this.initialBackoffMs = options.initialBackoffMs();
    this.maxBackoffMs = options.maxBackoffMs();
  }

  void add(PushNotification notification) {
    offer(new Pending(notification, 1));
  }

  private void offer(Pending pending) {
    if (closed) {
      return;
    }
    if (waiting.size() >= capacity) {
      waiting.poll();
      counters.dropped++;
      droppedSinceWarning++;
    }
    waiting.add(pending);
    sendWaiting();
  }

  private void sendWaiting() {
    while (inFlight < concurrency && !waiting.isEmpty()) {
      Pending pending = waiting.poll();
      inFlight++;
      Future<PushResult> result;
      try {
        result = providers.apply(pending.notification().clientType()).send(pending.notification());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        inFlight--;
        if (ar.succeeded()) {
          handleResult(pending, ar.result());
        } else {
          retryOrGiveUp(pending, -1, String.valueOf(ar.cause().getMessage()));
        }
        sendWaiting();
      });
    }
  }

  private void handleResult(Pending pending, PushResult result) {
    PushNotification push = pending.notification();
    switch (result.outcome()) {
      case SENT -> counters.sent++;
      case RETRY -> retryOrGiveUp(pending, result.retryAfterMs(), result.reason());
      case TOKEN_GONE -> {
        counters.gone++;
        onTokenGone.accept(push, result.reason());
      }
      case REFUSED -> {
        counters.refused++;
        refusals.warn(result.reason(), "push " + push.id() + " to user " + push.userId() + " refused: "
            + result.reason());
      }
    }
  }

  private void retryOrGiveUp(Pending pending, long retryAfterMs, String reason) {
    PushNotification push = pending.notification();
    if (pending.attempt() >= maxAttempts || closed) {
      counters.failed++;
      failures.warn("given up", "push " + push.id() + " to user " + push.userId() + " given up after " + pending.attempt()
          + " attempts: " + reason);
      return;
    }
    counters.retried++;
    long delay = retryAfterMs > 0 ? retryAfterMs : backoff(pending.attempt());
    long[] timer = new long[1];
    timer[0] = vertx.setTimer(delay, id -> {
      retryTimers.remove(timer[0]);
      offer(new Pending(push, pending.attempt() + 1));
    });
    retryTimers.add(timer[0]);
  }

  /** initialBackoffMs after the first attempt, doubling after each, at most maxBackoffMs. */
  long backoff(int attempt) {
    long delay = initialBackoffMs;
    for (int i = 1; i < attempt && delay < maxBackoffMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxBackoffMs);
  }

  /** Called every {@link #DROP_WARNING_MS}: one warning with the count of pushes a full queue dropped. */
  void warnAboutDrops() {
    if (droppedSinceWarning > 0) {
      log.warn("push queue full ({} pushes): dropped the {} oldest in the last {} s", capacity, droppedSinceWarning,
          DROP_WARNING_MS / 1000);
      droppedSinceWarning = 0;
    }
  }

  Counters counters() {
    return counters;
  }

  int waiting() {
    return waiting.size();
  }

  int inFlight() {
    return inFlight;
  }

  /** Forgets what waits and what would be retried; pushes at a provider finish on their own. */
  void close() {
    closed = true;
    retryTimers.forEach(vertx::cancelTimer);
    retryTimers.clear();
    waiting.clear();
  }
}
