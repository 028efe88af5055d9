package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The embedded store's writer: each batch is one {@link H2BatchTransaction} run on a worker thread, 1:1
 * batches and group batches each on a connection of their own (so group batches never wait for 1:1
 * ones). The sessions a batch creates are chosen on the store's event loop before the batch leaves it.
 * One batch of each kind is written at a time; under load, batches grow large, since most of an H2
 * commit's cost is the index pages it rewrites, which grows more slowly than the batch.
 */
public final class H2MessageWriter implements MessageWriter {
  static final int MAX_BATCH = 2000;

  private final H2Database db;
  private final RecentSessions sessions;
  private H2BatchTransaction singleWriter;
  private H2BatchTransaction groupWriter;

  public H2MessageWriter(H2Database db, RecentSessions sessions) {
    this.db = db;
    this.sessions = sessions;
  }

  public Future<Void> start() {
    return db.vertx().executeBlocking(() -> {
      singleWriter = new H2BatchTransaction(db.url());
      groupWriter = new H2BatchTransaction(db.url());
      return null;
    });
  }

  @Override
  public Future<List<MessageRecord>> write(MessageKind kind, List<PendingMessage> batch) {
    List<SessionTouch> newSessions = sessions.touch(RecentSessions.touchesOf(kind,
        MessageRows.withIds(batch, new int[batch.size()])));
    H2BatchTransaction writer = kind == MessageKind.SINGLE ? singleWriter : groupWriter;
    if (writer == null) {
      return Future.failedFuture(new IllegalStateException("the embedded store is closed"));
    }
    return db.vertx().executeBlocking(() -> writer.write(kind, batch, newSessions), kind == MessageKind.SINGLE)
        .onSuccess(records -> sessions.created(newSessions));
  }

  @Override
  public int maxBatchSize() {
    return MAX_BATCH;
  }

  @Override
  public int maxBatchesInFlight(MessageKind kind) {
    return 1;
  }

  @Override
  public Future<Void> close() {
    List<H2BatchTransaction> writers = new ArrayList<>();
    for (H2BatchTransaction writer : new H2BatchTransaction[] {singleWriter, groupWriter}) {
      if (writer != null) {
        writers.add(writer);
      }
    }
    singleWriter = null;
    groupWriter = null;
    return writers.isEmpty() ? Future.succeededFuture() : db.vertx().executeBlocking(() -> {
      for (H2BatchTransaction writer : writers) {
        writer.close();
      }
      return null;
    });
  }
}
