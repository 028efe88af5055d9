package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Push shields in our table tt_group_setting (groupId, userId, shield), on both databases. */
public final class SqlGroupShields implements GroupShields {
  private final SqlDatabase db;

  public SqlGroupShields(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Void> setShield(int groupId, int userId, int shieldStatus) {
    return db.pool().preparedQuery("INSERT INTO tt_group_setting (groupId, userId, shield) VALUES (?, ?, ?)"
        + " ON DUPLICATE KEY UPDATE shield = ?").execute(Tuple.of(groupId, userId, shieldStatus, shieldStatus))
        .mapEmpty();
  }

  @Override
  public Future<Map<Integer, Integer>> shields(int groupId, Collection<Integer> userIds) {
    Set<Integer> users = new LinkedHashSet<>(userIds);
    return Sql.selectIn(db.pool(), "SELECT userId, shield FROM tt_group_setting WHERE groupId = ? AND userId IN (",
        List.of(groupId), users).map(rows -> {
          Map<Integer, Integer> shields = new HashMap<>();
          users.forEach(user -> shields.put(user, 0));
          rows.forEach(row -> shields.put(row.getInteger(0), row.getInteger(1)));
          return shields;
        });
  }

  /** Every shield set in the group (users never set are left out). */
  public Future<Map<Integer, Integer>> allShields(int groupId) {
    return db.pool().preparedQuery("SELECT userId, shield FROM tt_group_setting WHERE groupId = ?")
        .execute(Tuple.of(groupId)).map(rows -> {
          Map<Integer, Integer> shields = new HashMap<>();
          rows.forEach(row -> shields.put(row.getInteger(0), row.getInteger(1)));
          return shields;
        });
  }
}
