package io.ttvertx.store.sql;

import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Reads users (IMUser) and departments (IMDepart), checks logins and changes profiles. */
public final class SqlDirectory implements DirectoryStore {
  static final String USER_COLUMNS =
      "id, name, domain, nick, sex, phone, email, avatar, departId, status, sign_info, updated";
  static final String DEPART_COLUMNS = "id, departName, priority, parentId, status, updated";
  static final int MAX_SIGN_INFO_LENGTH = 128;
  /** IMUser.avatar is varchar(255). */
  static final int MAX_AVATAR_LENGTH = 255;

  private final SqlDatabase db;
  /** Users known to exist (users are never deleted), so a message's receiver is looked up once. */
  private final LruCache<Integer, Boolean> knownUsers;
  /** Lookups under way, shared by the messages to the same receiver that arrive meanwhile. */
  private final Map<Integer, Future<Boolean>> lookups = new HashMap<>();

  public SqlDirectory(SqlDatabase db, int userCacheSize) {
    this.db = db;
    this.knownUsers = new LruCache<>(userCacheSize);
  }

  /** Whether a user with this id exists; answers in the order asked for one id. */
  public Future<Boolean> userExists(int userId) {
    if (knownUsers.get(userId) != null) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> pending = lookups.get(userId);
    if (pending != null) {
      return pending;
    }
    Future<Boolean> lookup = usersByIds(List.of(userId)).map(users -> {
      if (users.isEmpty()) {
        return false;
      }
      knownUsers.put(userId, true);
      return true;
    }).andThen(ar -> lookups.remove(userId));
    if (!lookup.isComplete()) {
      lookups.put(userId, lookup);
    }
    return lookup;
  }

  @Override
  public Future<UserRecord> authenticate(String userName, String passwordMd5Hex) {
    if (userName == null || userName.isEmpty() || passwordMd5Hex == null) {
      return Future.succeededFuture(null);
    }
    return db.pool().preparedQuery("SELECT " + USER_COLUMNS + ", password, salt FROM IMUser WHERE name = ? AND status = 0")
        .execute(Tuple.of(userName))
        .map(rows -> {
          for (Row row : rows) {
            if (Passwords.matches(passwordMd5Hex, row.getString(13), row.getString(12))) {
              return user(row);
            }
          }
          return null;
        });
  }

  @Override
  public Future<List<UserRecord>> usersByIds(Collection<Integer> userIds) {
    return Sql.selectIn(db.pool(), "SELECT " + USER_COLUMNS + " FROM IMUser WHERE id IN (", List.of(),
        new HashSet<>(userIds)).map(rows -> Sql.map(rows, SqlDirectory::user));
  }

  @Override
  public Future<List<UserRecord>> usersUpdatedSince(int updatedSince) {
    // TeamTalk lists everyone but departed users (status 3) on a first sync, and every change after
    Future<RowSet<Row>> rows = updatedSince == 0
        ? db.pool().preparedQuery("SELECT " + USER_COLUMNS + " FROM IMUser WHERE status <> 3 ORDER BY id").execute()
        : db.pool().preparedQuery("SELECT " + USER_COLUMNS + " FROM IMUser WHERE updated >= ? ORDER BY id")
            .execute(Tuple.of(updatedSince));
    return rows.map(set -> Sql.map(set, SqlDirectory::user));
  }

  @Override
  public Future<List<DepartmentRecord>> departmentsUpdatedSince(int updatedSince) {
    return db.pool().preparedQuery("SELECT " + DEPART_COLUMNS + " FROM IMDepart WHERE updated >= ? ORDER BY id")
        .execute(Tuple.of(updatedSince)).map(set -> Sql.map(set, SqlDirectory::department));
  }

  @Override
  public Future<Boolean> updateAvatar(int userId, String avatarUrl) {
    if (avatarUrl == null || avatarUrl.length() > MAX_AVATAR_LENGTH) {
      return Future.succeededFuture(false);
    }
    return db.pool().preparedQuery("UPDATE IMUser SET avatar = ?, updated = ? WHERE id = ?")
        .execute(Tuple.of(avatarUrl, Sql.now(), userId)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> updateSignInfo(int userId, String signInfo) {
    if (signInfo == null || signInfo.length() > MAX_SIGN_INFO_LENGTH) {
      return Future.succeededFuture(false);
    }
    return db.pool().preparedQuery("UPDATE IMUser SET sign_info = ?, updated = ? WHERE id = ?")
        .execute(Tuple.of(signInfo, Sql.now(), userId)).map(rows -> rows.rowCount() > 0);
  }

  /** {@code updated} stays: the status is no part of the user info clients list. */
  @Override
  public Future<Boolean> setPushShield(int userId, int shieldStatus) {
    return db.pool().preparedQuery("UPDATE IMUser SET push_shield_status = ? WHERE id = ?")
        .execute(Tuple.of(shieldStatus, userId))
        // MySQL counts a row left unchanged as not affected
        .compose(rows -> rows.rowCount() > 0 ? Future.succeededFuture(true)
            : pushShield(userId).map(status -> status != null));
  }

  @Override
  public Future<Integer> pushShield(int userId) {
    return db.pool().preparedQuery("SELECT push_shield_status FROM IMUser WHERE id = ?").execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getInteger(0));
  }

  /** The ids among {@code userIds} that are users, ascending. */
  public Future<List<Integer>> existingUsers(Collection<Integer> userIds) {
    return usersByIds(userIds).map(users -> Sql.sorted(users.stream().map(UserRecord::id).toList()));
  }

  static UserRecord user(Row row) {
    return new UserRecord(row.getInteger(0), row.getString(1), row.getString(2), row.getString(3),
        Sql.intOrZero(row, 4), row.getString(5), row.getString(6), row.getString(7), Sql.intOrZero(row, 8),
        Sql.intOrZero(row, 9), row.getString(10), Sql.intOrZero(row, 11));
  }

  static DepartmentRecord department(Row row) {
    return new DepartmentRecord(row.getInteger(0), row.getString(1), Sql.intOrZero(row, 2), Sql.intOrZero(row, 3),
        Sql.intOrZero(row, 4), Sql.intOrZero(row, 5));
  }
}
