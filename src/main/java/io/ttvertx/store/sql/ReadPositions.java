package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How far each user has read each session, in our table tt_read_position (MySQL): the id of the last
 * message read. It is what unread counts are rebuilt from when Redis lost them: a conversation's
 * unread count is the number of messages from the peer after the position, a group's the messages
 * after it. Positions only move forward. Every conversation this store writes to has a row for both
 * users, made when the conversation is created (or, for one older than this table, by the transaction
 * of its first batch here), so a user's rows list all their conversations.
 */
public final class ReadPositions {
  static final int SINGLE = 1;
  static final int GROUP = 2;
  private static final String ADVANCE = "INSERT INTO tt_read_position (userId, sessionType, peerId, msgId, updated)"
      + " VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE msgId = GREATEST(msgId, VALUES(msgId)),"
      + " updated = VALUES(updated)";
  private static final String START = "INSERT IGNORE INTO tt_read_position (userId, sessionType, peerId, msgId, updated)"
      + " VALUES (?, ?, ?, ?, ?)";

  private final SqlDatabase db;

  public ReadPositions(SqlDatabase db) {
    this.db = db;
  }

  /** A new conversation: neither user has read anything of it. */
  public Future<Void> conversationCreated(int smallId, int bigId) {
    int now = Sql.now();
    return db.pool().preparedQuery(START).executeBatch(List.of(Tuple.of(smallId, SINGLE, bigId, 0, now),
        Tuple.of(bigId, SINGLE, smallId, 0, now))).mapEmpty();
  }

  /**
   * In a batch's transaction: the conversations it starts (sessions this store has not written since
   * it started) get a row for each user, unless they have one, at the message before the batch's first
   * of that conversation: what came before (written before this table existed) counts as read.
   */
  Future<Void> conversationsStarted(SqlClient conn, List<SessionTouch> newSessions, List<MessageRecord> records) {
    if (newSessions.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<Long, Integer> firstIds = new HashMap<>();
    for (MessageRecord m : records) {
      firstIds.merge(pairKey(m.fromUserId(), m.toUserId()), m.msgId(), Math::min);
    }
    int now = Sql.now();
    List<Tuple> rows = new ArrayList<>();
    for (SessionTouch session : newSessions) {
      Integer first = firstIds.get(pairKey(session.userId(), session.peerId()));
      if (session.sessionType() == SINGLE && first != null) {
        rows.add(Tuple.of(session.userId(), SINGLE, session.peerId(), first - 1, now));
      }
    }
    return rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(START).executeBatch(rows).mapEmpty();
  }

  /** In a group batch's transaction: each sender has read their group up to their last message. */
  Future<Void> sendersRead(SqlClient conn, List<MessageRecord> groupMessages) {
    int now = Sql.now();
    List<Tuple> rows = new ArrayList<>();
    MessageRows.lastSentBySender(groupMessages).forEach((groupId, bySender) -> bySender.forEach((sender, last) ->
        rows.add(Tuple.of(sender, GROUP, groupId, last, now))));
    return conn.preparedQuery(ADVANCE).executeBatch(rows).mapEmpty();
  }

  /** {@code userIds} have read the session with {@code peerId} up to {@code msgId}. */
  public Future<Void> advance(Collection<Integer> userIds, int sessionType, int peerId, int msgId) {
    int now = Sql.now();
    List<Tuple> rows = userIds.stream().map(user -> Tuple.of(user, sessionType, peerId, msgId, now)).toList();
    return rows.isEmpty() ? Future.succeededFuture() : db.pool().preparedQuery(ADVANCE).executeBatch(rows).mapEmpty();
  }

  /** The user's positions in sessions of a type: peer (or group) id -> last message read. */
  public Future<Map<Integer, Integer>> positions(int userId, int sessionType) {
    return db.pool().preparedQuery("SELECT peerId, msgId FROM tt_read_position WHERE userId = ? AND sessionType = ?")
        .execute(Tuple.of(userId, sessionType)).map(rows -> {
          Map<Integer, Integer> positions = new HashMap<>();
          rows.forEach(row -> positions.put(row.getInteger(0), row.getInteger(1)));
          return positions;
        });
  }

  /** The positions of {@code userIds} in one session; users without a row are left out. */
  public Future<Map<Integer, Integer>> positionsIn(int sessionType, int peerId, Collection<Integer> userIds) {
    return Sql.selectIn(db.pool(), "SELECT userId, msgId FROM tt_read_position WHERE sessionType = ? AND peerId = ?"
        + " AND userId IN (", List.of(sessionType, peerId), userIds).map(rows -> {
          Map<Integer, Integer> positions = new HashMap<>();
          rows.forEach(row -> positions.put(row.getInteger(0), row.getInteger(1)));
          return positions;
        });
  }

  /**
   * The messages {@code fromUserId} sent in conversation {@code relateId} after {@code afterMsgId}. A
   * locking read: it waits for batches that inserted such rows and have not committed yet.
   */
  public Future<Integer> unreadFrom(int relateId, int fromUserId, int afterMsgId) {
    return db.pool().preparedQuery("SELECT COUNT(*) FROM " + MessageKind.SINGLE.table(relateId) + " WHERE relateId = ?"
            + " AND status = 0 AND msgId > ? AND fromId = ? LOCK IN SHARE MODE")
        .execute(Tuple.of(relateId, afterMsgId, fromUserId))
        .map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  /**
   * Where a user stood who had {@code unreadCount} messages from {@code fromUserId} unread in
   * TeamTalk's Redis before this store kept positions: just before the oldest of those messages.
   */
  public Future<Integer> positionBeforeLast(int relateId, int fromUserId, int unreadCount) {
    return db.pool().preparedQuery("SELECT msgId FROM " + MessageKind.SINGLE.table(relateId) + " WHERE relateId = ?"
            + " AND status = 0 AND fromId = ? ORDER BY msgId DESC LIMIT 1 OFFSET ?")
        .execute(Tuple.of(relateId, fromUserId, unreadCount))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }

  /**
   * The largest message id stored for a conversation or group, 0 when none; a locking read when
   * {@code waitForUncommitted}, which waits for batches that inserted rows and have not committed.
   */
  public Future<Integer> largestStoredId(MessageKind kind, int id, boolean waitForUncommitted) {
    return db.pool().preparedQuery("SELECT MAX(msgId) FROM " + kind.table(id) + " WHERE " + kind.keyColumn + " = ?"
            + (waitForUncommitted ? " LOCK IN SHARE MODE" : ""))
        .execute(Tuple.of(id)).map(rows -> Sql.intOrZero(rows.iterator().next(), 0));
  }

  private static long pairKey(int a, int b) {
    return ((long) Math.min(a, b) << 32) | (Math.max(a, b) & 0xffffffffL);
  }
}
