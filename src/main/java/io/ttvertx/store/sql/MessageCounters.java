package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;

import java.util.List;

/**
 * Message ids and unread counts kept outside the SQL database (TeamTalk keeps them in Redis), for a
 * writer that runs its transaction between allocating ids and counting the messages.
 */
public interface MessageCounters {

  /** Ids for a batch, in the batch's order within each conversation or group. */
  Future<Allocation> allocate(MessageKind kind, List<PendingMessage> batch);

  /** The ids of one batch and what follows from them. */
  interface Allocation {
    int[] ids();

    /**
     * Called inside the batch's transaction once its rows are inserted, before the commit. Fails with
     * {@link StaleIdsException} when the ids may have been handed out again meanwhile (the counters
     * were lost): the transaction must then be rolled back and the batch allocated anew.
     */
    Future<Void> confirm(List<MessageRecord> records);

    /** Called once the batch is committed: counts the messages. Never fails the batch. */
    Future<Void> committed(List<MessageRecord> records);
  }

  /** The counters were lost between allocation and commit: the batch must take new ids. */
  final class StaleIdsException extends RuntimeException {
    public StaleIdsException(String message) {
      super(message, null, false, false);
    }
  }
}
