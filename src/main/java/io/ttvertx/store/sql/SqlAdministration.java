package io.ttvertx.store.sql;

import io.ttvertx.store.AdminStore;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Creates users (with TeamTalk's password hashing) and departments for the administration commands. */
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
    return db.inTransaction(conn -> conn.preparedQuery("SELECT id FROM IMDepart WHERE departName = ?")
        .execute(Tuple.of(name)).compose(rows -> {
          if (rows.size() > 0) {
            return Future.failedFuture(new StoreException("department '" + name + "' already exists"));
          }
          return insertDepartment(conn, name, parentId, priority);
        })).compose(id -> db.pool().preparedQuery("SELECT " + SqlDirectory.DEPART_COLUMNS + " FROM IMDepart WHERE id = ?")
        .execute(Tuple.of(id))).map(rows -> SqlDirectory.department(rows.iterator().next()));
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
