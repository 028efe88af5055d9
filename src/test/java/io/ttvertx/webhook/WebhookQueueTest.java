package io.ttvertx.webhook;

import io.ttvertx.config.WebhookOptions;
import io.ttvertx.support.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.ToLongFunction;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The delivery queue against a local HTTP server: a full queue, Retry-After, giving up after maxAttempts. */
class WebhookQueueTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  private static final WebhookReceiver receiver = new WebhookReceiver();
  private static Vertx vertx;
  private static WebClient client;

  @BeforeAll
  static void start() {
    await(receiver.start());
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    await(receiver.close());
  }

  /** A queue made and used on one event loop, as the verticle does. */
  private record OnContext(Context context, WebhookQueue queue) {
    <T> T read(Function<WebhookQueue, T> what) {
      return await(Future.future(promise -> context.runOnContext(v -> promise.complete(what.apply(queue)))));
    }

    long number(ToLongFunction<WebhookQueue> what) {
      return this.<Long>read(queue -> what.applyAsLong(queue));
    }

    void add(String url, String text) {
      read(queue -> {
        queue.add(new WebhookQueue.Delivery(UUID.randomUUID().toString(), url, "message",
            Buffer.buffer(new JsonObject().put("text", text).encode()), "sha256=0"));
        return null;
      });
    }
  }

  private static OnContext queue(JsonObject options) {
    WebhookOptions parsed = WebhookOptions.fromJson(options.put("urls", new JsonArray(List.of(receiver.url("/ok"))))
        .put("secret", "s"));
    Context context = vertx.getOrCreateContext();
    WebhookQueue queue = await(Future.future(made -> context.runOnContext(v ->
        made.complete(new WebhookQueue(vertx, client, parsed)))));
    return new OnContext(context, queue);
  }

  @Test
  void aFullQueueDropsTheOldestWaitingDelivery() {
    OnContext hanging = queue(new JsonObject().put("queueSize", 2).put("concurrency", 1).put("timeoutMs", 60_000));
    for (int i = 1; i <= 4; i++) {
      hanging.add(receiver.url("/hang"), "full " + i);
    }
    // 1 is at the receiver; 2 and 3 were dropped for 3 and 4
    assertThat(hanging.number(queue -> queue.counters().dropped)).isEqualTo(2);
    assertThat(hanging.number(WebhookQueue::pending)).isEqualTo(2);
    Poll.until(WAIT, () -> "the first delivery did not reach the receiver", () -> !receiver.withText("/hang", "full 1").isEmpty());
    hanging.read(queue -> {
      queue.close();
      return null;
    });
  }

  @Test
  void retryAfterIsWaitedFor() {
    OnContext busy = queue(new JsonObject().put("initialBackoffMs", 10));
    busy.add(receiver.url("/busy"), "busy");
    Poll.until(WAIT, () -> "not delivered", () -> busy.number(queue -> queue.counters().delivered) == 1);
    List<WebhookReceiver.Received> attempts = receiver.withText("/busy", "busy");
    assertThat(attempts).hasSize(2);
    // the backoff alone would have waited 10 ms
    assertThat(attempts.get(1).atNanos() - attempts.get(0).atNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(busy.number(queue -> queue.counters().retried)).isEqualTo(1);
  }

  @Test
  void aDeliveryIsGivenUpAfterMaxAttempts() {
    OnContext down = queue(new JsonObject().put("initialBackoffMs", 10).put("maxAttempts", 3));
    down.add(receiver.url("/down"), "down");
    Poll.until(WAIT, () -> "not given up", () -> down.number(queue -> queue.counters().failed) == 1);
    assertThat(receiver.withText("/down", "down")).hasSize(3);
    assertThat(down.number(queue -> queue.counters().retried)).isEqualTo(2);
    assertThat(down.number(WebhookQueue::pending)).isZero();
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    OnContext backoff = queue(new JsonObject().put("initialBackoffMs", 1000).put("maxBackoffMs", 5000));
    assertThat(backoff.<List<Long>>read(queue -> List.of(queue.backoff(1), queue.backoff(2), queue.backoff(3), queue.backoff(4))))
        .containsExactly(1000L, 2000L, 4000L, 5000L);
  }
}
