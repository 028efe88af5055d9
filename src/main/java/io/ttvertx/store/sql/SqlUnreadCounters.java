package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's unread counts, in its own tables: tt_unread (receiver, sender, count), and for
 * groups tt_group_counter (the group's last id, which is its message count) minus tt_group_read (the
 * member's read mark). The H2 message writer raises them in each batch's transaction.
 */
public final class SqlUnreadCounters implements UnreadCounters {
  private final SqlDatabase db;

  public SqlUnreadCounters(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Map<Integer, Integer>> unreadByPeer(int userId) {
    return db.pool().preparedQuery("SELECT peerId, cnt FROM tt_unread WHERE userId = ? AND cnt > 0")
        .execute(Tuple.of(userId)).map(rows -> {
          Map<Integer, Integer> byPeer = new HashMap<>();
          rows.forEach(row -> byPeer.put(row.getInteger(0), row.getInteger(1)));
          return byPeer;
        });
  }

  @Override
  public Future<Void> clearUnread(int userId, int peerId, int relateId) {
    return db.pool().preparedQuery("DELETE FROM tt_unread WHERE userId = ? AND peerId = ?")
        .execute(Tuple.of(userId, peerId)).mapEmpty();
  }

  @Override
  public Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds) {
    return Sql.selectIn(db.pool(), "SELECT c.groupId, c.msgId - COALESCE(r.cnt, 0) FROM tt_group_counter c LEFT JOIN"
        + " tt_group_read r ON r.userId = ? AND r.groupId = c.groupId WHERE c.groupId IN (", List.of(userId), groupIds)
        .map(rows -> {
          Map<Integer, Integer> unread = new HashMap<>();
          rows.forEach(row -> unread.put(row.getInteger(0), Math.max(0, row.getInteger(1))));
          return unread;
        });
  }

  @Override
  public Future<Void> markGroupRead(int groupId, Collection<Integer> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.pool().preparedQuery("MERGE INTO tt_group_read (userId, groupId, cnt) KEY (userId, groupId)"
            + " SELECT ?, groupId, msgId FROM tt_group_counter WHERE groupId = ?")
        .executeBatch(userIds.stream().map(user -> Tuple.of(user, groupId)).toList()).mapEmpty();
  }
}
