package io.ttvertx.store.sql;

import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.SessionRecord;
import io.ttvertx.store.Store;
import io.ttvertx.store.StoreException;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The storage logic shared by the embedded (H2) and MySQL stores, on TeamTalk's tables: IMUser,
 * IMDepart, IMRelationShip (a conversation is a relation between the smaller and the bigger user id),
 * IMMessage_&lt;relateId % 8&gt;, IMRecentSession, IMAudio. Backends differ in where the message-id and
 * unread counters live and in how a message is made durable. Every statement is parameterised.
 */
public abstract class SqlStore implements Store {
  private static final Logger log = LoggerFactory.getLogger(SqlStore.class);
  static final int MESSAGE_TABLES = 8;
  static final int SESSION_TYPE_SINGLE = 1;
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

  private static final String USER_COLUMNS =
      "id, name, domain, nick, sex, phone, email, avatar, departId, status, sign_info, updated";
  private static final String DEPART_COLUMNS = "id, departName, priority, parentId, status, updated";
  private static final String MESSAGE_COLUMNS = "msgId, fromId, toId, created, type, content";

  protected Pool pool;
  private final ArrayDeque<Queued> writeQueue = new ArrayDeque<>();
  private int batchesInFlight;
  /** Completes when the batch written last has answered its messages: batches answer in the order they were taken. */
  private Future<Void> lastBatchAnswered = Future.succeededFuture();
  /** Session writes run one after the other, so they never wait on each other's row locks. */
  private Future<Void> sessionWrites = Future.succeededFuture();
  /** Newer times for sessions that exist, waiting for the next session write: key -> {userId, peerId, time}. */
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

  /** Runs {@code work} in one transaction on one connection of the pool. */
  protected <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** Unread counts of {@code userId}, by peer, for single sessions. */
  protected abstract Future<Map<Integer, Integer>> unreadByPeer(int userId);

  @Override
  public abstract Future<Void> clearUnread(int userId, int peerId);

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
    List<Integer> ids = new ArrayList<>(new HashSet<>(userIds));
    List<Future<RowSet<Row>>> chunks = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      List<Integer> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
      chunks.add(pool.preparedQuery("SELECT " + USER_COLUMNS + " FROM IMUser WHERE id IN (" + placeholders(chunk.size())
          + ")").execute(Tuple.wrap(new ArrayList<Object>(chunk))));
    }
    return Future.all(chunks).map(all -> {
      List<UserRecord> users = new ArrayList<>();
      for (Future<RowSet<Row>> chunk : chunks) {
        chunk.result().forEach(row -> users.add(user(row)));
      }
      return users;
    });
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

  /** A message waiting for the next batch write. */
  protected record PendingMessage(int relateId, int fromUserId, int toUserId, int msgType, byte[] msgData,
                                  int createTime) {
  }

  private record Queued(PendingMessage message, Promise<MessageRecord> promise) {
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
    return relation(fromUserId, toUserId, true).compose(relateId -> {
      Promise<MessageRecord> promise = Promise.promise();
      writeQueue.add(new Queued(new PendingMessage(relateId, fromUserId, toUserId, msgType, msgData, createTime),
          promise));
      writeNextBatch();
      return promise.future();
    });
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

  private void writeNextBatch() {
    if (batchesInFlight >= maxBatchesInFlight() || writeQueue.isEmpty()) {
      return;
    }
    batchesInFlight++;
    int most = maxBatchSize();
    List<Queued> batch = new ArrayList<>(Math.min(writeQueue.size(), most));
    while (batch.size() < most && !writeQueue.isEmpty()) {
      batch.add(writeQueue.poll());
    }
    // a later batch can finish first where several are written at once; its answers wait, so the
    // messages of a conversation are acknowledged and delivered in the order of their ids
    Future<Void> answeredBefore = lastBatchAnswered;
    Promise<Void> answered = Promise.promise();
    lastBatchAnswered = answered.future();
    writeBatch(batch.stream().map(Queued::message).toList()).onComplete(ar -> {
      batchesInFlight--;
      writeNextBatch();
      answeredBefore.onComplete(previous -> {
        for (int i = 0; i < batch.size(); i++) {
          if (ar.succeeded()) {
            batch.get(i).promise().complete(ar.result().get(i));
          } else {
            batch.get(i).promise().fail(ar.cause());
          }
        }
        answered.complete();
      });
    });
  }

  @Override
  public Future<List<MessageRecord>> messages(int userId, int peerId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return relation(userId, peerId, false).compose(relateId -> {
      if (relateId == null) {
        return Future.succeededFuture(List.of());
      }
      String table = messageTable(relateId);
      Future<RowSet<Row>> rows = beginMsgId == 0
          ? pool.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM " + table
              + " WHERE relateId = ? AND status = 0 ORDER BY msgId DESC LIMIT ?").execute(Tuple.of(relateId, count))
          : pool.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM " + table
                  + " WHERE relateId = ? AND status = 0 AND msgId <= ? ORDER BY msgId DESC LIMIT ?")
              .execute(Tuple.of(relateId, beginMsgId, count));
      return rows.compose(this::messagesOf);
    });
  }

  @Override
  public Future<List<MessageRecord>> messagesByIds(int userId, int peerId, Collection<Integer> msgIds) {
    List<Integer> ids = new ArrayList<>(new HashSet<>(msgIds));
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return relation(userId, peerId, false).compose(relateId -> {
      if (relateId == null) {
        return Future.succeededFuture(List.<MessageRecord>of());
      }
      List<Object> params = new ArrayList<>();
      params.add(relateId);
      params.addAll(ids.subList(0, Math.min(ids.size(), MAX_MESSAGES_BY_ID)));
      // newest first and at most 100, as TeamTalk's MessageModel answers
      return pool.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM " + messageTable(relateId)
              + " WHERE relateId = ? AND status = 0 AND msgId IN (" + placeholders(params.size() - 1)
              + ") ORDER BY msgId DESC")
          .execute(Tuple.wrap(params)).compose(this::messagesOf);
    });
  }

  @Override
  public Future<Integer> latestMessageId(int userId, int peerId) {
    return relation(userId, peerId, false).compose(relateId -> relateId == null ? Future.succeededFuture(0)
        : latestMessage(relateId).map(latest -> latest == null ? 0 : latest.msgId()));
  }

  @Override
  public Future<List<UnreadRecord>> unreadCounts(int userId) {
    return unreadByPeer(userId).compose(byPeer -> {
      List<Future<UnreadRecord>> sessions = new ArrayList<>();
      byPeer.forEach((peer, count) -> {
        if (count > 0) {
          sessions.add(relation(userId, peer, false).compose(relateId -> relateId == null
                  ? Future.succeededFuture((MessageRecord) null) : latestMessage(relateId))
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
            Future<MessageRecord> latest = type != SESSION_TYPE_SINGLE ? Future.succeededFuture(null)
                : relation(userId, peer, false).compose(relateId -> relateId == null
                    ? Future.succeededFuture((MessageRecord) null) : latestMessage(relateId));
            sessions.add(latest.map(message -> new SessionRecord(peer, type, row.getInteger(2), row.getInteger(3),
                message)));
          }
          return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
        }));
  }

  @Override
  public Future<Void> removeSession(int userId, int peerId, int sessionType) {
    touchedSessions.remove(sessionKey(userId, peerId));
    return sessionWritesDone().compose(done -> pool.preparedQuery("UPDATE IMRecentSession SET status = 1,"
            + " updated = ? WHERE userId = ? AND peerId = ? AND type = ?")
        .execute(Tuple.of(now(), userId, peerId, sessionType))).mapEmpty();
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
    List<Future<RowSet<Row>>> chunks = new ArrayList<>();
    for (int from = 0; from < names.size(); from += IN_CHUNK) {
      List<String> chunk = names.subList(from, Math.min(names.size(), from + IN_CHUNK));
      chunks.add(conn.preparedQuery("SELECT name FROM IMUser WHERE name IN (" + placeholders(chunk.size()) + ")")
          .execute(Tuple.wrap(new ArrayList<Object>(chunk))));
    }
    return Future.all(chunks).map(all -> {
      List<String> existing = new ArrayList<>();
      chunks.forEach(chunk -> chunk.result().forEach(row -> existing.add(row.getString(0))));
      return existing;
    });
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

  protected static String messageTable(int relateId) {
    return "IMMessage_" + (relateId % MESSAGE_TABLES);
  }

  /**
   * Inserts the message rows of a batch through {@code client}, several rows per statement; audio
   * messages first get their IMAudio row and bytes, and their content is the audio id (as in TeamTalk).
   */
  protected Future<Void> insertMessages(SqlClient client, List<MessageRecord> messages, List<Integer> relateIds) {
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
      Map<String, List<Tuple>> rowsByTable = new LinkedHashMap<>();
      for (int i = 0; i < messages.size(); i++) {
        MessageRecord m = messages.get(i);
        int relateId = relateIds.get(i);
        rowsByTable.computeIfAbsent(messageTable(relateId), t -> new ArrayList<>()).add(Tuple.of(relateId,
            m.fromUserId(), m.toUserId(), m.msgId(), contents.get(i).result(), m.msgType(), m.createTime(),
            m.createTime()));
      }
      List<Future<?>> inserts = new ArrayList<>();
      rowsByTable.forEach((table, rows) -> inserts.add(insertMessageRows(client, table, rows)));
      return Future.all(inserts).mapEmpty();
    });
  }

  /** Params: updated, userId, peerId. */
  static final String REVIVE_SESSION = "UPDATE IMRecentSession SET status = 0, updated = ? WHERE userId = ?"
      + " AND peerId = ? AND type = " + SESSION_TYPE_SINGLE;
  /** Params: userId, peerId, created, updated, userId, peerId. */
  static final String INSERT_MISSING_SESSION = "INSERT INTO IMRecentSession (userId, peerId, type, status, created,"
      + " updated) SELECT ?, ?, " + SESSION_TYPE_SINGLE + ", 0, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM"
      + " IMRecentSession WHERE userId = ? AND peerId = ? AND type = " + SESSION_TYPE_SINGLE + ")";
  /** Params: fromId, toId, size, duration, created. */
  static final String INSERT_AUDIO = "INSERT INTO IMAudio (fromId, toId, path, size, duration, created)"
      + " VALUES (?, ?, '', ?, ?, ?)";
  static final String INSERT_AUDIO_DATA = "INSERT INTO tt_audio_data (audioId, data) VALUES (?, ?)";
  static final String MESSAGE_INSERT_COLUMNS = " (relateId, fromId, toId, msgId, content, type, status, updated, created)";
  static final String MESSAGE_INSERT_ROW = "(?, ?, ?, ?, ?, ?, 0, ?, ?)";

  /**
   * Inserts message rows ({relateId, fromId, toId, msgId, content, type, updated, created}) into one
   * table: multi-row INSERTs, one round trip per {@link #ROWS_PER_INSERT} rows.
   */
  protected Future<Void> insertMessageRows(SqlClient client, String table, List<Tuple> rows) {
    List<Future<?>> inserts = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
      List<Tuple> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
      inserts.add(client.preparedQuery("INSERT INTO " + table + MESSAGE_INSERT_COLUMNS + " VALUES "
              + String.join(", ", java.util.Collections.nCopies(chunk.size(), MESSAGE_INSERT_ROW)))
          .execute(flatten(chunk)));
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

  /**
   * Makes each conversation of the batch the latest session of both its users, un-removing it
   * (TeamTalk SessionModel). Returns the sessions this store has not written since it started (or
   * since they were removed): the batch's write must create or un-remove those, with
   * {@link #createSessions}. The others only need a newer time; that is queued and written shortly
   * after, off the path of the acknowledgements, and reads of sessions wait for it. A session is
   * written at most once per second.
   */
  protected synchronized Map<Long, int[]> sessionsToCreate(List<MessageRecord> messages) {
    // in key order, so concurrent writers lock rows in the same order
    Map<Long, int[]> created = new TreeMap<>();
    for (MessageRecord m : messages) {
      for (int[] pair : new int[][] {{m.fromUserId(), m.toUserId()}, {m.toUserId(), m.fromUserId()}}) {
        long key = sessionKey(pair[0], pair[1]);
        Integer written = touchedSessions.get(key);
        if (written == null) {
          int[] known = created.get(key);
          if (known == null || known[2] < m.createTime()) {
            created.put(key, new int[] {pair[0], pair[1], m.createTime()});
          }
        } else if (written < m.createTime()) {
          touchedSessions.put(key, m.createTime());
          pendingRefreshes.put(key, new int[] {pair[0], pair[1], m.createTime()});
        }
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
      updates.add(Tuple.of(session[2], session[0], session[1]));
      inserts.add(Tuple.of(session[0], session[1], session[2], session[2], session[0], session[1]));
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

  /** Sets the time of existing single sessions ({userId, peerId, time} each) and un-removes them. */
  protected Future<Void> refreshSessions(SqlClient client, List<int[]> sessions) {
    List<Tuple> updates = new ArrayList<>(sessions.size());
    for (int[] session : sessions) {
      updates.add(Tuple.of(session[2], session[0], session[1]));
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

  private static long sessionKey(int userId, int peerId) {
    return ((long) userId << 32) | (peerId & 0xffffffffL);
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

  private static Tuple flatten(List<Tuple> rows) {
    List<Object> values = new ArrayList<>(rows.size() * 8);
    for (Tuple row : rows) {
      for (int i = 0; i < row.size(); i++) {
        values.add(row.getValue(i));
      }
    }
    return Tuple.wrap(values);
  }

  private Future<MessageRecord> latestMessage(int relateId) {
    return pool.preparedQuery("SELECT " + MESSAGE_COLUMNS + " FROM " + messageTable(relateId)
            + " WHERE relateId = ? AND status = 0 ORDER BY msgId DESC LIMIT 1")
        .execute(Tuple.of(relateId)).compose(this::messagesOf)
        .map(list -> list.isEmpty() ? null : list.get(0));
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
