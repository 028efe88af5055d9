package io.ttvertx.http;

import io.vertx.core.Future;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The answers to creations sent with an {@code Idempotency-Key}: the same key with the same body
 * within {@link #RETENTION_MS} gets the first answer (even while it is still being made), the same
 * key with another body is refused. Kept in this http_msg instance's memory, at most
 * {@code maxEntries} (the oldest forgotten first): a retry that reaches another instance or node, or
 * comes after a restart, is made again. Failures that are not refusals (the db proxy did not answer)
 * are forgotten, so a retry tries again. Used from one event loop only.
 */
final class IdempotencyCache<T> {
  static final long RETENTION_MS = 24 * 3600_000L;

  private record Entry<T>(String body, long createdAt, Future<T> answer) {
  }

  private final int maxEntries;
  private final LongSupplier clock;
  private final Map<String, Entry<T>> entries = new LinkedHashMap<>();

  IdempotencyCache(int maxEntries, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** The answer for {@code key}: the first one when the key was seen with this body, else a new one. */
  Future<T> answer(String key, String body, Supplier<Future<T>> work) {
    long now = clock.getAsLong();
    forgetExpired(now);
    Entry<T> seen = entries.get(key);
    if (seen != null) {
      if (!seen.body().equals(body)) {
        return Future.failedFuture(new ApiError(422, ApiError.INVALID,
            "Idempotency-Key '" + key + "' was used with another body"));
      }
      return seen.answer();
    }
    Future<T> answer = work.get();
    Entry<T> made = new Entry<>(body, now, answer);
    entries.put(key, made);
    if (entries.size() > maxEntries) {
      entries.remove(entries.keySet().iterator().next());
    }
    answer.onFailure(failure -> {
      boolean refused = failure instanceof ApiError refusal && refusal.status < 500;
      if (!refused) {
        entries.remove(key, made);
      }
    });
    return answer;
  }

  int size() {
    return entries.size();
  }

  /** Entries are in the order they were made, so the sweep stops at the first still young. */
  private void forgetExpired(long now) {
    for (Iterator<Entry<T>> it = entries.values().iterator(); it.hasNext(); ) {
      if (now - it.next().createdAt() < RETENTION_MS) {
        break;
      }
      it.remove();
    }
  }
}
