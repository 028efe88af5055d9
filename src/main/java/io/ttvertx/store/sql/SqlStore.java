package io.ttvertx.store.sql;

import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.GroupChange;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.GroupVersion;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.SessionRecord;
import io.ttvertx.store.Store;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.StoredGroupMessage;
import io.ttvertx.store.UnreadRecord;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The storage logic shared by the embedded (H2) and MySQL stores, on TeamTalk's tables: IMUser,
 * IMDepart, IMRelationShip (a conversation is a relation between the smaller and the bigger user id),
 * IMMessage_&lt;relateId % 8&gt;, IMRecentSession, IMAudio, IMGroup, IMGroupMember and
 * IMGroupMessage_&lt;groupId % 8&gt;. Backends differ in where the message-id, unread and group
 * counters and the group members live and in how a message is made durable. Every statement is
 * parameterised.
 */
public abstract class SqlStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(SqlStore.class);
  static final int MESSAGE_TABLES = 8;
  static final int SESSION_TYPE_SINGLE = 1;
  static final int SESSION_TYPE_GROUP = 2;
  static final int MAX_SIGN_INFO_LENGTH = 128;
  static final int MAX_RECENT_SESSIONS = 100;
  static final int IN_CHUNK = 500;
  static final int MAX_MESSAGES_BY_ID = 100;
  static final String DEFAULT_DEPARTMENT = "Default";
  static final int MAX_BATCH = 1000;
  static final int RELATION_ATTEMPTS = 20;
  static final long RELATION_RETRY_MS = 10;
  static final int MAX_TEXT_CHARS = 4096;
  static final int MAX_AUDIO_BYTES = 1024 * 1024;
  static final int ROWS_PER_INSERT = 250;
  /** IMGroup.name and IMGroup.avatar are varchar(256). */
  static final int MAX_GROUP_NAME = 256;
  static final int MAX_GROUP_AVATAR = 256;

  private static final String USER_COLUMNS =
      "id, name, domain, nick, sex, phone, email, avatar, departId, status, sign_info, updated";
  private static final String DEPART_COLUMNS = "id, departName, priority, parentId, status, updated";
  private static final String GROUP_COLUMNS = "id, name, avatar, creator, type, version";

  /** Where messages of each kind are stored and how their rows read. */
  enum MessageKind {
    /** IMMessage_&lt;relateId % 8&gt;: a conversation's messages. */
    SINGLE("IMMessage_", "relateId", "msgId, fromId, toId, created, type, content",
        " (relateId, fromId, toId, msgId, content, type, status, updated, created)", "(?, ?, ?, ?, ?, ?, 0, ?, ?)"),
    /** IMGroupMessage_&lt;groupId % 8&gt;: a group's messages; userId is the sender. */
    GROUP("IMGroupMessage_", "groupId", "msgId, userId, groupId, created, type, content",
        " (groupId, userId, msgId, content, type, status, updated, created)", "(?, ?, ?, ?, ?, 0, ?, ?)");

    /** The column the messages are found by: the relation or the group id. */
    final String keyColumn;
    /** Read as a MessageRecord: id, sender, receiver (user or group), created, type, content. */
    final String selectColumns;
    final String insertColumns;
    final String insertRow;
    private final String tablePrefix;

    MessageKind(String tablePrefix, String keyColumn, String selectColumns, String insertColumns, String insertRow) {
      this.tablePrefix = tablePrefix;
      this.keyColumn = keyColumn;
      this.selectColumns = selectColumns;
      this.insertColumns = insertColumns;
      this.insertRow = insertRow;
    }

    /** The table of the relation or group {@code id}. */
    String table(int id) {
      return tablePrefix + (id % MESSAGE_TABLES);
    }

    /** A message's values in the order of {@link #insertRow}; {@code id} is its relation or group id. */
    List<Object> row(int id, MessageRecord m, String content) {
      return this == SINGLE
          ? List.of(id, m.fromUserId(), m.toUserId(), m.msgId(), content, m.msgType(), m.createTime(), m.createTime())
          : List.of(id, m.fromUserId(), m.msgId(), content, m.msgType(), m.createTime(), m.createTime());
    }
  }

  protected Pool pool;
  private final BatchQueue<PendingMessage, MessageRecord> messageQueue = new BatchQueue<>(this::maxBatchSize,
      this::maxBatchesInFlight, batch -> writeBatch(batch).map(records -> records.stream()
          .map(Future::succeededFuture).toList()));
  /** Group messages: one batch at a time, its senders' membership checked just before it is written. */
  private final BatchQueue<PendingMessage, StoredGroupMessage> groupMessageQueue = new BatchQueue<>(this::maxBatchSize,
      () -> 1, this::writeCheckedGroupBatch);
  /** Session writes run one after the other, so they never wait on each other's row locks. */
  private Future<Void> sessionWrites = Future.succeededFuture();
  /** Newer times for sessions that exist, waiting for the next session write: key -> {userId, peerId, time, type}. */
  private Map<Long, int[]> pendingRefreshes = new HashMap<>();
  private boolean refreshQueued;
  /**
   * Recent sessions this store has made current, with the time written: touching one again within
   * the same second changes nothing, so it is skipped. Cleared for a session when it is removed.
   */
  private final Map<Long, Integer> touchedSessions = new ConcurrentHashMap<>();
  static final int MAX_TOUCHED_SESSIONS = 1_000_000;
  /** Relation ids by (smallId, bigId); relations are never deleted, so caching them is safe. */
  private final Map<Long, Integer> relations = new ConcurrentHashMap<>();
  private final Map<Long, Future<Integer>> relationsBeingCreated = new ConcurrentHashMap<>();

  // ---- what the backends provide

  /** The Vert.x instance the store runs on. */
  protected abstract io.vertx.core.Vertx vertx();

  /** Opens the pool (sets {@link #pool}) and whatever else the backend needs. */
  protected abstract Future<Void> connect();

  /** Idempotent schema statements (CREATE TABLE IF NOT EXISTS and the like) for every table the store uses. */
  protected abstract List<String> schema();

  /** Runs an INSERT and returns the generated auto-increment id. */
  protected abstract Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params);

  /**
   * Durably stores a batch of messages: allocates their ids (in the batch's order within each
   * conversation), writes them, counts them unread and touches both users' recent sessions. Completes
   * with the stored messages in the batch's order.
   */
  protected abstract Future<List<MessageRecord>> writeBatch(List<PendingMessage> batch);

  /**
   * Durably stores a batch of group messages whose senders are members (each a PendingMessage whose
   * relateId and toUserId are the group id): allocates their ids (in the batch's order within each
   * group), writes them, counts them in their group, marks the group read up to each sender's
   * message, touches the senders' sessions and sets IMGroup.lastChated. Completes with the stored
   * messages in the batch's order.
   */
  protected abstract Future<List<MessageRecord>> writeGroupBatch(List<PendingMessage> batch);

  /** Runs {@code work} in one transaction on one connection of the pool. */
  protected <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** Unread counts of {@code userId}, by peer, for single sessions. */
  protected abstract Future<Map<Integer, Integer>> unreadByPeer(int userId);

  @Override
  public abstract Future<Void> clearUnread(int userId, int peerId);

  /** Unread counts of {@code userId} in each of {@code groupIds} (the group's count minus the user's read mark). */
  protected abstract Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds);

  /** Marks the whole group read for each of {@code userIds}: their read marks become the group's count. */
  protected abstract Future<Void> markGroupRead(int groupId, Collection<Integer> userIds);

  /** Stores a member's push shield of a group. */
  protected abstract Future<Void> writeGroupShield(int groupId, int userId, int shieldStatus);

  /**
   * The members of each of {@code groupIds} that has any, with their join times; from IMGroupMember
   * here, overridden where the members live elsewhere too.
   */
  protected Future<Map<Integer, Map<Integer, Integer>>> groupMembers(Collection<Integer> groupIds) {
    return selectIn(pool, "SELECT groupId, userId, created, updated FROM IMGroupMember WHERE status = 0 AND groupId IN (",
        List.of(), new ArrayList<>(new HashSet<>(groupIds))).map(rows -> {
          Map<Integer, Map<Integer, Integer>> members = new HashMap<>();
          for (Row row : rows) {
            members.computeIfAbsent(row.getInteger(0), g -> new HashMap<>()).put(row.getInteger(1), joinTime(row, 2));
          }
          return members;
        });
  }

  /** When {@code userId} joined the group, or null when they are no member. */
  protected Future<Integer> memberJoinTime(int groupId, int userId) {
    return pool.preparedQuery("SELECT created, updated FROM IMGroupMember WHERE groupId = ? AND userId = ? AND status = 0")
        .execute(Tuple.of(groupId, userId))
        .map(rows -> rows.size() == 0 ? null : joinTime(rows.iterator().next(), 0));
  }

  /** Called once a new group is committed, with its members and their join time (for what lives outside SQL). */
  protected Future<Void> groupCreated(int groupId, Collection<Integer> members, int joined) {
    return Future.succeededFuture();
  }

  /** Called once a membership change is committed (for what lives outside SQL). */
  protected Future<Void> groupMembersChanged(int groupId, Collection<Integer> added, Collection<Integer> removed,
                                             int time) {
    return Future.succeededFuture();
  }

  // ---- lifecycle

  @Override
  public Future<Void> start() {
    return connect().compose(v -> {
      Future<Void> chain = Future.succeededFuture();
      for (String statement : schema()) {
        chain = chain.compose(x -> pool.query(statement).execute().mapEmpty());
      }
      return chain;
    });
  }

  @Override
  public Future<Void> close() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  // ---- users and departments

  @Override
  public Future<UserRecord> authenticate(String userName, String passwordMd5Hex) {
    if (userName == null || userName.isEmpty() || passwordMd5Hex == null) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery("SELECT " + USER_COLUMNS + ", password, salt FROM IMUser WHERE name = ? AND status = 0")
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
    return selectIn(pool, "SELECT " + USER_COLUMNS + " FROM IMUser WHERE id IN (", List.of(),
        new ArrayList<>(new HashSet<>(userIds))).map(rows -> rows.stream().map(SqlStore::user).toList());
  }

  @Override
  public Future<List<UserRecord>> usersUpdatedSince(int updatedSince) {
    // TeamTalk lists everyone but departed users (status 3) on a first sync, and every change after
    Future<RowSet<Row>> rows = updatedSince == 0
        ? pool.preparedQuery("SELECT " + USER_COLUMNS + " FROM IMUser WHERE status <> 3 ORDER BY id").execute()
        : pool.preparedQuery("SELECT " + USER_COLUMNS + " FROM IMUser WHERE updated >= ? ORDER BY id")
            .execute(Tuple.of(updatedSince));
    return rows.map(set -> map(set, SqlStore::user));
  }

  @Override
  public Future<List<DepartmentRecord>> departmentsUpdatedSince(int updatedSince) {
    return pool.preparedQuery("SELECT " + DEPART_COLUMNS + " FROM IMDepart WHERE updated >= ? ORDER BY id")
        .execute(Tuple.of(updatedSince)).map(set -> map(set, SqlStore::department));
  }

  @Override
  public Future<Boolean> updateAvatar(int userId, String avatarUrl) {
    if (avatarUrl == null || avatarUrl.length() > 255) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery("UPDATE IMUser SET avatar = ?, updated = ? WHERE id = ?")
        .execute(Tuple.of(avatarUrl, now(), userId)).map(rows -> rows.rowCount() > 0);
  }

  @Override
  public Future<Boolean> updateSignInfo(int userId, String signInfo) {
    if (signInfo == null || signInfo.length() > MAX_SIGN_INFO_LENGTH) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery("UPDATE IMUser SET sign_info = ?, updated = ? WHERE id = ?")
        .execute(Tuple.of(signInfo, now(), userId)).map(rows -> rows.rowCount() > 0);
  }

  // ---- messages

  /**
   * A message waiting for the next batch write. For a group message, relateId and toUserId are the
   * group id.
   */
  protected record PendingMessage(int relateId, int fromUserId, int toUserId, int msgType, byte[] msgData,
                                  int createTime) {
  }

  /**
   * Messages are written in batches, one batch at a time per store (group commit): while a batch is
   * being made durable the next one gathers, so one commit serves many senders and the ids of one
   * conversation are allocated by one writer.
   */
  @Override
  public Future<MessageRecord> saveMessage(int fromUserId, int toUserId, int msgType, byte[] msgData, int createTime) {
    // refused here, one by one: a row the database rejects would fail the whole batch
    String refusal = refusal(msgType, msgData);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    return relation(fromUserId, toUserId, true).compose(relateId -> messageQueue.add(
        new PendingMessage(relateId, fromUserId, toUserId, msgType, msgData, createTime)));
  }

  /** Most messages in one batch. */
  protected int maxBatchSize() {
    return MAX_BATCH;
  }

  /** How many batches may be written at once; 1 where ids are allocated inside the transaction. */
  protected int maxBatchesInFlight() {
    return 1;
  }

  private static String refusal(int msgType, byte[] msgData) {
    if (AudioContent.isAudio(msgType)) {
      if (msgData.length < 4 || msgData.length > MAX_AUDIO_BYTES) {
        return "audio message of " + msgData.length + " bytes (4 to " + MAX_AUDIO_BYTES + ")";
      }
      return null;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(msgData)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return "message text is not UTF-8";
    }
    if (text.length() > MAX_TEXT_CHARS) {
      return "message text of " + text.length() + " characters (at most " + MAX_TEXT_CHARS + ", as IMMessage.content)";
    }
    return null;
  }

  @Override
  public Future<List<MessageRecord>> messages(int userId, int peerId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return relation(userId, peerId, false).compose(relateId -> relateId == null ? Future.succeededFuture(List.of())
        : selectMessages(MessageKind.SINGLE, relateId, beginMsgId == 0 ? "" : " AND msgId <= ?",
            beginMsgId == 0 ? List.of() : List.of(beginMsgId), count));
  }

  @Override
  public Future<List<MessageRecord>> messagesByIds(int userId, int peerId, Collection<Integer> msgIds) {
    if (msgIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return relation(userId, peerId, false).compose(relateId -> relateId == null ? Future.succeededFuture(List.of())
        : selectMessagesByIds(MessageKind.SINGLE, relateId, "", List.of(), msgIds));
  }

  @Override
  public Future<Integer> latestMessageId(int userId, int peerId) {
    return relation(userId, peerId, false).compose(relateId -> relateId == null ? Future.succeededFuture(0)
        : latestMessage(MessageKind.SINGLE, relateId).map(latest -> latest == null ? 0 : latest.msgId()));
  }

  @Override
  public Future<List<UnreadRecord>> unreadCounts(int userId) {
    return unreadByPeer(userId).compose(byPeer -> {
      List<Future<UnreadRecord>> sessions = new ArrayList<>();
      byPeer.forEach((peer, count) -> {
        if (count > 0) {
          sessions.add(relation(userId, peer, false).compose(relateId -> relateId == null
                  ? Future.succeededFuture((MessageRecord) null) : latestMessage(MessageKind.SINGLE, relateId))
              .map(latest -> new UnreadRecord(peer, SESSION_TYPE_SINGLE, count, latest)));
        }
      });
      return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
    });
  }

  // ---- recent sessions

  @Override
  public Future<List<SessionRecord>> recentSessions(int userId, int updatedSince) {
    return sessionWritesDone().compose(done -> pool.preparedQuery("SELECT peerId, type, status, updated FROM IMRecentSession"
            + " WHERE userId = ? AND status = 0 AND updated > ? ORDER BY updated DESC, id DESC LIMIT ?")
        .execute(Tuple.of(userId, updatedSince, MAX_RECENT_SESSIONS))
        .compose(rows -> {
          Map<String, Row> unique = new LinkedHashMap<>();
          rows.forEach(row -> unique.putIfAbsent(row.getInteger(0) + "/" + row.getInteger(1), row));
          List<Future<SessionRecord>> sessions = new ArrayList<>();
          for (Row row : unique.values()) {
            int peer = row.getInteger(0);
            int type = row.getInteger(1);
            Future<MessageRecord> latest = switch (type) {
              case SESSION_TYPE_SINGLE -> relation(userId, peer, false).compose(relateId -> relateId == null
                  ? Future.succeededFuture((MessageRecord) null) : latestMessage(MessageKind.SINGLE, relateId));
              case SESSION_TYPE_GROUP -> latestMessage(MessageKind.GROUP, peer);
              default -> Future.succeededFuture(null);
            };
            sessions.add(latest.map(message -> new SessionRecord(peer, type, row.getInteger(2), row.getInteger(3),
                message)));
          }
          return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
        }));
  }

  @Override
  public Future<Void> removeSession(int userId, int peerId, int sessionType) {
    touchedSessions.remove(sessionKey(userId, peerId, sessionType));
    return sessionWritesDone().compose(done -> pool.preparedQuery("UPDATE IMRecentSession SET status = 1,"
            + " updated = ? WHERE userId = ? AND peerId = ? AND type = ?")
        .execute(Tuple.of(now(), userId, peerId, sessionType))).mapEmpty();
  }

  // ---- groups

  @Override
  public Future<GroupRecord> createGroup(int creatorId, String name, String avatar, int groupType,
                                         Collection<Integer> memberIds) {
    String groupAvatar = avatar == null ? "" : avatar;
    String refusal = groupRefusal(name, groupAvatar, groupType);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    Set<Integer> wanted = new LinkedHashSet<>();
    if (creatorId != 0) {
      wanted.add(creatorId);
    }
    wanted.addAll(memberIds);
    return existingUsers(wanted).compose(members -> {
      if (members.isEmpty()) {
        return Future.failedFuture(new StoreException("a group needs at least one existing user"));
      }
      int now = now();
      // TeamTalk GroupModel::insertNewGroup: status 0 (in use), version 1
      return this.<Integer>inTransaction(conn -> insertReturningId(conn, "INSERT INTO IMGroup (name, avatar, creator,"
                  + " type, userCnt, status, version, lastChated, updated, created) VALUES (?, ?, ?, ?, ?, 0, 1, 0, ?, ?)",
              Tuple.of(name, groupAvatar, creatorId, groupType, members.size(), now, now))
          .compose(groupId -> conn.preparedQuery(INSERT_MEMBER)
              .executeBatch(members.stream().map(user -> Tuple.of(groupId, user, now, now)).toList())
              .map(groupId)))
          .compose(groupId -> groupCreated(groupId, members, now).map(groupId))
          .map(groupId -> new GroupRecord(groupId, name, groupAvatar, creatorId, groupType, 0, 1, members));
    });
  }

  private static String groupRefusal(String name, String avatar, int groupType) {
    if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > MAX_GROUP_NAME) {
      return "a group name has 1 to " + MAX_GROUP_NAME + " characters";
    }
    if (avatar.codePointCount(0, avatar.length()) > MAX_GROUP_AVATAR) {
      return "a group avatar has at most " + MAX_GROUP_AVATAR + " characters";
    }
    if (groupType != GROUP_TYPE_NORMAL && groupType != GROUP_TYPE_TEMPORARY) {
      return "unknown group type " + groupType;
    }
    return null;
  }

  /** Params: groupId, userId, created, updated. */
  private static final String INSERT_MEMBER = "INSERT INTO IMGroupMember (groupId, userId, status, created, updated)"
      + " VALUES (?, ?, 0, ?, ?)";

  @Override
  public Future<List<GroupVersion>> userGroups(int userId, int groupType) {
    String sql = "SELECT DISTINCT g.id, g.version, g.updated FROM IMGroupMember m JOIN IMGroup g ON g.id = m.groupId"
        + " WHERE m.userId = ? AND m.status = 0 AND g.status = 0" + (groupType == 0 ? "" : " AND g.type = ?")
        + " ORDER BY g.updated DESC, g.id DESC";
    return pool.preparedQuery(sql).execute(groupType == 0 ? Tuple.of(userId) : Tuple.of(userId, groupType))
        .map(rows -> map(rows, row -> new GroupVersion(row.getInteger(0), row.getInteger(1))));
  }

  @Override
  public Future<List<GroupRecord>> groupsByIds(Collection<Integer> groupIds) {
    return selectIn(pool, "SELECT " + GROUP_COLUMNS + " FROM IMGroup WHERE status = 0 AND id IN (", List.of(),
        new ArrayList<>(new HashSet<>(groupIds))).compose(rows -> {
          List<Integer> inUse = rows.stream().map(row -> row.getInteger(0)).toList();
          return groupMembers(inUse).map(members -> rows.stream().map(row -> new GroupRecord(row.getInteger(0),
              row.getString(1), row.getString(2), row.getInteger(3), row.getInteger(4), 0, row.getInteger(5),
              sorted(members.getOrDefault(row.getInteger(0), Map.of()).keySet()))).toList());
        });
  }

  @Override
  public Future<List<GroupRecord>> listGroups() {
    return pool.query("SELECT id FROM IMGroup WHERE status = 0").execute()
        .compose(rows -> groupsByIds(map(rows, row -> row.getInteger(0))))
        .map(groups -> groups.stream().sorted(java.util.Comparator.comparingInt(GroupRecord::id)).toList());
  }

  /**
   * The group's row is locked first, so changes of one group run one after the other; membership is
   * read from IMGroupMember inside that transaction. A user who left gets their row back (status 0),
   * as TeamTalk's GroupModel::insertNewMember does.
   */
  @Override
  public Future<GroupChange> changeGroupMembers(int userId, int groupId, boolean add, Collection<Integer> memberIds) {
    Set<Integer> asked = new HashSet<>(memberIds);
    Future<List<Integer>> candidates = add ? existingUsers(asked) : Future.succeededFuture(sorted(asked));
    int now = now();
    return candidates.compose(users -> this.<GroupChange>inTransaction(conn -> conn.preparedQuery(
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
                if (!mayChangeMembers(userId, creator, type, add, current, asked)) {
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
            : membershipChanged(groupId, add, change.changed(), now).map(change));
  }

  /**
   * The creator and the administration (0) may change anything; a member may add to a temporary
   * group and remove themselves. (TeamTalk lets anyone add to a temporary group, members or not.)
   */
  private static boolean mayChangeMembers(int userId, int creator, int type, boolean add, Set<Integer> current,
                                          Set<Integer> asked) {
    if (userId == 0 || userId == creator) {
      return true;
    }
    if (!current.contains(userId)) {
      return false;
    }
    return add ? type == GROUP_TYPE_TEMPORARY : asked.equals(Set.of(userId));
  }

  private Future<Void> writeMembership(SqlConnection conn, int groupId, boolean add, List<Integer> changed,
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
        .compose(v -> inserts.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(INSERT_MEMBER).executeBatch(inserts))
        .compose(v -> conn.preparedQuery("UPDATE IMGroup SET version = version + 1, userCnt = ?, updated = ? WHERE id = ?")
            .execute(Tuple.of(userCount, now, groupId)))
        .mapEmpty();
  }

  /**
   * After a committed change: the backend's own copy of the members, and the changed users' read
   * marks (an added user has read what was sent before; a removed one keeps no unread count); removed
   * users lose the group's recent session.
   */
  private Future<Void> membershipChanged(int groupId, boolean add, List<Integer> changed, int now) {
    return groupMembersChanged(groupId, add ? changed : List.of(), add ? List.of() : changed, now)
        .compose(v -> markGroupRead(groupId, changed))
        .compose(v -> add ? Future.succeededFuture() : Future.all(changed.stream()
            .map(user -> removeSession(user, groupId, SESSION_TYPE_GROUP)).toList()).mapEmpty());
  }

  @Override
  public Future<StoredGroupMessage> saveGroupMessage(int fromUserId, int groupId, int msgType, byte[] msgData,
                                                     int createTime) {
    String refusal = refusal(msgType, msgData);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    return groupMessageQueue.add(new PendingMessage(groupId, fromUserId, groupId, msgType, msgData, createTime));
  }

  /**
   * Reads the batch's groups and members once, refuses the messages of non-members (each alone) and
   * writes the others; each stored message carries the members it was checked against.
   */
  private Future<List<Future<StoredGroupMessage>>> writeCheckedGroupBatch(List<PendingMessage> batch) {
    return groupsByIds(batch.stream().map(PendingMessage::relateId).toList()).compose(groups -> {
      Map<Integer, GroupRecord> byId = new HashMap<>();
      Map<Integer, Set<Integer>> memberSets = new HashMap<>();
      groups.forEach(group -> {
        byId.put(group.id(), group);
        memberSets.put(group.id(), new HashSet<>(group.members()));
      });
      List<Future<StoredGroupMessage>> outcomes = new ArrayList<>(batch.size());
      List<PendingMessage> accepted = new ArrayList<>(batch.size());
      List<Integer> acceptedAt = new ArrayList<>(batch.size());
      for (PendingMessage m : batch) {
        Set<Integer> members = memberSets.get(m.relateId());
        if (members == null) {
          outcomes.add(Future.failedFuture(new StoreException("group " + m.relateId() + " is not in use")));
        } else if (!members.contains(m.fromUserId())) {
          outcomes.add(Future.failedFuture(new StoreException("user " + m.fromUserId() + " is not a member of group "
              + m.relateId())));
        } else {
          acceptedAt.add(outcomes.size());
          outcomes.add(null);
          accepted.add(m);
        }
      }
      if (accepted.isEmpty()) {
        return Future.succeededFuture(outcomes);
      }
      return writeGroupBatch(accepted).transform(written -> {
        for (int i = 0; i < accepted.size(); i++) {
          outcomes.set(acceptedAt.get(i), written.failed() ? Future.failedFuture(written.cause())
              : Future.succeededFuture(new StoredGroupMessage(written.result().get(i),
                  byId.get(accepted.get(i).relateId()).members())));
        }
        return Future.succeededFuture(outcomes);
      });
    });
  }

  /** As TeamTalk's GroupMessageModel::getMessage: only what was sent since the member joined. */
  @Override
  public Future<List<MessageRecord>> groupMessages(int userId, int groupId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return memberJoinTime(groupId, userId).compose(joined -> joined == null ? Future.succeededFuture(List.of())
        : selectMessages(MessageKind.GROUP, groupId, " AND created >= ?" + (beginMsgId == 0 ? "" : " AND msgId <= ?"),
            beginMsgId == 0 ? List.of(joined) : List.of(joined, beginMsgId), count));
  }

  @Override
  public Future<List<MessageRecord>> groupMessagesByIds(int userId, int groupId, Collection<Integer> msgIds) {
    if (msgIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return memberJoinTime(groupId, userId).compose(joined -> joined == null ? Future.succeededFuture(List.of())
        : selectMessagesByIds(MessageKind.GROUP, groupId, " AND created >= ?", List.of(joined), msgIds));
  }

  @Override
  public Future<Integer> latestGroupMessageId(int userId, int groupId) {
    return memberJoinTime(groupId, userId).compose(joined -> joined == null ? Future.succeededFuture(0)
        : latestMessage(MessageKind.GROUP, groupId).map(latest -> latest == null ? 0 : latest.msgId()));
  }

  @Override
  public Future<List<UnreadRecord>> groupUnreadCounts(int userId) {
    return userGroups(userId, 0).compose(groups -> unreadByGroup(userId, groups.stream().map(GroupVersion::groupId)
        .toList())).compose(byGroup -> {
          List<Future<UnreadRecord>> sessions = new ArrayList<>();
          byGroup.forEach((groupId, count) -> {
            if (count > 0) {
              sessions.add(latestMessage(MessageKind.GROUP, groupId)
                  .map(latest -> new UnreadRecord(groupId, SESSION_TYPE_GROUP, count, latest)));
            }
          });
          return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
        });
  }

  @Override
  public Future<Void> clearGroupUnread(int userId, int groupId) {
    return markGroupRead(groupId, List.of(userId));
  }

  @Override
  public Future<Boolean> setGroupShield(int userId, int groupId, int shieldStatus) {
    return groupsByIds(List.of(groupId)).compose(groups -> groups.isEmpty() || !groups.get(0).members().contains(userId)
        ? Future.succeededFuture(false) : writeGroupShield(groupId, userId, shieldStatus).map(true));
  }

  /** The ids among {@code userIds} that are users, ascending. */
  private Future<List<Integer>> existingUsers(Collection<Integer> userIds) {
    return usersByIds(userIds).map(users -> sorted(users.stream().map(UserRecord::id).toList()));
  }

  private static List<Integer> sorted(Collection<Integer> ids) {
    return ids.stream().sorted().toList();
  }

  /** A member's join time: updated is when a member who had left came back, and equals created otherwise. */
  private static int joinTime(Row row, int createdColumn) {
    return Math.max(intOrZero(row, createdColumn), intOrZero(row, createdColumn + 1));
  }

  // ---- administration

  @Override
  public Future<UserRecord> addUser(NewUser user) {
    return importUsers(List.of(user)).compose(count -> pool.preparedQuery("SELECT " + USER_COLUMNS
        + " FROM IMUser WHERE name = ? ORDER BY id DESC LIMIT 1").execute(Tuple.of(user.name())))
        .map(rows -> user(rows.iterator().next()));
  }

  @Override
  public Future<Integer> importUsers(List<NewUser> users) {
    Set<String> names = new HashSet<>();
    for (NewUser user : users) {
      if (user.name() == null || user.name().isBlank() || user.name().length() > 32) {
        return Future.failedFuture(new StoreException("bad user name '" + user.name() + "' (1 to 32 characters)"));
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
    return inTransaction(conn -> existingNames(conn, new ArrayList<>(names)).compose(existing -> {
      if (!existing.isEmpty()) {
        return Future.failedFuture(new StoreException("user '" + existing.get(0) + "' already exists"));
      }
      return departmentIds(conn, users).compose(departIds -> {
        int now = now();
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
    return pool.query("SELECT " + USER_COLUMNS + " FROM IMUser ORDER BY id").execute()
        .map(set -> map(set, SqlStore::user));
  }

  @Override
  public Future<DepartmentRecord> addDepartment(String name, int parentId, int priority) {
    if (name == null || name.isBlank() || name.length() > 64) {
      return Future.failedFuture(new StoreException("bad department name '" + name + "' (1 to 64 characters)"));
    }
    return inTransaction(conn -> conn.preparedQuery("SELECT id FROM IMDepart WHERE departName = ?")
        .execute(Tuple.of(name)).compose(rows -> {
          if (rows.size() > 0) {
            return Future.failedFuture(new StoreException("department '" + name + "' already exists"));
          }
          return insertDepartment(conn, name, parentId, priority);
        })).compose(id -> pool.preparedQuery("SELECT " + DEPART_COLUMNS + " FROM IMDepart WHERE id = ?")
        .execute(Tuple.of(id))).map(rows -> department(rows.iterator().next()));
  }

  private Future<Integer> insertDepartment(SqlClient client, String name, int parentId, int priority) {
    int now = now();
    return insertReturningId(client, "INSERT INTO IMDepart (departName, priority, parentId, status, created, updated)"
        + " VALUES (?, ?, ?, 0, ?, ?)", Tuple.of(name, priority, parentId, now, now));
  }

  private Future<List<String>> existingNames(SqlConnection conn, List<String> names) {
    return selectIn(conn, "SELECT name FROM IMUser WHERE name IN (", List.of(), names)
        .map(rows -> rows.stream().map(row -> row.getString(0)).toList());
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
          if (name.length() > 64) {
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

  // ---- shared pieces for the backends

  /** The relation (conversation) id of two users; created when {@code create}, else null when missing. */
  protected Future<Integer> relation(int userA, int userB, boolean create) {
    int small = Math.min(userA, userB);
    int big = Math.max(userA, userB);
    long key = ((long) small << 32) | (big & 0xffffffffL);
    Integer cached = relations.get(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    if (!create) {
      return findRelation(small, big).onSuccess(found -> {
        if (found != null) {
          relations.put(key, found);
        }
      });
    }
    // concurrent first messages of one conversation share one lookup (and at most one insert)
    Future<Integer> pending = relationsBeingCreated.get(key);
    if (pending != null) {
      return pending;
    }
    Future<Integer> created = findRelation(small, big).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      int now = now();
      return pool.preparedQuery("INSERT INTO IMRelationShip (smallId, bigId, status, created, updated)"
              + " VALUES (?, ?, 0, ?, ?)").execute(Tuple.of(small, big, now, now))
          .recover(duplicate -> Future.succeededFuture())
          // another process may insert too: the lowest id is the relation, for everyone
          .compose(v -> findCreatedRelation(small, big, RELATION_ATTEMPTS));
    }).andThen(ar -> {
      relationsBeingCreated.remove(key);
      if (ar.succeeded()) {
        relations.put(key, ar.result());
      }
    });
    if (!created.isComplete()) {
      relationsBeingCreated.put(key, created);
    }
    return created;
  }

  /**
   * The relation just inserted, here or by a concurrent writer. A writer whose insert lost a race can
   * be refused before the winner's row is committed, so a missing row is looked for again shortly.
   */
  private Future<Integer> findCreatedRelation(int small, int big, int attempts) {
    return findRelation(small, big).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      if (attempts <= 1) {
        return Future.failedFuture(new IllegalStateException("relation of " + small + " and " + big
            + " could not be created"));
      }
      Promise<Integer> retried = Promise.promise();
      vertx().setTimer(RELATION_RETRY_MS, id -> findCreatedRelation(small, big, attempts - 1).onComplete(retried));
      return retried.future();
    });
  }

  private Future<Integer> findRelation(int small, int big) {
    return pool.preparedQuery("SELECT MIN(id) FROM IMRelationShip WHERE smallId = ? AND bigId = ?")
        .execute(Tuple.of(small, big))
        .map(rows -> {
          Row row = rows.iterator().next();
          return row.getValue(0) == null ? null : row.getInteger(0);
        });
  }

  /**
   * Inserts the message rows of a batch through {@code client}, several rows per statement; audio
   * messages first get their IMAudio row and bytes, and their content is the audio id (as in TeamTalk).
   * {@code ids} are the messages' relation ids, or group ids.
   */
  protected Future<Void> insertMessages(SqlClient client, MessageKind kind, List<MessageRecord> messages,
                                        List<Integer> ids) {
    List<Future<String>> contents = new ArrayList<>(messages.size());
    Future<Void> audioDone = Future.succeededFuture();
    for (MessageRecord message : messages) {
      if (AudioContent.isAudio(message.msgType())) {
        Promise<String> content = Promise.promise();
        audioDone = audioDone.compose(v -> insertAudio(client, message).map(String::valueOf)
            .onComplete(content).mapEmpty());
        contents.add(content.future());
      } else {
        contents.add(Future.succeededFuture(new String(message.msgData(), StandardCharsets.UTF_8)));
      }
    }
    return audioDone.compose(v -> {
      Map<String, List<List<Object>>> rowsByTable = new LinkedHashMap<>();
      for (int i = 0; i < messages.size(); i++) {
        int id = ids.get(i);
        rowsByTable.computeIfAbsent(kind.table(id), t -> new ArrayList<>())
            .add(kind.row(id, messages.get(i), contents.get(i).result()));
      }
      List<Future<?>> inserts = new ArrayList<>();
      rowsByTable.forEach((table, rows) -> inserts.add(insertMessageRows(client, kind, table, rows)));
      return Future.all(inserts).mapEmpty();
    });
  }

  /** Params: updated, userId, peerId, type (as {@link #reviveSessionParams}). */
  static final String REVIVE_SESSION = "UPDATE IMRecentSession SET status = 0, updated = ? WHERE userId = ?"
      + " AND peerId = ? AND type = ?";
  /** Params as {@link #insertSessionParams}. */
  static final String INSERT_MISSING_SESSION = "INSERT INTO IMRecentSession (userId, peerId, type, status, created,"
      + " updated) SELECT ?, ?, ?, 0, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM"
      + " IMRecentSession WHERE userId = ? AND peerId = ? AND type = ?)";
  /** Params: fromId, toId, size, duration, created. */
  static final String INSERT_AUDIO = "INSERT INTO IMAudio (fromId, toId, path, size, duration, created)"
      + " VALUES (?, ?, '', ?, ?, ?)";
  static final String INSERT_AUDIO_DATA = "INSERT INTO tt_audio_data (audioId, data) VALUES (?, ?)";
  /** Params: lastChated, id. TeamTalk GroupModel::updateGroupChat. */
  static final String UPDATE_LAST_CHATED = "UPDATE IMGroup SET lastChated = ? WHERE id = ?";

  /** The params of {@link #REVIVE_SESSION} for a session {userId, peerId, time, type}. */
  static int[] reviveSessionParams(int[] session) {
    return new int[] {session[2], session[0], session[1], session[3]};
  }

  /** The params of {@link #INSERT_MISSING_SESSION} for a session {userId, peerId, time, type}. */
  static int[] insertSessionParams(int[] session) {
    return new int[] {session[0], session[1], session[3], session[2], session[2], session[0], session[1], session[3]};
  }

  /**
   * Inserts message rows (values in the order of the kind's insertRow) into one table: multi-row
   * INSERTs, one round trip per {@link #ROWS_PER_INSERT} rows.
   */
  protected Future<Void> insertMessageRows(SqlClient client, MessageKind kind, String table, List<List<Object>> rows) {
    List<Future<?>> inserts = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
      List<List<Object>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
      List<Object> values = new ArrayList<>(chunk.size() * 8);
      chunk.forEach(values::addAll);
      inserts.add(client.preparedQuery("INSERT INTO " + table + kind.insertColumns + " VALUES "
              + String.join(", ", java.util.Collections.nCopies(chunk.size(), kind.insertRow)))
          .execute(Tuple.wrap(values)));
    }
    return Future.all(inserts).mapEmpty();
  }

  private Future<Integer> insertAudio(SqlClient client, MessageRecord message) {
    AudioContent audio = AudioContent.split(message.msgData());
    return insertReturningId(client, INSERT_AUDIO,
        Tuple.of(message.fromUserId(), message.toUserId(), audio.data().length, audio.duration(),
            message.createTime()))
        .compose(id -> client.preparedQuery(INSERT_AUDIO_DATA)
            .execute(Tuple.of(id, Buffer.buffer(audio.data()))).map(rows -> id));
  }

  /** Sets IMGroup.lastChated of the batch's groups to their newest message's time. */
  protected Future<Void> updateLastChated(SqlClient client, List<MessageRecord> groupMessages) {
    List<Tuple> updates = new ArrayList<>();
    lastChated(groupMessages).forEach((groupId, time) -> updates.add(Tuple.of(time, groupId)));
    return client.preparedQuery(UPDATE_LAST_CHATED).executeBatch(updates).mapEmpty();
  }

  /** The newest message time of each group of a batch of group messages, in ascending group order. */
  static Map<Integer, Integer> lastChated(List<MessageRecord> groupMessages) {
    Map<Integer, Integer> times = new TreeMap<>();
    groupMessages.forEach(m -> times.merge(m.toUserId(), m.createTime(), Math::max));
    return times;
  }

  /**
   * For each group of a batch of group messages, each sender's last message id in it: the sender has
   * read the group up to there (TeamTalk GroupMessageModel::incMessageCount copies the group's count
   * to the sender's).
   */
  static Map<Integer, Map<Integer, Integer>> lastSentBySender(List<MessageRecord> groupMessages) {
    Map<Integer, Map<Integer, Integer>> last = new TreeMap<>();
    groupMessages.forEach(m -> last.computeIfAbsent(m.toUserId(), g -> new TreeMap<>())
        .merge(m.fromUserId(), m.msgId(), Math::max));
    return last;
  }

  /**
   * Makes each conversation of the batch the latest session of both its users, un-removing it
   * (TeamTalk SessionModel). Returns the sessions this store has not written since it started (or
   * since they were removed): the batch's write must create or un-remove those, with
   * {@link #createSessions}. The others only need a newer time; that is queued and written shortly
   * after, off the path of the acknowledgements, and reads of sessions wait for it. A session is
   * written at most once per second.
   */
  protected Map<Long, int[]> sessionsToCreate(List<MessageRecord> messages) {
    List<int[]> touched = new ArrayList<>(2 * messages.size());
    for (MessageRecord m : messages) {
      touched.add(new int[] {m.fromUserId(), m.toUserId(), m.createTime(), SESSION_TYPE_SINGLE});
      touched.add(new int[] {m.toUserId(), m.fromUserId(), m.createTime(), SESSION_TYPE_SINGLE});
    }
    return touchSessions(touched);
  }

  /**
   * As {@link #sessionsToCreate}, for a batch of group messages: the group becomes the latest session
   * of each sender only (TeamTalk's db proxy touches no other member's session).
   */
  protected Map<Long, int[]> groupSessionsToCreate(List<MessageRecord> groupMessages) {
    List<int[]> touched = new ArrayList<>(groupMessages.size());
    for (MessageRecord m : groupMessages) {
      touched.add(new int[] {m.fromUserId(), m.toUserId(), m.createTime(), SESSION_TYPE_GROUP});
    }
    return touchSessions(touched);
  }

  /** Sessions {userId, peerId, time, type} touched by a batch: those to create, keyed and in key order. */
  private synchronized Map<Long, int[]> touchSessions(List<int[]> touched) {
    // in key order, so concurrent writers lock rows in the same order
    Map<Long, int[]> created = new TreeMap<>();
    for (int[] session : touched) {
      long key = sessionKey(session[0], session[1], session[3]);
      Integer written = touchedSessions.get(key);
      if (written == null) {
        int[] known = created.get(key);
        if (known == null || known[2] < session[2]) {
          created.put(key, session);
        }
      } else if (written < session[2]) {
        touchedSessions.put(key, session[2]);
        pendingRefreshes.put(key, session);
      }
    }
    if (!pendingRefreshes.isEmpty() && !refreshQueued) {
      refreshQueued = true;
      queueSessionWrite(this::writePendingRefreshes);
    }
    return created;
  }

  /** Creates the sessions {@link #sessionsToCreate} returned: an update of existing rows, then an insert of the missing. */
  protected Future<Void> createSessions(SqlClient client, Map<Long, int[]> sessions) {
    if (sessions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> updates = new ArrayList<>();
    List<Tuple> inserts = new ArrayList<>();
    for (int[] session : sessions.values()) {
      updates.add(tuple(reviveSessionParams(session)));
      inserts.add(tuple(insertSessionParams(session)));
    }
    return client.preparedQuery(REVIVE_SESSION).executeBatch(updates)
        .compose(v -> client.preparedQuery(INSERT_MISSING_SESSION).executeBatch(inserts))
        .onSuccess(v -> sessionsCreated(sessions))
        .mapEmpty();
  }

  /** Records that the sessions {@link #sessionsToCreate} returned are written: later messages only refresh them. */
  protected void sessionsCreated(Map<Long, int[]> sessions) {
    if (touchedSessions.size() > MAX_TOUCHED_SESSIONS) {
      touchedSessions.clear();
    }
    sessions.forEach((key, session) -> touchedSessions.merge(key, session[2], Math::max));
  }

  private Future<Void> writePendingRefreshes() {
    List<int[]> sessions;
    synchronized (this) {
      sessions = new ArrayList<>(pendingRefreshes.values());
      pendingRefreshes = new HashMap<>();
      refreshQueued = false;
    }
    sessions.sort(java.util.Comparator.<int[]>comparingInt(s -> s[0]).thenComparingInt(s -> s[1]));
    return inTransaction(conn -> refreshSessions(conn, sessions));
  }

  /** Sets the time of existing sessions ({userId, peerId, time, type} each) and un-removes them. */
  protected Future<Void> refreshSessions(SqlClient client, List<int[]> sessions) {
    List<Tuple> updates = new ArrayList<>(sessions.size());
    for (int[] session : sessions) {
      updates.add(tuple(reviveSessionParams(session)));
    }
    return client.preparedQuery(REVIVE_SESSION).executeBatch(updates).mapEmpty();
  }

  /**
   * Runs {@code write} after every session write queued before it. A failure is logged and does not
   * stop the writes after it: the messages it concerns are stored already.
   */
  protected synchronized Future<Void> queueSessionWrite(Supplier<Future<Void>> write) {
    Future<Void> done = sessionWrites.transform(previous -> write.get()).recover(failure -> {
      log.warn("writing recent sessions failed: {}", failure.getMessage());
      return Future.succeededFuture();
    });
    sessionWrites = done;
    return done;
  }

  /** Completes once every session write queued so far is done; session reads and removals wait for it. */
  protected synchronized Future<Void> sessionWritesDone() {
    return sessionWrites;
  }

  /** User and peer ids are below 2^31, so the sign bit is free to tell group sessions from single ones. */
  private static long sessionKey(int userId, int peerId, int type) {
    long key = ((long) userId << 32) | (peerId & 0xffffffffL);
    return type == SESSION_TYPE_GROUP ? key | Long.MIN_VALUE : key;
  }

  /** Unread increments of a batch: receiver -> sender -> messages. */
  protected static Map<Integer, Map<Integer, Integer>> unreadIncrements(List<MessageRecord> messages) {
    Map<Integer, Map<Integer, Integer>> increments = new LinkedHashMap<>();
    for (MessageRecord m : messages) {
      increments.computeIfAbsent(m.toUserId(), u -> new LinkedHashMap<>()).merge(m.fromUserId(), 1, Integer::sum);
    }
    return increments;
  }

  /** The batch's messages with the ids the backend allocated. */
  protected static List<MessageRecord> withIds(List<PendingMessage> batch, int[] ids) {
    List<MessageRecord> records = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PendingMessage m = batch.get(i);
      records.add(new MessageRecord(ids[i], m.fromUserId(), m.toUserId(), m.createTime(), m.msgType(), m.msgData()));
    }
    return records;
  }

  private static Tuple tuple(int[] values) {
    Tuple tuple = Tuple.tuple();
    for (int value : values) {
      tuple.addInteger(value);
    }
    return tuple;
  }

  /**
   * Messages of a relation or group, newest first: those matching {@code conditions} (each starting
   * with " AND ", their params in {@code params}), at most {@code limit}.
   */
  private Future<List<MessageRecord>> selectMessages(MessageKind kind, int id, String conditions, List<Object> params,
                                                     int limit) {
    List<Object> values = new ArrayList<>(params.size() + 2);
    values.add(id);
    values.addAll(params);
    values.add(limit);
    return pool.preparedQuery("SELECT " + kind.selectColumns + " FROM " + kind.table(id) + " WHERE " + kind.keyColumn
            + " = ? AND status = 0" + conditions + " ORDER BY msgId DESC LIMIT ?")
        .execute(Tuple.wrap(values)).compose(this::messagesOf);
  }

  /** The messages with these ids (and {@code conditions}), newest first and at most 100, as TeamTalk's MessageModel answers. */
  private Future<List<MessageRecord>> selectMessagesByIds(MessageKind kind, int id, String conditions,
                                                          List<Object> params, Collection<Integer> msgIds) {
    List<Object> values = new ArrayList<>(params);
    List<Integer> ids = new ArrayList<>(new HashSet<>(msgIds));
    values.addAll(ids.subList(0, Math.min(ids.size(), MAX_MESSAGES_BY_ID)));
    return selectMessages(kind, id, conditions + " AND msgId IN (" + placeholders(values.size() - params.size()) + ")",
        values, MAX_MESSAGES_BY_ID);
  }

  private Future<MessageRecord> latestMessage(MessageKind kind, int id) {
    return selectMessages(kind, id, "", List.of(), 1).map(list -> list.isEmpty() ? null : list.get(0));
  }

  /**
   * Runs {@code select} (which ends in "IN (") with {@code leading} params and then one chunk of
   * {@link #IN_CHUNK} {@code values} at a time; the rows of all chunks.
   */
  static Future<List<Row>> selectIn(SqlClient client, String select, List<?> leading, List<?> values) {
    List<Future<RowSet<Row>>> chunks = new ArrayList<>();
    for (int from = 0; from < values.size(); from += IN_CHUNK) {
      List<?> chunk = values.subList(from, Math.min(values.size(), from + IN_CHUNK));
      List<Object> params = new ArrayList<>(leading);
      params.addAll(chunk);
      chunks.add(client.preparedQuery(select + placeholders(chunk.size()) + ")").execute(Tuple.wrap(params)));
    }
    return Future.all(chunks).map(all -> {
      List<Row> rows = new ArrayList<>();
      chunks.forEach(chunk -> chunk.result().forEach(rows::add));
      return rows;
    });
  }

  /** Maps message rows, fetching the bytes of audio messages from tt_audio_data. */
  private Future<List<MessageRecord>> messagesOf(RowSet<Row> rows) {
    List<Future<MessageRecord>> messages = new ArrayList<>();
    for (Row row : rows) {
      int msgId = row.getInteger(0);
      int from = row.getInteger(1);
      int to = row.getInteger(2);
      int created = row.getInteger(3);
      int type = row.getInteger(4);
      String content = row.getString(5);
      if (AudioContent.isAudio(type)) {
        messages.add(audioBytes(content).map(bytes -> new MessageRecord(msgId, from, to, created, type, bytes)));
      } else {
        messages.add(Future.succeededFuture(new MessageRecord(msgId, from, to, created, type,
            content == null ? new byte[0] : content.getBytes(StandardCharsets.UTF_8))));
      }
    }
    return Future.all(messages).map(all -> messages.stream().map(Future::result).toList());
  }

  private Future<byte[]> audioBytes(String audioId) {
    int id;
    try {
      id = Integer.parseInt(audioId.trim());
    } catch (RuntimeException e) {
      return Future.succeededFuture(new byte[0]);
    }
    return pool.preparedQuery("SELECT a.duration, d.data FROM IMAudio a LEFT JOIN tt_audio_data d ON d.audioId = a.id"
            + " WHERE a.id = ?")
        .execute(Tuple.of(id)).map(rows -> {
          if (rows.size() == 0) {
            return new byte[0];
          }
          Row row = rows.iterator().next();
          Buffer data = row.getValue(1) == null ? Buffer.buffer() : row.getBuffer(1);
          return AudioContent.join(row.getInteger(0), data.getBytes());
        });
  }

  // ---- helpers

  protected static int now() {
    return (int) (System.currentTimeMillis() / 1000);
  }

  static String placeholders(int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      text.append(i == 0 ? "?" : ", ?");
    }
    return text.toString();
  }

  private static <T> List<T> map(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(row -> list.add(mapper.apply(row)));
    return list;
  }

  private static UserRecord user(Row row) {
    return new UserRecord(row.getInteger(0), row.getString(1), row.getString(2), row.getString(3),
        intOrZero(row, 4), row.getString(5), row.getString(6), row.getString(7), intOrZero(row, 8),
        intOrZero(row, 9), row.getString(10), intOrZero(row, 11));
  }

  private static DepartmentRecord department(Row row) {
    return new DepartmentRecord(row.getInteger(0), row.getString(1), intOrZero(row, 2), intOrZero(row, 3),
        intOrZero(row, 4), intOrZero(row, 5));
  }

  private static int intOrZero(Row row, int column) {
    return row.getValue(column) == null ? 0 : row.getInteger(column);
  }
}
