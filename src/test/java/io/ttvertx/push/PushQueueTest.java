package io.ttvertx.push;

import io.ttvertx.config.PushOptions;
import io.ttvertx.support.Poll;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The queue alone, on a real Vert.x context and timers, with a recording provider. */
class PushQueueTest {
  private final Vertx vertx = Vertx.vertx();
  /** The queue's one context, as a verticle's. */
  private final Context context = vertx.getOrCreateContext();
  private final RecordingPushProvider provider = new RecordingPushProvider();
  private final List<String> gone = new CopyOnWriteArrayList<>();
  private PushQueue queue;

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private void newQueue(JsonObject options) {
    queue = onContext(() -> new PushQueue(vertx, PushOptions.fromJson(options), type -> provider,
        (push, reason) -> gone.add(push.token())));
  }

  private <T> T onContext(Supplier<T> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> done.complete(work.get()));
    return await(done.future());
  }

  private static PushNotification push(String id, String token) {
    return new PushNotification(id, 7, 0x12, token, "hi", 1, "bingbong.aiff", new JsonObject());
  }

  private void add(PushNotification push) {
    onContext(() -> {
      queue.add(push);
      return null;
    });
  }

  private JsonObject counters() {
    return onContext(() -> queue.counters().toJson().put("waiting", queue.waiting()).put("inFlight", queue.inFlight()));
  }

  private void until(Supplier<Boolean> condition) {
    Poll.until(Duration.ofSeconds(20), () -> "queue: " + counters() + ", attempts "
        + provider.attempts().size(), condition::get);
  }

  @Test
  void aFullQueueDropsItsOldestPushes() {
    newQueue(new JsonObject().put("queueSize", 2).put("concurrency", 1));
    provider.hold();
    add(push("p1", "t"));
    until(() -> provider.attempts().size() == 1);
    add(push("p2", "t"));
    add(push("p3", "t"));
    assertThat(counters().getInteger("waiting")).isEqualTo(2);
    add(push("p4", "t"));
    add(push("p5", "t"));
    assertThat(counters().getLong("dropped")).isEqualTo(2);
    assertThat(counters().getInteger("waiting")).isEqualTo(2);
    provider.release();
    until(() -> counters().getLong("sent") == 3);
    assertThat(provider.attempts()).extracting(attempt -> attempt.push().id()).containsExactly("p1", "p4", "p5");
  }

  @Test
  void retriesWithDoublingBackoffAndHonoursRetryAfter() {
    newQueue(new JsonObject().put("initialBackoffMs", 100).put("maxBackoffMs", 150).put("maxAttempts", 5));
    assertThat(queue.backoff(1)).isEqualTo(100);
    assertThat(queue.backoff(2)).isEqualTo(150);
    provider.script("t", PushResult.retry(-1, "503"), PushResult.retry(-1, "503"), PushResult.retry(300, "429"));
    add(push("p", "t"));
    until(() -> counters().getLong("sent") == 1);
    List<RecordingPushProvider.Attempt> attempts = provider.attempts();
    assertThat(attempts).hasSize(4).allMatch(attempt -> attempt.push().id().equals("p"));
    List<Long> gapsMs = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gapsMs.add((attempts.get(i).atNanos() - attempts.get(i - 1).atNanos()) / 1_000_000);
    }
    assertThat(gapsMs.get(0)).isGreaterThanOrEqualTo(100);
    assertThat(gapsMs.get(1)).isGreaterThanOrEqualTo(150);
    assertThat(gapsMs.get(2)).isGreaterThanOrEqualTo(300);
    assertThat(counters().getLong("retried")).isEqualTo(3);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    newQueue(new JsonObject().put("initialBackoffMs", 10).put("maxBackoffMs", 10).put("maxAttempts", 2));
    provider.script("t", PushResult.retry(-1, "503"), PushResult.retry(-1, "503"), PushResult.retry(-1, "503"));
    add(push("p", "t"));
    until(() -> counters().getLong("failed") == 1);
    assertThat(provider.attempts()).hasSize(2);
    assertThat(counters().getLong("retried")).isEqualTo(1);
  }

  @Test
  void goneTokensAreReportedAndRefusalsCounted() {
    newQueue(new JsonObject());
    provider.script("old", PushResult.tokenGone("Unregistered"));
    provider.script("bad", PushResult.refused("BadTopic"));
    add(push("p1", "old"));
    add(push("p2", "bad"));
    until(() -> counters().getLong("gone") == 1 && counters().getLong("refused") == 1);
    assertThat(gone).containsExactly("old");
    assertThat(provider.attempts()).hasSize(2);
  }
}
