package io.ttvertx.store.sql;

import io.ttvertx.store.AdminRefusal;
import io.ttvertx.store.AdminRefusal.Kind;
import io.ttvertx.store.AdminStore;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.UserPage;
import io.ttvertx.store.UserProfile;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Users (with TeamTalk's password hashing) and departments for the administration commands and the
 * admin API: created, changed, disabled, searched; departments moved without cycles and deleted when empty.
 */
public final class SqlAdministration implements AdminStore {
  static final String DEFAULT_DEPARTMENT = "Default";
  /** IMUser.name is varchar(32), IMDepart.departName varchar(64). */
  static final int MAX_USER_NAME = 32;
  static final int MAX_DEPARTMENT_NAME = 64;

  private final SqlDatabase db;

  public SqlAdministration(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public Future<UserRecord> addUser(NewUser user) {
    return importUsers(List.of(user)).compose(count -> db.pool().preparedQuery("SELECT " + SqlDirectory.USER_COLUMNS
        + " FROM IMUser WHERE name = ? ORDER BY id DESC LIMIT 1").execute(Tuple.of(user.name())))
        .map(rows -> SqlDirectory.user(rows.iterator().next()));
  }

  @Override
  public Future<Integer> importUsers(List<NewUser> users) {
    Set<String> names = new HashSet<>();
    for (NewUser user : users) {
      if (user.name() == null || user.name().isBlank() || user.name().length() > MAX_USER_NAME) {
        return Future.failedFuture(new StoreException("bad user name '" + user.name() + "' (1 to " + MAX_USER_NAME
            + " characters)"));
      }
      if (user.password() == null || user.password().isEmpty()) {
        return Future.failedFuture(new StoreException("user '" + user.name() + "' has no password"));
      }
      if (!names.add(user.name())) {
        return Future.failedFuture(new StoreException("user '" + user.name() + "' appears twice"));
      }
    }
    if (users.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return db.inTransaction(conn -> existingNames(conn, names).compose(existing -> {
      if (!existing.isEmpty()) {
        return Future.failedFuture(new StoreException("user '" + existing.get(0) + "' already exists"));
      }
      return departmentIds(conn, users).compose(departIds -> {
        int now = Sql.now();
        List<Tuple> rows = new ArrayList<>();
        for (NewUser user : users) {
          String salt = Passwords.newSalt();
          String nick = user.nick() == null || user.nick().isBlank() ? user.name() : user.nick();
          rows.add(Tuple.of(user.name(), user.name(), nick, Passwords.storedForPlain(user.password(), salt), salt,
              departIds.get(departmentName(user)), now, now));
        }
        return conn.preparedQuery("INSERT INTO IMUser (name, domain, nick, password, salt, departId, status, sex,"
                + " phone, email, avatar, sign_info, created, updated) VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', '', '', '', ?, ?)")
            .executeBatch(rows).map(done -> users.size());
      });
    }));
  }

  @Override
  public Future<List<UserRecord>> listUsers() {
    return db.pool().query("SELECT " + SqlDirectory.USER_COLUMNS + " FROM IMUser ORDER BY id").execute()
        .map(set -> Sql.map(set, SqlDirectory::user));
  }

  @Override
  public Future<DepartmentRecord> addDepartment(String name, int parentId, int priority) {
    if (name == null || name.isBlank() || name.length() > MAX_DEPARTMENT_NAME) {
      return Future.failedFuture(new StoreException("bad department name '" + name + "' (1 to " + MAX_DEPARTMENT_NAME
          + " characters)"));
    }
    return db.inTransaction(conn -> checkDepartmentName(conn, name, 0)
        .compose(v -> parentId == 0 ? Future.succeededFuture() : liveDepartment(conn, parentId, Kind.INVALID, "parent"))
        .compose(v -> insertDepartment(conn, name, parentId, priority)))
        .compose(id -> department(db.pool(), id));
  }

  @Override
  public Future<UserRecord> createUser(String name, String plainPassword, UserProfile profile) {
    if (name == null || name.isBlank() || name.length() > MAX_USER_NAME) {
      return Future.failedFuture(new AdminRefusal(Kind.INVALID, "a user name has 1 to " + MAX_USER_NAME + " characters"));
    }
    if (plainPassword == null || plainPassword.isEmpty()) {
      return Future.failedFuture(new AdminRefusal(Kind.INVALID, "user '" + name + "' has no password"));
    }
    if (profile.departId() == null) {
      return Future.failedFuture(new AdminRefusal(Kind.INVALID, "a user needs a department"));
    }
    return db.inTransaction(conn -> existingNames(conn, Set.of(name)).compose(existing -> {
      if (!existing.isEmpty()) {
        return Future.failedFuture(new AdminRefusal(Kind.CONFLICT, "user '" + name + "' already exists"));
      }
      return liveDepartment(conn, profile.departId(), Kind.INVALID, "department");
    }).compose(depart -> {
      int now = Sql.now();
      String salt = Passwords.newSalt();
      String nick = profile.nick() == null || profile.nick().isBlank() ? name : profile.nick();
      return db.insertReturningId(conn, "INSERT INTO IMUser (name, domain, nick, password, salt, departId, status, sex,"
              + " phone, email, avatar, sign_info, created, updated) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
          Tuple.from(List.of(name, name, nick, Passwords.storedForPlain(plainPassword, salt), salt, profile.departId(),
              orZero(profile.sex()), orEmpty(profile.phone()), orEmpty(profile.email()), orEmpty(profile.avatar()),
              orEmpty(profile.signInfo()), now, now)));
    })).compose(this::user);
  }

  @Override
  public Future<UserRecord> updateUser(int userId, UserProfile changes) {
    List<String> columns = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    addChange(columns, values, "nick", changes.nick());
    addChange(columns, values, "sex", changes.sex());
    addChange(columns, values, "phone", changes.phone());
    addChange(columns, values, "email", changes.email());
    addChange(columns, values, "avatar", changes.avatar());
    addChange(columns, values, "departId", changes.departId());
    addChange(columns, values, "sign_info", changes.signInfo());
    Future<Void> departChecked = changes.departId() == null ? Future.succeededFuture()
        : liveDepartment(db.pool(), changes.departId(), Kind.INVALID, "department").mapEmpty();
    return departChecked.compose(v -> changeUser(userId, columns, values));
  }

  @Override
  public Future<UserRecord> setUserStatus(int userId, int status) {
    return changeUser(userId, List.of("status"), List.of(status));
  }

  @Override
  public Future<UserRecord> setPassword(int userId, String plainPassword) {
    String salt = Passwords.newSalt();
    return changeUser(userId, List.of("password", "salt"), List.of(Passwords.storedForPlain(plainPassword, salt), salt));
  }

  /** Sets the columns and bumps "updated" (clients sync users by it); fails NOT_FOUND when there is no such user. */
  private Future<UserRecord> changeUser(int userId, List<String> columns, List<Object> values) {
    StringBuilder sql = new StringBuilder("UPDATE IMUser SET ");
    columns.forEach(column -> sql.append(column).append(" = ?, "));
    sql.append("updated = ? WHERE id = ?");
    List<Object> params = new ArrayList<>(values);
    params.add(Sql.now());
    params.add(userId);
    return db.pool().preparedQuery(sql.toString()).execute(Tuple.from(params)).compose(done -> done.rowCount() == 0
        ? Future.failedFuture(new AdminRefusal(Kind.NOT_FOUND, "no user " + userId))
        : user(userId));
  }

  private Future<UserRecord> user(int userId) {
    return db.pool().preparedQuery("SELECT " + SqlDirectory.USER_COLUMNS + " FROM IMUser WHERE id = ?")
        .execute(Tuple.of(userId)).map(rows -> SqlDirectory.user(rows.iterator().next()));
  }

  @Override
  public Future<UserPage> findUsers(String search, int offset, int limit) {
    String where = "";
    List<Object> params = new ArrayList<>();
    if (search != null && !search.isEmpty()) {
      // '!' escapes LIKE's wildcards in what was typed; LOWER() because IMUser's collation is binary
      where = " WHERE LOWER(name) LIKE ? ESCAPE '!' OR LOWER(nick) LIKE ? ESCAPE '!'";
      String pattern = "%" + search.toLowerCase().replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
      params.add(pattern);
      params.add(pattern);
    }
    String filter = where;
    return db.pool().preparedQuery("SELECT COUNT(*) FROM IMUser" + filter).execute(Tuple.from(params))
        .compose(count -> {
          List<Object> paged = new ArrayList<>(params);
          paged.add(limit);
          paged.add(offset);
          return db.pool().preparedQuery("SELECT " + SqlDirectory.USER_COLUMNS + " FROM IMUser" + filter
                  + " ORDER BY id LIMIT ? OFFSET ?").execute(Tuple.from(paged))
              .map(rows -> new UserPage(Sql.map(rows, SqlDirectory::user), count.iterator().next().getInteger(0)));
        });
  }

  @Override
  public Future<DepartmentRecord> updateDepartment(int departId, String name, Integer parentId, Integer priority) {
    if (name != null && (name.isBlank() || name.length() > MAX_DEPARTMENT_NAME)) {
      return Future.failedFuture(new AdminRefusal(Kind.INVALID, "a department name has 1 to " + MAX_DEPARTMENT_NAME
          + " characters"));
    }
    return db.inTransaction(conn -> liveDepartment(conn, departId, Kind.NOT_FOUND, "department")
        .compose(depart -> name == null ? Future.succeededFuture() : checkDepartmentName(conn, name, departId))
        .compose(v -> parentId == null || parentId == 0 ? Future.succeededFuture()
            : checkNoCycle(conn, departId, parentId))
        .compose(v -> {
          List<String> columns = new ArrayList<>();
          List<Object> values = new ArrayList<>();
          addChange(columns, values, "departName", name);
          addChange(columns, values, "parentId", parentId);
          addChange(columns, values, "priority", priority);
          StringBuilder sql = new StringBuilder("UPDATE IMDepart SET ");
          columns.forEach(column -> sql.append(column).append(" = ?, "));
          sql.append("updated = ? WHERE id = ?");
          values.add(Sql.now());
          values.add(departId);
          return conn.preparedQuery(sql.toString()).execute(Tuple.from(values));
        })).compose(done -> department(db.pool(), departId));
  }

  /** A department may not go under itself or any of its descendants: walks up from the new parent. */
  private Future<Void> checkNoCycle(SqlClient client, int departId, int newParentId) {
    return client.query("SELECT id, parentId FROM IMDepart WHERE status = 0").execute().compose(rows -> {
      Map<Integer, Integer> parents = new HashMap<>();
      rows.forEach(row -> parents.put(row.getInteger(0), Sql.intOrZero(row, 1)));
      if (!parents.containsKey(newParentId)) {
        return Future.failedFuture(new AdminRefusal(Kind.INVALID, "no department " + newParentId + " to move under"));
      }
      Set<Integer> seen = new HashSet<>();
      for (Integer at = newParentId; at != null && at != 0 && seen.add(at); at = parents.get(at)) {
        if (at == departId) {
          return Future.failedFuture(new AdminRefusal(Kind.CONFLICT, "department " + newParentId + " is department "
              + departId + " or under it: the move would make a cycle"));
        }
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<DepartmentRecord> deleteDepartment(int departId) {
    return db.inTransaction(conn -> liveDepartment(conn, departId, Kind.NOT_FOUND, "department")
        .compose(depart -> conn.preparedQuery("SELECT (SELECT COUNT(*) FROM IMUser WHERE departId = ? AND status <> 3),"
            + " (SELECT COUNT(*) FROM IMDepart WHERE parentId = ? AND status = 0)").execute(Tuple.of(departId, departId)))
        .compose(counts -> {
          Row row = counts.iterator().next();
          int users = Sql.intOrZero(row, 0);
          int children = Sql.intOrZero(row, 1);
          if (users > 0 || children > 0) {
            return Future.failedFuture(new AdminRefusal(Kind.CONFLICT, "department " + departId + " has " + users
                + " users and " + children + " child departments: move them first"));
          }
          return conn.preparedQuery("UPDATE IMDepart SET status = 1, updated = ? WHERE id = ?")
              .execute(Tuple.of(Sql.now(), departId));
        })).compose(done -> department(db.pool(), departId));
  }

  @Override
  public Future<List<DepartmentRecord>> listDepartments() {
    return db.pool().query("SELECT " + SqlDirectory.DEPART_COLUMNS + " FROM IMDepart WHERE status = 0 ORDER BY id")
        .execute().map(rows -> Sql.map(rows, SqlDirectory::department));
  }

  private static Future<DepartmentRecord> department(SqlClient client, int departId) {
    return client.preparedQuery("SELECT " + SqlDirectory.DEPART_COLUMNS + " FROM IMDepart WHERE id = ?")
        .execute(Tuple.of(departId)).map(rows -> SqlDirectory.department(rows.iterator().next()));
  }

  /** The department if it exists and is not deleted; else fails with {@code kind}. */
  private static Future<DepartmentRecord> liveDepartment(SqlClient client, int departId, Kind kind, String what) {
    return client.preparedQuery("SELECT " + SqlDirectory.DEPART_COLUMNS + " FROM IMDepart WHERE id = ? AND status = 0")
        .execute(Tuple.of(departId)).compose(rows -> rows.size() == 0
            ? Future.failedFuture(new AdminRefusal(kind, "no " + what + " " + departId))
            : Future.succeededFuture(SqlDirectory.department(rows.iterator().next())));
  }

  /** Names are unique among the departments not deleted. */
  private static Future<Void> checkDepartmentName(SqlClient client, String name, int exceptId) {
    return client.preparedQuery("SELECT id FROM IMDepart WHERE departName = ? AND status = 0 AND id <> ?")
        .execute(Tuple.of(name, exceptId)).compose(rows -> rows.size() > 0
            ? Future.failedFuture(new AdminRefusal(Kind.CONFLICT, "department '" + name + "' already exists"))
            : Future.succeededFuture());
  }

  private static void addChange(List<String> columns, List<Object> values, String column, Object value) {
    if (value != null) {
      columns.add(column);
      values.add(value);
    }
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  private Future<Integer> insertDepartment(SqlClient client, String name, int parentId, int priority) {
    int now = Sql.now();
    return db.insertReturningId(client, "INSERT INTO IMDepart (departName, priority, parentId, status, created, updated)"
        + " VALUES (?, ?, ?, 0, ?, ?)", Tuple.of(name, priority, parentId, now, now));
  }

  private static Future<List<String>> existingNames(SqlConnection conn, Set<String> names) {
    return Sql.selectIn(conn, "SELECT name FROM IMUser WHERE name IN (", List.of(), names)
        .map(rows -> Sql.map(rows, row -> row.getString(0)));
  }

  /** The id of every department the users name, creating the missing ones. */
  private Future<Map<String, Integer>> departmentIds(SqlConnection conn, List<NewUser> users) {
    Set<String> wanted = new HashSet<>();
    users.forEach(user -> wanted.add(departmentName(user)));
    return conn.query("SELECT id, departName FROM IMDepart ORDER BY id").execute().compose(rows -> {
      Map<String, Integer> ids = new HashMap<>();
      rows.forEach(row -> ids.putIfAbsent(row.getString(1), row.getInteger(0)));
      Future<Void> chain = Future.succeededFuture();
      for (String name : wanted) {
        if (!ids.containsKey(name)) {
          if (name.length() > MAX_DEPARTMENT_NAME) {
            return Future.failedFuture(new StoreException("department name too long: '" + name + "'"));
          }
          chain = chain.compose(v -> insertDepartment(conn, name, 0, 0).map(id -> {
            ids.put(name, id);
            return null;
          }));
        }
      }
      return chain.map(v -> ids);
    });
  }

  private static String departmentName(NewUser user) {
    return user.depart() == null || user.depart().isBlank() ? DEFAULT_DEPARTMENT : user.depart().trim();
  }
}
