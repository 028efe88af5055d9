package io.ttvertx.webhook;

import io.ttvertx.ThrottledLog;
import io.ttvertx.config.WebhookOptions;
import io.ttvertx.push.PushHttpClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The deliveries of one webhook verticle: at most {@code queueSize} waiting or waiting for a retry
 * (a full queue drops the oldest not at a receiver), at most {@code concurrency} at the receivers.
 * 2xx is delivered; a network error, a timeout, 5xx and 429 are retried after a backoff doubling
 * from initialBackoffMs to maxBackoffMs (or the receiver's Retry-After, capped at maxBackoffMs), up to
 * maxAttempts attempts; any other status is given up at once.
 */
final class WebhookQueue {
  private static final Logger log = LoggerFactory.getLogger(WebhookQueue.class);
  static final long WARNING_INTERVAL_MS = 10_000;

  /** One body for one URL; the delivery id stays the same across its attempts. */
  static final class Delivery {
    final String id;
    final String url;
    final String event;
    final Buffer body;
    final String signature;
    int attempts;
    boolean atReceiver;
    long retryTimer = -1;

    Delivery(String id, String url, String event, Buffer body, String signature) {
      this.id = id;
      this.url = url;
      this.event = event;
      this.body = body;
      this.signature = signature;
    }
  }

  /** Running totals, read by the metrics. */
  static final class Counters {
    long delivered;
    long retried;
    long dropped;
    long refused;
    long failed;
  }

  private final Vertx vertx;
  private final WebClient client;
  private final WebhookOptions options;
  private final Set<Delivery> pending = new LinkedHashSet<>();
  private final ArrayDeque<Delivery> ready = new ArrayDeque<>();
  private final Counters counters = new Counters();
  private final ThrottledLog failures = new ThrottledLog(log, WARNING_INTERVAL_MS);
  private long droppedSinceWarning;
  private int atReceivers;
  private boolean closed;

  WebhookQueue(Vertx vertx, WebClient client, WebhookOptions options) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
  }

  void add(Delivery delivery) {
    if (closed) {
      return;
    }
    if (pending.size() >= options.queueSize()) {
      dropOldest();
    }
    pending.add(delivery);
    ready.add(delivery);
    sendReady();
  }

  private void dropOldest() {
    Iterator<Delivery> oldest = pending.iterator();
    while (oldest.hasNext()) {
      Delivery delivery = oldest.next();
      if (!delivery.atReceiver) {
        oldest.remove();
        ready.remove(delivery);
        if (delivery.retryTimer >= 0) {
          vertx.cancelTimer(delivery.retryTimer);
        }
        counters.dropped++;
        droppedSinceWarning++;
        return;
      }
    }
  }

  private void sendReady() {
    while (atReceivers < options.concurrency() && !ready.isEmpty()) {
      Delivery delivery = ready.poll();
      delivery.atReceiver = true;
      delivery.attempts++;
      atReceivers++;
      post(delivery).onComplete(ar -> {
        atReceivers--;
        delivery.atReceiver = false;
        if (ar.succeeded()) {
          handleAnswer(delivery, ar.result());
        } else {
          retryOrGiveUp(delivery, -1, String.valueOf(ar.cause().getMessage()));
        }
        sendReady();
      });
    }
  }

  private Future<HttpResponse<Buffer>> post(Delivery delivery) {
    try {
      return client.postAbs(delivery.url)
          .timeout(options.timeoutMs())
          .putHeader("Content-Type", "application/json")
          .putHeader("User-Agent", "tt-vertx-webhook")
          .putHeader(WebhookVerticle.HEADER_EVENT, delivery.event)
          .putHeader(WebhookVerticle.HEADER_DELIVERY, delivery.id)
          .putHeader(WebhookVerticle.HEADER_TIMESTAMP, String.valueOf(System.currentTimeMillis() / 1000))
          .putHeader(WebhookVerticle.HEADER_SIGNATURE, delivery.signature)
          .sendBuffer(delivery.body);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private void handleAnswer(Delivery delivery, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      pending.remove(delivery);
      counters.delivered++;
    } else if (status >= 500 || status == 429) {
      retryOrGiveUp(delivery, PushHttpClients.retryAfterMs(response.getHeader("Retry-After"), System.currentTimeMillis()),
          "HTTP " + status);
    } else {
      pending.remove(delivery);
      counters.refused++;
      failures.warn(delivery.url + " " + status, "webhook delivery " + delivery.id + " refused by " + delivery.url
          + " with HTTP " + status + ": given up");
    }
  }

  private void retryOrGiveUp(Delivery delivery, long retryAfterMs, String reason) {
    if (closed || !pending.contains(delivery)) {
      return;
    }
    if (delivery.attempts >= options.maxAttempts()) {
      pending.remove(delivery);
      counters.failed++;
      log.warn("webhook delivery {} to {} given up after {} attempts: {}", delivery.id, delivery.url,
          delivery.attempts, reason);
      return;
    }
    counters.retried++;
    long delay = retryAfterMs >= 0 ? Math.min(Math.max(retryAfterMs, 1), options.maxBackoffMs()) : backoff(delivery.attempts);
    delivery.retryTimer = vertx.setTimer(delay, id -> {
      delivery.retryTimer = -1;
      ready.add(delivery);
      sendReady();
    });
  }

  /** initialBackoffMs after the first attempt, doubling after each, at most maxBackoffMs. */
  long backoff(int attempts) {
    long delay = options.initialBackoffMs();
    for (int i = 1; i < attempts && delay < options.maxBackoffMs(); i++) {
      delay *= 2;
    }
    return Math.min(delay, options.maxBackoffMs());
  }

  /** One warning with the count of deliveries a full queue dropped since the last one. */
  void warnAboutDrops() {
    if (droppedSinceWarning > 0) {
      log.warn("webhook queue full ({} deliveries): dropped the {} oldest in the last {} s", options.queueSize(),
          droppedSinceWarning, WARNING_INTERVAL_MS / 1000);
      droppedSinceWarning = 0;
    }
  }

  Counters counters() {
    return counters;
  }

  int pending() {
    return pending.size();
  }

  /** Forgets what waits and what would be retried; requests at a receiver finish on their own. */
  void close() {
    closed = true;
    pending.forEach(delivery -> {
      if (delivery.retryTimer >= 0) {
        vertx.cancelTimer(delivery.retryTimer);
      }
    });
    pending.clear();
    ready.clear();
  }
}
