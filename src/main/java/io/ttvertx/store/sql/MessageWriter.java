package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;

import java.util.List;

/**
 * Makes batches of messages durable, one implementation per database. A batch's ids are allocated in
 * the batch's order within each conversation or group; its rows, unread counts and new recent sessions
 * are written; the future completes once the batch is durable, with its messages in the batch's order.
 */
public interface MessageWriter {

  Future<List<MessageRecord>> write(MessageKind kind, List<PendingMessage> batch);

  /** Most messages in one batch. */
  int maxBatchSize();

  /** How many batches of a kind may be written at once. */
  int maxBatchesInFlight(MessageKind kind);

  Future<Void> close();
}
