package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Group commit: items wait here while a batch is being made durable, so one commit serves many
 * senders and the ids of a conversation (or group) are allocated by one writer. At most
 * {@code maxInFlight} batches are written at once; a later batch that finishes first waits to answer,
 * so items are answered in the order they were added. Used from the store's context only.
 */
final class BatchQueue<T, R> {
  private record Queued<T, R>(T item, Promise<R> promise) {
  }

  private final ArrayDeque<Queued<T, R>> waiting = new ArrayDeque<>();
  private final IntSupplier maxBatchSize;
  private final IntSupplier maxInFlight;
  /** Writes a batch; completes with one outcome per item, in the batch's order (an item may be refused alone). */
  private final Function<List<T>, Future<List<Future<R>>>> writer;
  private int inFlight;
  /** Completes when the batch written last has answered its items: batches answer in the order they were taken. */
  private Future<Void> lastBatchAnswered = Future.succeededFuture();

  BatchQueue(IntSupplier maxBatchSize, IntSupplier maxInFlight, Function<List<T>, Future<List<Future<R>>>> writer) {
    this.maxBatchSize = maxBatchSize;
    this.maxInFlight = maxInFlight;
    this.writer = writer;
  }

  Future<R> add(T item) {
    Promise<R> promise = Promise.promise();
    waiting.add(new Queued<>(item, promise));
    writeNextBatch();
    return promise.future();
  }

  private void writeNextBatch() {
    if (inFlight >= maxInFlight.getAsInt() || waiting.isEmpty()) {
      return;
    }
    inFlight++;
    int most = maxBatchSize.getAsInt();
    List<Queued<T, R>> batch = new ArrayList<>(Math.min(waiting.size(), most));
    while (batch.size() < most && !waiting.isEmpty()) {
      batch.add(waiting.poll());
    }
    // a later batch can finish first where several are written at once; its answers wait, so the
    // messages of a conversation are acknowledged and delivered in the order of their ids
    Future<Void> answeredBefore = lastBatchAnswered;
    Promise<Void> answered = Promise.promise();
    lastBatchAnswered = answered.future();
    Future<List<Future<R>>> written;
    try {
      written = writer.apply(batch.stream().map(Queued::item).toList());
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    written.onComplete(ar -> {
      inFlight--;
      writeNextBatch();
      answeredBefore.onComplete(previous -> {
        for (int i = 0; i < batch.size(); i++) {
          if (ar.succeeded()) {
            batch.get(i).promise().handle(ar.result().get(i));
          } else {
            batch.get(i).promise().fail(ar.cause());
          }
        }
        answered.complete();
      });
    });
  }
}
