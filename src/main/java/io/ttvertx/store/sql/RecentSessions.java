package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.SessionRecord;
import io.vertx.core.Future;
import io.vertx.mysqlclient.MySQLBatchException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Each user's recent sessions (IMRecentSession, as TeamTalk's SessionModel keeps them): a message
 * makes its conversation the latest session of both users (a group message, of its sender only) and
 * brings back a removed one. A session this store has not written since it started must be created
 * (or revived) with the batch that touches it; a known one only needs a newer time, which is written
 * shortly after, off the path of the acknowledgements, at most once per second. Reads and removals
 * wait for the session writes queued before them.
 */
public final class RecentSessions {
  private static final Logger log = LoggerFactory.getLogger(RecentSessions.class);
  static final int MAX_RECENT_SESSIONS = 100;
  static final int WRITE_ATTEMPTS = 3;
  /** Params as {@link #reviveParams}. */
  static final String REVIVE_SESSION = "UPDATE IMRecentSession SET status = 0, updated = ? WHERE userId = ?"
      + " AND peerId = ? AND type = ?";
  /**
   * Params as {@link #insertParams}; for the sessions the revive found nothing to update. TeamTalk's
   * table has no unique key to upsert on: two stores creating one session at once both lock its gap
   * with the revive, and the deadlock their inserts then meet rolls one back, which retries and finds
   * the other's row. (An INSERT ... SELECT would hold InnoDB's AUTO-INC table lock while it waits.)
   */
  static final String INSERT_SESSION = "INSERT INTO IMRecentSession (userId, peerId, type, status, created,"
      + " updated) VALUES (?, ?, ?, 0, ?, ?)";

  private final SqlDatabase db;
  private final Relations relations;
  private final MessageReader reader;
  /** Sessions written since start, with the time written: a touch within the same second changes nothing. */
  private final LruCache<Long, Integer> written;
  /** Newer times for sessions that exist, waiting for the next session write. */
  private Map<Long, SessionTouch> pendingRefreshes = new HashMap<>();
  private boolean refreshQueued;
  /** Session writes run one after the other, so they never wait on each other's row locks. */
  private Future<Void> sessionWrites = Future.succeededFuture();

  public RecentSessions(SqlDatabase db, Relations relations, MessageReader reader, int cacheSize) {
    this.db = db;
    this.relations = relations;
    this.reader = reader;
    this.written = new LruCache<>(cacheSize);
  }

  /** The sessions a batch of messages touches: both users of a 1:1 message, the sender of a group message. */
  public static List<SessionTouch> touchesOf(MessageKind kind, List<MessageRecord> messages) {
    List<SessionTouch> touches = new ArrayList<>(2 * messages.size());
    for (MessageRecord m : messages) {
      touches.add(new SessionTouch(m.fromUserId(), m.toUserId(), kind.sessionType(), m.createTime()));
      if (kind == MessageKind.SINGLE) {
        touches.add(new SessionTouch(m.toUserId(), m.fromUserId(), kind.sessionType(), m.createTime()));
      }
    }
    return touches;
  }

  /**
   * Takes a batch's touches: returns the sessions the batch's write must create or revive (those not
   * written since start, newest touch each, in key order so concurrent writers lock rows in one order)
   * and queues the newer times of the others.
   */
  public List<SessionTouch> touch(List<SessionTouch> touches) {
    Map<Long, SessionTouch> toCreate = new TreeMap<>();
    for (SessionTouch touch : touches) {
      long key = touch.key();
      Integer writtenTime = written.get(key);
      if (writtenTime == null) {
        toCreate.merge(key, touch, (a, b) -> a.time() >= b.time() ? a : b);
      } else if (writtenTime < touch.time()) {
        written.put(key, touch.time());
        pendingRefreshes.put(key, touch);
      }
    }
    if (!pendingRefreshes.isEmpty() && !refreshQueued) {
      refreshQueued = true;
      queueWrite(this::writePendingRefreshes);
    }
    return new ArrayList<>(toCreate.values());
  }

  /** Records that a batch's write created these sessions: later touches only refresh them. */
  public void created(List<SessionTouch> sessions) {
    for (SessionTouch session : sessions) {
      Integer writtenTime = written.get(session.key());
      if (writtenTime == null || writtenTime < session.time()) {
        written.put(session.key(), session.time());
      }
    }
  }

  /**
   * Creates sessions in a transaction of their own, after every session write queued before: written
   * in parallel, batches would deadlock on IMRecentSession rows. A failure is logged; the messages
   * that touched them are stored already.
   */
  public Future<Void> createAfterCommit(List<SessionTouch> sessions) {
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    return queueWrite(() -> db.<Void>inTransaction(conn -> create(conn, sessions)).onSuccess(v -> created(sessions)));
  }

  /** Creates (or revives) sessions through {@code client}: an update of existing rows, then an insert of the missing. */
  public Future<Void> create(SqlClient client, List<SessionTouch> sessions) {
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> updates = sessions.stream().map(session -> Sql.tuple(reviveParams(session))).toList();
    return client.preparedQuery(REVIVE_SESSION).executeBatch(updates).compose(updated -> {
      List<Tuple> inserts = new ArrayList<>();
      RowSet<Row> result = updated;
      for (SessionTouch session : sessions) {
        if (result == null || result.rowCount() == 0) {
          inserts.add(Sql.tuple(insertParams(session)));
        }
        result = result == null ? null : result.next();
      }
      return inserts.isEmpty() ? Future.succeededFuture()
          : client.preparedQuery(INSERT_SESSION).executeBatch(inserts).mapEmpty();
    });
  }

  static int[] reviveParams(SessionTouch s) {
    return new int[] {s.time(), s.userId(), s.peerId(), s.sessionType()};
  }

  static int[] insertParams(SessionTouch s) {
    return new int[] {s.userId(), s.peerId(), s.sessionType(), s.time(), s.time()};
  }

  public Future<List<SessionRecord>> recent(int userId, int updatedSince) {
    return writesDone().compose(done -> db.pool().preparedQuery("SELECT peerId, type, status, updated FROM"
            + " IMRecentSession WHERE userId = ? AND status = 0 AND updated > ? ORDER BY updated DESC, id DESC LIMIT ?")
        .execute(Tuple.of(userId, updatedSince, MAX_RECENT_SESSIONS))
        .compose(rows -> {
          Map<String, Row> unique = new LinkedHashMap<>();
          rows.forEach(row -> unique.putIfAbsent(row.getInteger(0) + "/" + row.getInteger(1), row));
          List<Future<SessionRecord>> sessions = new ArrayList<>();
          for (Row row : unique.values()) {
            int peer = row.getInteger(0);
            int type = row.getInteger(1);
            Future<MessageRecord> latest = switch (type) {
              case 1 -> relations.relation(userId, peer, false).compose(relateId -> relateId == null
                  ? Future.succeededFuture((MessageRecord) null) : reader.latest(MessageKind.SINGLE, relateId));
              case 2 -> reader.latest(MessageKind.GROUP, peer);
              default -> Future.succeededFuture(null);
            };
            sessions.add(latest.map(message -> new SessionRecord(peer, type, row.getInteger(2), row.getInteger(3),
                message)));
          }
          return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
        }));
  }

  /** Marks the session removed for this user only; a later message brings it back. */
  public Future<Void> remove(int userId, int peerId, int sessionType) {
    written.remove(SessionTouch.key(userId, peerId, sessionType));
    return writesDone().compose(done -> db.pool().preparedQuery("UPDATE IMRecentSession SET status = 1,"
            + " updated = ? WHERE userId = ? AND peerId = ? AND type = ?")
        .execute(Tuple.of(Sql.now(), userId, peerId, sessionType))).mapEmpty();
  }

  private Future<Void> writePendingRefreshes() {
    List<SessionTouch> sessions = new ArrayList<>(pendingRefreshes.values());
    pendingRefreshes = new HashMap<>();
    refreshQueued = false;
    sessions.sort(Comparator.comparingInt(SessionTouch::userId).thenComparingInt(SessionTouch::peerId));
    return db.inTransaction(conn -> refresh(conn, sessions));
  }

  /** Sets the time of existing sessions and un-removes them: on MySQL one statement per (type, time). */
  private Future<Void> refresh(SqlClient client, List<SessionTouch> sessions) {
    if (!db.isMysql()) {
      return client.preparedQuery(REVIVE_SESSION)
          .executeBatch(sessions.stream().map(s -> Sql.tuple(reviveParams(s))).toList()).mapEmpty();
    }
    Map<Long, List<SessionTouch>> byTypeAndTime = new TreeMap<>();
    sessions.forEach(s -> byTypeAndTime.computeIfAbsent(((long) s.sessionType() << 32) | s.time(),
        t -> new ArrayList<>()).add(s));
    List<Future<?>> updates = new ArrayList<>();
    byTypeAndTime.forEach((typeAndTime, group) -> {
      for (int from = 0; from < group.size(); from += Sql.IN_CHUNK) {
        List<SessionTouch> chunk = group.subList(from, Math.min(group.size(), from + Sql.IN_CHUNK));
        List<Object> params = new ArrayList<>(2 + 2 * chunk.size());
        params.add(typeAndTime.intValue());
        params.add((int) (typeAndTime >>> 32));
        chunk.forEach(s -> {
          params.add(s.userId());
          params.add(s.peerId());
        });
        updates.add(client.preparedQuery("UPDATE IMRecentSession SET status = 0, updated = ? WHERE type = ?"
                + " AND (userId, peerId) IN (" + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?)")) + ")")
            .execute(Tuple.wrap(params)));
      }
    });
    return Future.all(updates).mapEmpty();
  }

  /**
   * Runs {@code write} after every session write queued before it, again when it fails (two stores
   * writing sessions at once can deadlock on IMRecentSession's gaps; on MariaDB a deadlock taking the
   * AUTO-INC lock reports error 1467); a failure does not stop the writes after it.
   */
  private Future<Void> queueWrite(Supplier<Future<Void>> write) {
    Future<Void> done = sessionWrites.transform(previous -> withRetries(write, WRITE_ATTEMPTS)).recover(failure -> {
      String reason = failure instanceof MySQLBatchException batch && !batch.getIterationError().isEmpty()
          ? batch.getIterationError().values().iterator().next().getMessage() : failure.getMessage();
      log.warn("writing recent sessions failed: {}", reason);
      return Future.succeededFuture();
    });
    sessionWrites = done;
    return done;
  }

  private static Future<Void> withRetries(Supplier<Future<Void>> write, int attempts) {
    return write.get().recover(failure -> attempts > 1 ? withRetries(write, attempts - 1)
        : Future.failedFuture(failure));
  }

  /** Completes once every session write queued so far is done. */
  Future<Void> writesDone() {
    return sessionWrites;
  }
}
