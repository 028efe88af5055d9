package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MySQL writer: a batch takes its ids from {@link MessageCounters} (TeamTalk's Redis counters),
 * its rows are written in one transaction (one commit for the batch), the counters confirm inside it
 * that the ids were not handed out again, and once committed the batch is counted unread and its new
 * recent sessions are created. Several batches are written at once. A failed transaction is retried
 * with the same ids, unless its commit may have succeeded (then the rows are looked for first) or the
 * counters were lost (then the batch takes new ids): a message is never stored twice.
 */
public final class MysqlMessageWriter implements MessageWriter {
  private static final Logger log = LoggerFactory.getLogger(MysqlMessageWriter.class);
  static final int MAX_BATCH = 1000;
  static final int BATCHES_IN_FLIGHT = 4;
  /** Transactions tried with the same ids, and allocations tried for one batch. */
  static final int ATTEMPTS = 3;
  /** Rows per multi-row INSERT. */
  static final int ROWS_PER_INSERT = 250;

  private final SqlDatabase db;
  private final MessageCounters counters;
  private final RecentSessions sessions;
  private final ReadPositions positions;

  public MysqlMessageWriter(SqlDatabase db, MessageCounters counters, RecentSessions sessions,
                            ReadPositions positions) {
    this.db = db;
    this.counters = counters;
    this.sessions = sessions;
    this.positions = positions;
  }

  @Override
  public int maxBatchSize() {
    return MAX_BATCH;
  }

  /**
   * Group batches one at a time: their senders' membership is checked just before each is written.
   * Ids come from the counters before the transaction, so several 1:1 batches can be written at once.
   */
  @Override
  public int maxBatchesInFlight(MessageKind kind) {
    return kind == MessageKind.SINGLE ? BATCHES_IN_FLIGHT : 1;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  @Override
  public Future<List<MessageRecord>> write(MessageKind kind, List<PendingMessage> batch) {
    return allocateAndWrite(kind, batch, 1);
  }

  private Future<List<MessageRecord>> allocateAndWrite(MessageKind kind, List<PendingMessage> batch, int allocation) {
    return counters.allocate(kind, batch).compose(ids -> {
      List<MessageRecord> records = MessageRows.withIds(batch, ids.ids());
      List<SessionTouch> newSessions = sessions.touch(RecentSessions.touchesOf(kind, records));
      return writeWithRetry(kind, batch, records, ids, newSessions, 1)
          .compose(v -> {
            // both only log their failures: the batch is committed and will be acknowledged
            sessions.createAfterCommit(newSessions);
            return ids.committed(records);
          })
          .map(records);
    }).recover(failure -> {
      if (failure instanceof MessageCounters.StaleIdsException && allocation < ATTEMPTS) {
        log.info("a batch of {} messages takes new ids: {}", batch.size(), failure.getMessage());
        return allocateAndWrite(kind, batch, allocation + 1);
      }
      return Future.failedFuture(failure);
    });
  }

  private Future<Void> writeWithRetry(MessageKind kind, List<PendingMessage> batch, List<MessageRecord> records,
                                      MessageCounters.Allocation ids, List<SessionTouch> newSessions, int attempt) {
    // the statements are pipelined on the transaction's connection; the confirmation follows them
    return db.<Void>inTransaction(conn -> Future.all(insertMessages(conn, kind, batch, records),
                kind == MessageKind.GROUP
                    ? Future.all(updateLastChated(conn, records), positions.sendersRead(conn, records))
                    : positions.conversationsStarted(conn, newSessions, records))
            .compose(v -> ids.confirm(records)))
        .recover(failure -> {
          if (failure instanceof MessageCounters.StaleIdsException) {
            return Future.failedFuture(failure);
          }
          // the COMMIT may have succeeded before the connection failed: then the rows are there
          return stored(kind, batch.get(0), records.get(0)).compose(stored -> {
            if (stored) {
              log.info("a batch of {} messages was committed although its transaction reported {}", records.size(),
                  failure.getMessage());
              return Future.succeededFuture();
            }
            if (attempt >= ATTEMPTS) {
              return Future.failedFuture(failure);
            }
            log.warn("storing a batch of {} messages failed (attempt {}): {}", records.size(), attempt,
                failure.getMessage());
            return writeWithRetry(kind, batch, records, ids, newSessions, attempt + 1);
          }, lookupFailed -> Future.failedFuture(failure));
        });
  }

  /** Whether the batch's first message is in its table: a batch is committed whole or not at all. */
  private Future<Boolean> stored(MessageKind kind, PendingMessage pending, MessageRecord first) {
    return db.pool().preparedQuery("SELECT COUNT(*) FROM " + kind.table(pending.conversationId()) + " WHERE "
            + kind.keyColumn + " = ? AND msgId = ?")
        .execute(Tuple.of(pending.conversationId(), first.msgId()))
        .map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  /**
   * Inserts the batch's rows, several per statement; audio messages first get their IMAudio row and
   * bytes, and their content is the audio id (as in TeamTalk).
   */
  private Future<Void> insertMessages(SqlClient client, MessageKind kind, List<PendingMessage> batch,
                                      List<MessageRecord> records) {
    List<Future<String>> contents = new ArrayList<>(records.size());
    Future<Void> audioDone = Future.succeededFuture();
    for (MessageRecord message : records) {
      if (AudioContent.isAudio(message.msgType())) {
        Promise<String> content = Promise.promise();
        audioDone = audioDone.compose(v -> insertAudio(client, message).map(String::valueOf)
            .onComplete(content).mapEmpty());
        contents.add(content.future());
      } else {
        contents.add(Future.succeededFuture(MessageRows.text(message)));
      }
    }
    return audioDone.compose(v -> {
      Map<String, List<List<Object>>> byTable = MessageRows.byTable(kind, batch, records,
          contents.stream().map(Future::result).toList());
      List<Future<?>> inserts = new ArrayList<>();
      byTable.forEach((table, rows) -> {
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
          List<List<Object>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
          List<Object> values = new ArrayList<>(chunk.size() * 8);
          chunk.forEach(values::addAll);
          inserts.add(client.preparedQuery(MessageRows.insert(kind, table, chunk.size())).execute(Tuple.wrap(values)));
        }
      });
      return Future.all(inserts).mapEmpty();
    });
  }

  private Future<Integer> insertAudio(SqlClient client, MessageRecord message) {
    AudioContent audio = AudioContent.split(message.msgData());
    return db.insertReturningId(client, MessageRows.INSERT_AUDIO,
            Tuple.of(message.fromUserId(), message.toUserId(), audio.data().length, audio.duration(),
                message.createTime()))
        .compose(id -> client.preparedQuery(MessageRows.INSERT_AUDIO_DATA)
            .execute(Tuple.of(id, Buffer.buffer(audio.data()))).map(rows -> id));
  }

  private static Future<Void> updateLastChated(SqlClient client, List<MessageRecord> groupMessages) {
    List<Tuple> updates = new ArrayList<>();
    MessageRows.lastChated(groupMessages).forEach((groupId, time) -> updates.add(Tuple.of(time, groupId)));
    return client.preparedQuery(MessageRows.UPDATE_LAST_CHATED).executeBatch(updates).mapEmpty();
  }
}
