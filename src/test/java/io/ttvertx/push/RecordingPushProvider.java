package io.ttvertx.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider for tests: records every push it is given (with when), answers with the results scripted
 * for the push's token (SENT when none is left), and while {@link #hold()} is on keeps every answer
 * back until {@link #release()}. Thread-safe: the verticle calls it on its context, tests read it.
 */
public final class RecordingPushProvider implements PushProvider {
  public record Attempt(PushNotification push, long atNanos) {
  }

  private final List<Attempt> attempts = new ArrayList<>();
  private final Map<String, Deque<PushResult>> scripts = new HashMap<>();
  private final List<Promise<PushResult>> held = new ArrayList<>();
  private boolean holding;

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<PushResult> send(PushNotification push) {
    attempts.add(new Attempt(push, System.nanoTime()));
    Deque<PushResult> script = scripts.get(push.token());
    PushResult result = script == null || script.isEmpty() ? PushResult.sent() : script.poll();
    if (holding) {
      Promise<PushResult> answer = Promise.promise();
      held.add(answer);
      return answer.future();
    }
    return Future.succeededFuture(result);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public String name() {
    return "recording";
  }

  /** The next pushes to {@code token} are answered with {@code results}, in order. */
  public synchronized void script(String token, PushResult... results) {
    scripts.computeIfAbsent(token, t -> new ArrayDeque<>()).addAll(List.of(results));
  }

  public synchronized void hold() {
    holding = true;
  }

  /** Answers every held push SENT, and stops holding. */
  public void release() {
    List<Promise<PushResult>> answers;
    synchronized (this) {
      holding = false;
      answers = new ArrayList<>(held);
      held.clear();
    }
    answers.forEach(answer -> answer.complete(PushResult.sent()));
  }

  public synchronized List<Attempt> attempts() {
    return new ArrayList<>(attempts);
  }

  public synchronized List<PushNotification> pushesTo(int userId) {
    return attempts.stream().map(Attempt::push).filter(push -> push.userId() == userId).toList();
  }
}
