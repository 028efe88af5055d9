package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;

/**
 * Conversation (relation) ids: IMRelationShip holds one row per pair of users, smaller id first, and
 * a conversation's messages are found by its row id. Relations are never deleted, so the ids are
 * cached (least recently used dropped first).
 */
public final class Relations {
  static final int CREATE_ATTEMPTS = 20;
  static final long CREATE_RETRY_MS = 10;

  /** Told of each relation this process inserts, before any message of it is stored. */
  public interface CreationListener {
    Future<Void> created(int relateId, int smallId, int bigId);
  }

  private final SqlDatabase db;
  private final LruCache<Long, Integer> ids;
  private CreationListener creationListener = (relateId, small, big) -> Future.succeededFuture();
  private final Map<Long, Future<Integer>> beingCreated = new HashMap<>();

  public Relations(SqlDatabase db, int cacheSize) {
    this.db = db;
    this.ids = new LruCache<>(cacheSize);
  }

  public void setCreationListener(CreationListener listener) {
    this.creationListener = listener;
  }

  /** The relation id of two users; created when {@code create}, else null when missing. */
  public Future<Integer> relation(int userA, int userB, boolean create) {
    int small = Math.min(userA, userB);
    int big = Math.max(userA, userB);
    long key = ((long) small << 32) | (big & 0xffffffffL);
    Integer cached = ids.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    if (!create) {
      return find(small, big).onSuccess(found -> {
        if (found != null) {
          ids.put(key, found);
        }
      });
    }
    // concurrent first messages of one conversation share one lookup (and at most one insert)
    Future<Integer> pending = beingCreated.get(key);
    if (pending != null) {
      return pending;
    }
    Future<Integer> created = find(small, big).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      int now = Sql.now();
      return db.pool().preparedQuery("INSERT INTO IMRelationShip (smallId, bigId, status, created, updated)"
              + " VALUES (?, ?, 0, ?, ?)").execute(Tuple.of(small, big, now, now))
          .recover(duplicate -> Future.succeededFuture())
          // another process may insert too: the lowest id is the relation, for everyone
          .compose(v -> findCreated(small, big, CREATE_ATTEMPTS))
          .compose(relateId -> creationListener.created(relateId, small, big).map(relateId));
    }).andThen(ar -> {
      beingCreated.remove(key);
      if (ar.succeeded()) {
        ids.put(key, ar.result());
      }
    });
    if (!created.isComplete()) {
      beingCreated.put(key, created);
    }
    return created;
  }

  /**
   * The relation just inserted, here or by a concurrent writer. A writer whose insert lost a race can
   * be refused before the winner's row is committed, so a missing row is looked for again shortly.
   */
  private Future<Integer> findCreated(int small, int big, int attempts) {
    return find(small, big).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      if (attempts <= 1) {
        return Future.failedFuture(new IllegalStateException("relation of " + small + " and " + big
            + " could not be created"));
      }
      Promise<Integer> retried = Promise.promise();
      db.vertx().setTimer(CREATE_RETRY_MS, id -> findCreated(small, big, attempts - 1).onComplete(retried));
      return retried.future();
    });
  }

  private Future<Integer> find(int small, int big) {
    return db.pool().preparedQuery("SELECT MIN(id) FROM IMRelationShip WHERE smallId = ? AND bigId = ?")
        .execute(Tuple.of(small, big))
        .map(rows -> {
          Row row = rows.iterator().next();
          return row.getValue(0) == null ? null : row.getInteger(0);
        });
  }
}
