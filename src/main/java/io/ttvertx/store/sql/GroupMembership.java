package io.ttvertx.store.sql;

import io.ttvertx.store.GroupChange;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.GroupVersion;
import io.ttvertx.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Groups and their members in IMGroup and IMGroupMember, as TeamTalk's GroupModel keeps them: creating
 * a group, changing its members under {@link GroupRules}, and reading groups with their members.
 * Member sets come from {@link GroupMembers}, which hears of every committed change.
 */
public final class GroupMembership {
  private static final String GROUP_COLUMNS = "id, name, avatar, creator, type, version";
  /** Params: groupId, userId, created, updated. */
  private static final String INSERT_MEMBER = "INSERT INTO IMGroupMember (groupId, userId, status, created, updated)"
      + " VALUES (?, ?, 0, ?, ?)";

  private final SqlDatabase db;
  private final SqlDirectory directory;
  private final GroupMembers members;

  public GroupMembership(SqlDatabase db, SqlDirectory directory, GroupMembers members) {
    this.db = db;
    this.directory = directory;
    this.members = members;
  }

  public GroupMembers members() {
    return members;
  }

  public Future<GroupRecord> create(int creatorId, String name, String avatar, int groupType,
                                    Collection<Integer> memberIds) {
    String groupAvatar = avatar == null ? "" : avatar;
    String refusal = GroupRules.refusal(name, groupAvatar, groupType);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    Set<Integer> wanted = new LinkedHashSet<>();
    if (creatorId != 0) {
      wanted.add(creatorId);
    }
    wanted.addAll(memberIds);
    return directory.existingUsers(wanted).compose(users -> {
      if (users.isEmpty()) {
        return Future.failedFuture(new StoreException("a group needs at least one existing user"));
      }
      int now = Sql.now();
      // TeamTalk GroupModel::insertNewGroup: status 0 (in use), version 1
      return db.<Integer>inTransaction(conn -> db.insertReturningId(conn, "INSERT INTO IMGroup (name, avatar, creator,"
                  + " type, userCnt, status, version, lastChated, updated, created) VALUES (?, ?, ?, ?, ?, 0, 1, 0, ?, ?)",
              Tuple.of(name, groupAvatar, creatorId, groupType, users.size(), now, now))
          .compose(groupId -> conn.preparedQuery(INSERT_MEMBER)
              .executeBatch(users.stream().map(user -> Tuple.of(groupId, user, now, now)).toList())
              .map(groupId)))
          .compose(groupId -> members.groupCreated(groupId, users, now).map(groupId))
          .map(groupId -> new GroupRecord(groupId, name, groupAvatar, creatorId, groupType, 0, 1, users));
    });
  }

  public Future<List<GroupVersion>> userGroups(int userId, int groupType) {
    String sql = "SELECT DISTINCT g.id, g.version, g.updated FROM IMGroupMember m JOIN IMGroup g ON g.id = m.groupId"
        + " WHERE m.userId = ? AND m.status = 0 AND g.status = 0" + (groupType == 0 ? "" : " AND g.type = ?")
        + " ORDER BY g.updated DESC, g.id DESC";
    return db.pool().preparedQuery(sql).execute(groupType == 0 ? Tuple.of(userId) : Tuple.of(userId, groupType))
        .map(rows -> Sql.map(rows, row -> new GroupVersion(row.getInteger(0), row.getInteger(1))));
  }

  public Future<List<GroupRecord>> groupsByIds(Collection<Integer> groupIds) {
    return Sql.selectIn(db.pool(), "SELECT " + GROUP_COLUMNS + " FROM IMGroup WHERE status = 0 AND id IN (", List.of(),
        new HashSet<>(groupIds)).compose(rows -> {
          List<Integer> inUse = rows.stream().map(row -> row.getInteger(0)).toList();
          return members.members(inUse).map(found -> rows.stream().map(row -> new GroupRecord(row.getInteger(0),
              row.getString(1), row.getString(2), row.getInteger(3), row.getInteger(4), 0, row.getInteger(5),
              Sql.sorted(found.getOrDefault(row.getInteger(0), Map.of()).keySet()))).toList());
        });
  }

  public Future<List<GroupRecord>> listGroups() {
    return db.pool().query("SELECT id FROM IMGroup WHERE status = 0").execute()
        .compose(rows -> groupsByIds(Sql.map(rows, row -> row.getInteger(0))))
        .map(groups -> groups.stream().sorted(Comparator.comparingInt(GroupRecord::id)).toList());
  }

  /**
   * The group's row is locked first, so changes of one group run one after the other; membership is
   * read from IMGroupMember inside that transaction. A user who left gets their row back (status 0),
   * as TeamTalk's GroupModel::insertNewMember does.
   */
  public Future<GroupChange> change(int userId, int groupId, boolean add, Collection<Integer> memberIds, int now) {
    Set<Integer> asked = new HashSet<>(memberIds);
    Future<List<Integer>> candidates = add ? directory.existingUsers(asked) : Future.succeededFuture(Sql.sorted(asked));
    return candidates.compose(users -> db.<GroupChange>inTransaction(conn -> conn.preparedQuery(
            "SELECT creator, type FROM IMGroup WHERE id = ? AND status = 0 FOR UPDATE").execute(Tuple.of(groupId))
        .compose(group -> {
          if (group.size() == 0) {
            return Future.succeededFuture(GroupChange.refused());
          }
          int creator = group.iterator().next().getInteger(0);
          int type = group.iterator().next().getInteger(1);
          return conn.preparedQuery("SELECT id, userId, status FROM IMGroupMember WHERE groupId = ?")
              .execute(Tuple.of(groupId)).compose(rows -> {
                Map<Integer, List<Integer>> rowIds = new HashMap<>();
                Set<Integer> current = new TreeSet<>();
                for (Row row : rows) {
                  rowIds.computeIfAbsent(row.getInteger(1), u -> new ArrayList<>()).add(row.getInteger(0));
                  if (row.getInteger(2) == 0) {
                    current.add(row.getInteger(1));
                  }
                }
                if (!GroupRules.mayChangeMembers(userId, creator, type, add, current, asked)) {
                  return Future.succeededFuture(GroupChange.refused());
                }
                List<Integer> changed = users.stream().filter(user -> current.contains(user) != add).toList();
                if (changed.isEmpty()) {
                  return Future.succeededFuture(new GroupChange(true, List.of(), List.copyOf(current)));
                }
                if (add) {
                  current.addAll(changed);
                } else {
                  current.removeAll(changed);
                }
                return writeMembership(conn, groupId, add, changed, rowIds, current.size(), now)
                    .map(new GroupChange(true, changed, List.copyOf(current)));
              });
        })))
        .compose(change -> change.changed().isEmpty() ? Future.succeededFuture(change)
            : members.membersChanged(groupId, add ? change.changed() : List.of(), add ? List.of() : change.changed(),
                now).map(change));
  }

  /**
   * Renames a group in use and/or changes its avatar (null leaves either), raising its version so
   * clients that compare versions fetch its info again; null when there is no such group in use.
   */
  public Future<GroupRecord> rename(int groupId, String name, String avatar, int now) {
    return db.<Boolean>inTransaction(conn -> conn.preparedQuery(
            "SELECT name, avatar, type FROM IMGroup WHERE id = ? AND status = 0 FOR UPDATE").execute(Tuple.of(groupId))
        .compose(group -> {
          if (group.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row row = group.iterator().next();
          String newName = name == null ? row.getString(0) : name;
          String newAvatar = avatar == null ? row.getString(1) : avatar;
          String refusal = GroupRules.refusal(newName, newAvatar, row.getInteger(2));
          if (refusal != null) {
            return Future.failedFuture(new StoreException(refusal));
          }
          return conn.preparedQuery("UPDATE IMGroup SET name = ?, avatar = ?, version = version + 1, updated = ?"
              + " WHERE id = ?").execute(Tuple.of(newName, newAvatar, now, groupId)).map(true);
        }))
        .compose(renamed -> renamed ? groupsByIds(List.of(groupId)).map(found -> found.isEmpty() ? null : found.get(0))
            : Future.succeededFuture(null));
  }

  /**
   * Dissolves a group in use (IMGroup.status 1, TeamTalk's "deleted"): every member leaves, the version
   * rises. Refused (no such group in use) or done with the former members as "changed".
   */
  public Future<GroupChange> dissolve(int groupId, int now) {
    return db.<GroupChange>inTransaction(conn -> conn.preparedQuery(
            "SELECT id FROM IMGroup WHERE id = ? AND status = 0 FOR UPDATE").execute(Tuple.of(groupId))
        .compose(group -> group.size() == 0 ? Future.succeededFuture(GroupChange.refused())
            : conn.preparedQuery("SELECT id, userId FROM IMGroupMember WHERE groupId = ? AND status = 0")
                .execute(Tuple.of(groupId)).compose(rows -> {
                  List<Tuple> leaving = new ArrayList<>();
                  Set<Integer> former = new TreeSet<>();
                  for (Row row : rows) {
                    leaving.add(Tuple.of(now, row.getInteger(0)));
                    former.add(row.getInteger(1));
                  }
                  Future<?> left = leaving.isEmpty() ? Future.succeededFuture()
                      : conn.preparedQuery("UPDATE IMGroupMember SET status = 1, updated = ? WHERE id = ?")
                          .executeBatch(leaving);
                  return left.compose(v -> conn.preparedQuery("UPDATE IMGroup SET status = 1, userCnt = 0,"
                          + " version = version + 1, updated = ? WHERE id = ?").execute(Tuple.of(now, groupId)))
                      .map(new GroupChange(true, List.copyOf(former), List.of()));
                })))
        .compose(change -> change.changed().isEmpty() ? Future.succeededFuture(change)
            : members.membersChanged(groupId, List.of(), change.changed(), now).map(change));
  }

  private static Future<Void> writeMembership(SqlConnection conn, int groupId, boolean add, List<Integer> changed,
                                              Map<Integer, List<Integer>> rowIds, int userCount, int now) {
    List<Tuple> updates = new ArrayList<>();
    List<Tuple> inserts = new ArrayList<>();
    for (int user : changed) {
      List<Integer> rows = rowIds.get(user);
      if (rows == null) {
        inserts.add(Tuple.of(groupId, user, now, now));
      } else {
        // by primary key: no gap locks on IMGroupMember's indexes
        rows.forEach(row -> updates.add(Tuple.of(add ? 0 : 1, now, row)));
      }
    }
    Future<?> updated = updates.isEmpty() ? Future.succeededFuture()
        : conn.preparedQuery("UPDATE IMGroupMember SET status = ?, updated = ? WHERE id = ?").executeBatch(updates);
    return updated
        .compose(v -> inserts.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(INSERT_MEMBER).executeBatch(inserts))
        .compose(v -> conn.preparedQuery("UPDATE IMGroup SET version = version + 1, userCnt = ?, updated = ?"
            + " WHERE id = ?").execute(Tuple.of(userCount, now, groupId)))
        .mapEmpty();
  }
}
