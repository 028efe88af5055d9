package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Group members read from IMGroupMember (status 0 is a member). */
public final class SqlGroupMembers implements GroupMembers {
  private final SqlDatabase db;

  public SqlGroupMembers(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Map<Integer, Map<Integer, Integer>>> members(Collection<Integer> groupIds) {
    return Sql.selectIn(db.pool(), "SELECT groupId, userId, created, updated FROM IMGroupMember WHERE status = 0"
        + " AND groupId IN (", List.of(), new HashSet<>(groupIds)).map(rows -> {
          Map<Integer, Map<Integer, Integer>> members = new HashMap<>();
          for (Row row : rows) {
            members.computeIfAbsent(row.getInteger(0), g -> new HashMap<>()).put(row.getInteger(1), joinTime(row, 2));
          }
          return members;
        });
  }

  @Override
  public Future<Integer> joinTime(int groupId, int userId) {
    return db.pool().preparedQuery("SELECT created, updated FROM IMGroupMember WHERE groupId = ? AND userId = ?"
            + " AND status = 0")
        .execute(Tuple.of(groupId, userId))
        .map(rows -> rows.size() == 0 ? null : joinTime(rows.iterator().next(), 0));
  }

  @Override
  public Future<Void> groupCreated(int groupId, Collection<Integer> members, int time) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> membersChanged(int groupId, Collection<Integer> added, Collection<Integer> removed, int time) {
    return Future.succeededFuture();
  }

  /** A member's join time: updated is when a member who had left came back, and equals created otherwise. */
  static int joinTime(Row row, int createdColumn) {
    return Math.max(Sql.intOrZero(row, createdColumn), Sql.intOrZero(row, createdColumn + 1));
  }
}
