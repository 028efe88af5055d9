package io.ttvertx.msg;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ttvertx.ServerMetrics;
import io.ttvertx.protocol.ClientTypes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * What one msg instance counts for /metrics: logins by result, connections online by client kind and
 * closed by reason, messages received and stored by type, the delivery latency, requests waiting at
 * the db proxy. Counters
 * are shared by the instances (Micrometer adds them up); gauges are per instance, removed when it stops.
 */
final class MsgMetrics {
  private final MeterRegistry registry = ServerMetrics.registry();
  private final AtomicInteger onlinePc = new AtomicInteger();
  private final AtomicInteger onlineMobile = new AtomicInteger();
  private final List<Meter> gauges = new ArrayList<>();
  /** The per-message counters by type, looked up once (this instance's event loop alone uses them). */
  private final Map<String, Counter> received = new HashMap<>();
  private final Map<String, Counter> stored = new HashMap<>();
  private final Timer deliveryTimer = Timer.builder("tt_msg_delivery_seconds")
      .description("From a message's arrival at msg to its copy written to a receiver's connection (across nodes:"
          + " by their clocks)")
      .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
          Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000))
      .register(registry);

  MsgMetrics(String instance, IntSupplier pendingDbRequests) {
    gauges.add(Gauge.builder("tt_msg_connections_online", onlinePc, AtomicInteger::get)
        .description("Logged-in client connections on this node").tag("client", "pc").tag("verticle", instance)
        .register(registry));
    gauges.add(Gauge.builder("tt_msg_connections_online", onlineMobile, AtomicInteger::get)
        .description("Logged-in client connections on this node").tag("client", "mobile").tag("verticle", instance)
        .register(registry));
    gauges.add(Gauge.builder("tt_msg_db_requests_waiting", pendingDbRequests, IntSupplier::getAsInt)
        .description("Requests of this node's clients waiting for the db proxy").tag("verticle", instance)
        .register(registry));
  }

  void loggedIn(int clientType) {
    (ClientTypes.isMobile(clientType) ? onlineMobile : onlinePc).incrementAndGet();
    counter("tt_msg_logins_total", "Logins by result", "result", "ok").increment();
  }

  void loggedOut(int clientType) {
    (ClientTypes.isMobile(clientType) ? onlineMobile : onlinePc).decrementAndGet();
  }

  void loginRefused(String result) {
    counter("tt_msg_logins_total", "Logins by result", "result", result.toLowerCase(Locale.ROOT)).increment();
  }

  void closed(String reason) {
    counter("tt_msg_connections_closed_total", "Closed client connections by reason", "reason",
        ServerMetrics.closeCategory(reason)).increment();
  }

  void messageReceived(String type) {
    received.computeIfAbsent(type, t -> counter("tt_msg_messages_received_total", "Messages clients sent, by type",
        "type", t)).increment();
  }

  void messageStored(String type) {
    stored.computeIfAbsent(type, t -> counter("tt_msg_messages_stored_total",
        "Messages stored and acknowledged, by type", "type", t)).increment();
  }

  /** A message written to a receiver's connection {@code latencyMs} after msg received it from its sender. */
  void delivered(long latencyMs) {
    deliveryTimer.record(Math.max(0, latencyMs), TimeUnit.MILLISECONDS);
  }

  void close() {
    gauges.forEach(registry::remove);
  }

  private Counter counter(String name, String description, String tag, String value) {
    return Counter.builder(name).description(description).tag(tag, value).register(registry);
  }
}
