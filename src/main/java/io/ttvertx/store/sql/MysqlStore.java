package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.MessageRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MySQL/MariaDB through vertx-mysql-client plus Redis, laid out exactly as TeamTalk's db_proxy_server
 * lays them out, so an existing TeamTalk deployment works as it is: TeamTalk's tables (created when
 * missing, with TeamTalk's definitions), message ids from Redis {@code INCR msg_id_<relateId>} and
 * unread counts in the Redis hash {@code unread_<toUserId>} field {@code <fromUserId>}. Groups as
 * TeamTalk's GroupModel and GroupMessageModel keep them: members in the hash
 * {@code group_member_<groupId>} (user id -> join time; IMGroupMember holds them durably too), message
 * ids from {@code INCRBY group_msg_id_<groupId>}, the group's message count in
 * {@code <groupId>_im_group_msg} and each member's read count in {@code <userId>_<groupId>_im_user_group}
 * (field {@code count}; unread is their difference), push shields in {@code group_set_<groupId>} field
 * {@code <userId>_1}.
 * Two tables of our own: tt_audio_data (audio bytes, which TeamTalk sends to msfs) and IMTransmitFile
 * (offline files, read by TeamTalk's code but missing from its ttopen.sql).
 */
public final class MysqlStore extends SqlStore {
  private static final Logger log = LoggerFactory.getLogger(MysqlStore.class);
  private static final int INSERT_ATTEMPTS = 3;
  /** Statements a connection sends before it waits for answers (executeBatch, and the multi-row inserts). */
  private static final int MYSQL_PIPELINING = 32;
  private static final int IOS = 0x11;
  private static final int ANDROID = 0x12;
  /** The field of TeamTalk's group and read counts. */
  private static final String COUNT_FIELD = "count";
  /** TeamTalk's IM_GROUP_SETTING_PUSH, the field suffix of a member's push shield in group_set_<groupId>. */
  private static final String PUSH_SETTING = "_1";

  private final Vertx vertx;
  private final StoreOptions options;
  private Redis redisClient;
  private RedisAPI redis;
  /** Conversations and groups whose Redis id counter this process has checked (see restoreLostCounters). */
  private final Map<MessageKind, Set<Integer>> checkedCounters = Map.of(
      MessageKind.SINGLE, ConcurrentHashMap.newKeySet(), MessageKind.GROUP, ConcurrentHashMap.newKeySet());
  private Future<Void> idAllocations = Future.succeededFuture();

  public MysqlStore(Vertx vertx, StoreOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  @Override
  protected Vertx vertx() {
    return vertx;
  }

  @Override
  protected Future<Void> connect() {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(options.mysqlHost())
        .setPort(options.mysqlPort())
        .setDatabase(options.mysqlDatabase())
        .setUser(options.mysqlUser())
        .setPassword(options.mysqlPassword())
        .setCharset("utf8mb4")
        .setCachePreparedStatements(true)
        .setPipeliningLimit(MYSQL_PIPELINING);
    pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(options.mysqlPoolSize()))
        .connectingTo(connect).using(vertx).build();
    StringBuilder redisUrl = new StringBuilder("redis://");
    if (!options.redisPassword().isEmpty()) {
      redisUrl.append(':').append(options.redisPassword()).append('@');
    }
    redisUrl.append(options.redisHost()).append(':').append(options.redisPort()).append('/')
        .append(options.redisDatabase());
    redisClient = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl.toString())
        .setMaxPoolSize(options.redisPoolSize()).setMaxPoolWaiting(10_000));
    redis = RedisAPI.api(redisClient);
    return redis.ping(List.of()).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    if (redisClient != null) {
      redisClient.close();
    }
    return super.close();
  }

  @Override
  protected List<String> schema() {
    String options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    List<String> tables = new ArrayList<>(List.of(
        "CREATE TABLE IF NOT EXISTS IMUser (`id` int(11) unsigned NOT NULL AUTO_INCREMENT,"
            + " `sex` tinyint(1) unsigned NOT NULL DEFAULT '0', `name` varchar(32) NOT NULL DEFAULT '',"
            + " `domain` varchar(32) NOT NULL DEFAULT '', `nick` varchar(32) NOT NULL DEFAULT '',"
            + " `password` varchar(32) NOT NULL DEFAULT '', `salt` varchar(4) NOT NULL DEFAULT '',"
            + " `phone` varchar(11) NOT NULL DEFAULT '', `email` varchar(64) NOT NULL DEFAULT '',"
            + " `avatar` varchar(255) DEFAULT '', `departId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(2) unsigned DEFAULT '0', `created` int(11) unsigned NOT NULL,"
            + " `updated` int(11) unsigned NOT NULL, `push_shield_status` tinyint(1) unsigned NOT NULL DEFAULT '0',"
            + " `sign_info` varchar(128) NOT NULL DEFAULT '', PRIMARY KEY (`id`), KEY `idx_domain` (`domain`),"
            + " KEY `idx_name` (`name`), KEY `idx_phone` (`phone`))" + options,
        "CREATE TABLE IF NOT EXISTS IMDepart (`id` int(11) unsigned NOT NULL AUTO_INCREMENT,"
            + " `departName` varchar(64) NOT NULL DEFAULT '', `priority` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `parentId` int(11) unsigned NOT NULL, `status` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL, `updated` int(11) unsigned NOT NULL, PRIMARY KEY (`id`),"
            + " KEY `idx_departName` (`departName`), KEY `idx_priority_status` (`priority`,`status`))" + options,
        "CREATE TABLE IF NOT EXISTS IMRelationShip (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `smallId` int(11) unsigned NOT NULL, `bigId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(1) unsigned DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', PRIMARY KEY (`id`),"
            + " KEY `idx_smallId_bigId_status_updated` (`smallId`,`bigId`,`status`,`updated`))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8",
        "CREATE TABLE IF NOT EXISTS IMRecentSession (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `userId` int(11) unsigned NOT NULL, `peerId` int(11) unsigned NOT NULL,"
            + " `type` tinyint(1) unsigned DEFAULT '0', `status` tinyint(1) unsigned DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_userId_peerId_status_updated` (`userId`,`peerId`,`status`,`updated`),"
            + " KEY `idx_userId_peerId_type` (`userId`,`peerId`,`type`)) ENGINE=InnoDB DEFAULT CHARSET=utf8",
        "CREATE TABLE IF NOT EXISTS IMAudio (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `fromId` int(11) unsigned NOT NULL, `toId` int(11) unsigned NOT NULL, `path` varchar(255) DEFAULT '',"
            + " `size` int(11) unsigned NOT NULL DEFAULT '0', `duration` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL, PRIMARY KEY (`id`), KEY `idx_fromId_toId` (`fromId`,`toId`))"
            + options,
        "CREATE TABLE IF NOT EXISTS tt_audio_data (`audioId` int(11) NOT NULL, `data` mediumblob NOT NULL,"
            + " PRIMARY KEY (`audioId`)) ENGINE=InnoDB",
        "CREATE TABLE IF NOT EXISTS IMTransmitFile (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `fromId` int(11) unsigned NOT NULL, `toId` int(11) unsigned NOT NULL,"
            + " `fileName` varchar(255) NOT NULL DEFAULT '', `size` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `taskId` varchar(64) NOT NULL DEFAULT '', `status` tinyint(1) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_toId_status` (`toId`,`status`))" + options,
        "CREATE TABLE IF NOT EXISTS IMGroup (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `name` varchar(256) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
            + " `avatar` varchar(256) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
            + " `creator` int(11) unsigned NOT NULL DEFAULT '0', `type` tinyint(3) unsigned NOT NULL DEFAULT '1',"
            + " `userCnt` int(11) unsigned NOT NULL DEFAULT '0', `status` tinyint(3) unsigned NOT NULL DEFAULT '1',"
            + " `version` int(11) unsigned NOT NULL DEFAULT '1', `lastChated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_name` (`name`(191)), KEY `idx_creator` (`creator`))" + options,
        "CREATE TABLE IF NOT EXISTS IMGroupMember (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `groupId` int(11) unsigned NOT NULL, `userId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(4) unsigned NOT NULL DEFAULT '1', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', PRIMARY KEY (`id`),"
            + " KEY `idx_groupId_userId_status` (`groupId`,`userId`,`status`),"
            + " KEY `idx_userId_status_updated` (`userId`,`status`,`updated`),"
            + " KEY `idx_groupId_updated` (`groupId`,`updated`)) ENGINE=InnoDB DEFAULT CHARSET=utf8"));
    for (int i = 0; i < MESSAGE_TABLES; i++) {
      tables.add("CREATE TABLE IF NOT EXISTS IMMessage_" + i + " (`id` int(11) NOT NULL AUTO_INCREMENT,"
          + " `relateId` int(11) unsigned NOT NULL, `fromId` int(11) unsigned NOT NULL,"
          + " `toId` int(11) unsigned NOT NULL, `msgId` int(11) unsigned NOT NULL,"
          + " `content` varchar(4096) DEFAULT '', `type` tinyint(2) unsigned NOT NULL DEFAULT '1',"
          + " `status` tinyint(1) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL,"
          + " `created` int(11) unsigned NOT NULL, PRIMARY KEY (`id`),"
          + " KEY `idx_relateId_status_created` (`relateId`,`status`,`created`),"
          + " KEY `idx_relateId_status_msgId_created` (`relateId`,`status`,`msgId`,`created`),"
          + " KEY `idx_fromId_toId_created` (`fromId`,`toId`,`status`))" + options);
      tables.add("CREATE TABLE IF NOT EXISTS IMGroupMessage_" + i + " (`id` int(11) NOT NULL AUTO_INCREMENT,"
          + " `groupId` int(11) unsigned NOT NULL, `userId` int(11) unsigned NOT NULL,"
          + " `msgId` int(11) unsigned NOT NULL, `content` varchar(4096) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
          + " `type` tinyint(3) unsigned NOT NULL DEFAULT '2', `status` int(11) unsigned NOT NULL DEFAULT '0',"
          + " `updated` int(11) unsigned NOT NULL DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
          + " PRIMARY KEY (`id`), KEY `idx_groupId_status_created` (`groupId`,`status`,`created`),"
          + " KEY `idx_groupId_msgId_status_created` (`groupId`,`msgId`,`status`,`created`))" + options);
    }
    return tables;
  }

  /** Ids come from Redis before the transaction, so several batches can be written at once. */
  @Override
  protected int maxBatchesInFlight() {
    return 4;
  }

  @Override
  protected Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params)
        .map(rows -> rows.property(MySQLClient.LAST_INSERTED_ID).intValue());
  }

  /**
   * A batch takes its ids from TeamTalk's Redis counters, its messages are written in one MySQL
   * transaction (one commit for the batch), its recent sessions updated, and it is then counted
   * unread in Redis (pipelined HINCRBY). Ids taken are kept if the transaction has to be retried, so
   * no gap appears in normal operation.
   */
  @Override
  protected Future<List<MessageRecord>> writeBatch(List<PendingMessage> batch) {
    List<Integer> relateIds = batch.stream().map(PendingMessage::relateId).toList();
    return allocateIds(MessageKind.SINGLE, batch).compose(records -> writeWithRetry(records.size(),
            conn -> insertMessages(conn, MessageKind.SINGLE, records, relateIds), 1)
        .compose(v -> touchSessionsInOrder(sessionsToCreate(records))).compose(v -> {
          List<Request> unread = new ArrayList<>();
          unreadIncrements(records).forEach((to, byFrom) -> byFrom.forEach((from, count) ->
              unread.add(Request.cmd(Command.HINCRBY).arg("unread_" + to).arg(from).arg(count))));
          return redisClient.batch(unread);
        }).map(v -> records));
  }

  /**
   * As {@link #writeBatch}, with IMGroup.lastChated set in the transaction; then each group's count
   * grows by its messages and each sender's read count becomes the count up to their last message.
   */
  @Override
  protected Future<List<MessageRecord>> writeGroupBatch(List<PendingMessage> batch) {
    List<Integer> groupIds = batch.stream().map(PendingMessage::relateId).toList();
    return allocateIds(MessageKind.GROUP, batch).compose(records -> writeWithRetry(records.size(),
            conn -> insertMessages(conn, MessageKind.GROUP, records, groupIds)
                .compose(v -> updateLastChated(conn, records)), 1)
        .compose(v -> touchSessionsInOrder(groupSessionsToCreate(records)))
        .compose(v -> countGroupMessages(records))
        .map(v -> records));
  }

  /**
   * The batch's ids from TeamTalk's Redis counters, one pipelined INCRBY per conversation or group.
   * Batches take their ids one after the other, so a later batch never gets smaller ids.
   */
  private Future<List<MessageRecord>> allocateIds(MessageKind kind, List<PendingMessage> batch) {
    Map<Integer, Integer> perCounter = new LinkedHashMap<>();
    batch.forEach(m -> perCounter.merge(m.relateId(), 1, Integer::sum));
    Future<List<Response>> allocated = idAllocations.transform(previous -> restoreLostCounters(kind, perCounter.keySet())
        .compose(v -> redisClient.batch(perCounter.entrySet().stream()
            .map(e -> Request.cmd(Command.INCRBY).arg(counterKey(kind, e.getKey())).arg(e.getValue())).toList())));
    idAllocations = allocated.transform(ar -> Future.succeededFuture());
    return allocated.map(responses -> {
      Map<Integer, Integer> next = new HashMap<>();
      int i = 0;
      for (Map.Entry<Integer, Integer> entry : perCounter.entrySet()) {
        next.put(entry.getKey(), responses.get(i++).toInteger() - entry.getValue() + 1);
      }
      int[] ids = new int[batch.size()];
      for (int m = 0; m < ids.length; m++) {
        int counter = batch.get(m).relateId();
        ids[m] = next.get(counter);
        next.put(counter, ids[m] + 1);
      }
      return withIds(batch, ids);
    });
  }

  /** TeamTalk's id counters: msg_id_<relateId> (MessageModel) and group_msg_id_<groupId> (GroupMessageModel). */
  private static String counterKey(MessageKind kind, int id) {
    return (kind == MessageKind.SINGLE ? "msg_id_" : "group_msg_id_") + id;
  }

  private static String membersKey(int groupId) {
    return "group_member_" + groupId;
  }

  private static String groupCountKey(int groupId) {
    return groupId + "_im_group_msg";
  }

  private static String readCountKey(int userId, int groupId) {
    return userId + "_" + groupId + "_im_user_group";
  }

  /**
   * TeamTalk GroupMessageModel::incMessageCount: HINCRBY of the group's count, then the sender's read
   * count set to it. Here once per batch: a sender's read count is the group's count up to their last
   * message of the batch.
   */
  private Future<Void> countGroupMessages(List<MessageRecord> records) {
    Map<Integer, Map<Integer, Integer>> lastSent = lastSentBySender(records);
    Map<Integer, Integer> perGroup = new LinkedHashMap<>();
    lastSent.keySet().forEach(groupId -> perGroup.put(groupId, 0));
    records.forEach(m -> perGroup.merge(m.toUserId(), 1, Integer::sum));
    return redisClient.batch(perGroup.entrySet().stream().map(e -> Request.cmd(Command.HINCRBY)
        .arg(groupCountKey(e.getKey())).arg(COUNT_FIELD).arg(e.getValue())).toList()).compose(totals -> {
          List<Request> readCounts = new ArrayList<>();
          int i = 0;
          for (int groupId : perGroup.keySet()) {
            long total = totals.get(i++).toLong();
            Map<Integer, Integer> senders = lastSent.get(groupId);
            int newest = java.util.Collections.max(senders.values());
            senders.forEach((sender, last) -> readCounts.add(Request.cmd(Command.HSET)
                .arg(readCountKey(sender, groupId)).arg(COUNT_FIELD).arg(total - (newest - last))));
          }
          return redisClient.batch(readCounts);
        }).mapEmpty();
  }

  private Future<Void> writeWithRetry(int count, java.util.function.Function<SqlConnection, Future<Void>> write,
                                      int attempt) {
    return inTransaction(write).recover(failure -> {
      if (attempt >= INSERT_ATTEMPTS) {
        return Future.failedFuture(failure);
      }
      log.warn("storing a batch of {} messages failed (attempt {}): {}", count, attempt, failure.getMessage());
      return writeWithRetry(count, write, attempt + 1);
    });
  }

  /**
   * Sessions are created after the batch's messages are committed, one session write at a time:
   * batches written in parallel would otherwise deadlock on IMRecentSession rows (TeamTalk's table
   * has no unique key to upsert on). A failure here leaves the messages stored and acknowledged.
   */
  private Future<Void> touchSessionsInOrder(Map<Long, int[]> created) {
    return created.isEmpty() ? Future.succeededFuture()
        : queueSessionWrite(() -> this.<Void>inTransaction(conn -> createSessions(conn, created)));
  }

  /** One statement per second written, instead of a round trip per session. */
  @Override
  protected Future<Void> refreshSessions(SqlClient client, List<int[]> sessions) {
    // by type, then time: {type, time} packed in a long
    Map<Long, List<int[]>> byTypeAndTime = new TreeMap<>();
    sessions.forEach(session -> byTypeAndTime.computeIfAbsent(((long) session[3] << 32) | session[2],
        t -> new ArrayList<>()).add(session));
    List<Future<?>> updates = new ArrayList<>();
    byTypeAndTime.forEach((typeAndTime, group) -> {
      for (int from = 0; from < group.size(); from += IN_CHUNK) {
        List<int[]> chunk = group.subList(from, Math.min(group.size(), from + IN_CHUNK));
        List<Object> params = new ArrayList<>(2 + 2 * chunk.size());
        params.add(typeAndTime.intValue());
        params.add((int) (typeAndTime >>> 32));
        chunk.forEach(session -> {
          params.add(session[0]);
          params.add(session[1]);
        });
        updates.add(client.preparedQuery("UPDATE IMRecentSession SET status = 0, updated = ? WHERE type = ?"
                + " AND (userId, peerId) IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "(?, ?)"))
                + ")")
            .execute(Tuple.wrap(params)));
      }
    });
    return Future.all(updates).mapEmpty();
  }

  /**
   * The first time this process uses a conversation or group, a missing Redis counter (Redis lost its
   * data) is set, if still missing, to the largest stored id, so new ids never repeat old ones.
   */
  private Future<Void> restoreLostCounters(MessageKind kind, Collection<Integer> ids) {
    Set<Integer> checked = checkedCounters.get(kind);
    List<Future<?>> checks = new ArrayList<>();
    for (int id : ids) {
      if (checked.contains(id)) {
        continue;
      }
      checks.add(pool.preparedQuery("SELECT MAX(msgId) FROM " + kind.table(id) + " WHERE " + kind.keyColumn + " = ?")
          .execute(Tuple.of(id))
          .compose(rows -> {
            Object max = rows.iterator().next().getValue(0);
            int stored = max == null ? 0 : ((Number) max).intValue();
            return stored == 0 ? Future.<Void>succeededFuture()
                : redis.set(List.of(counterKey(kind, id), Integer.toString(stored), "NX")).<Void>mapEmpty();
          })
          .onSuccess(v -> checked.add(id)));
    }
    return Future.all(checks).mapEmpty();
  }

  @Override
  protected Future<Map<Integer, Integer>> unreadByPeer(int userId) {
    return redis.hgetall("unread_" + userId).map(response -> intHash(response, "unread_" + userId));
  }

  /** A Redis hash of integer fields and values; malformed entries are logged and left out. */
  private static Map<Integer, Integer> intHash(Response response, String key) {
    Map<Integer, Integer> values = new HashMap<>();
    if (response != null) {
      for (String field : response.getKeys()) {
        try {
          values.put(Integer.parseInt(field), response.get(field).toInteger());
        } catch (NumberFormatException e) {
          log.warn("ignoring malformed entry {} of {}", field, key);
        }
      }
    }
    return values;
  }

  // ---- groups

  /**
   * TeamTalk treats {@code group_member_<groupId>} as the members (GroupModel::getGroupUser); when
   * Redis lost a group's hash it is written again from IMGroupMember before answering.
   */
  @Override
  protected Future<Map<Integer, Map<Integer, Integer>>> groupMembers(Collection<Integer> groupIds) {
    List<Integer> ids = new ArrayList<>(new java.util.HashSet<>(groupIds));
    if (ids.isEmpty()) {
      return Future.succeededFuture(new HashMap<>());
    }
    return redisClient.batch(ids.stream().map(id -> Request.cmd(Command.HGETALL).arg(membersKey(id))).toList())
        .compose(responses -> {
          Map<Integer, Map<Integer, Integer>> members = new HashMap<>();
          List<Integer> lost = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            Map<Integer, Integer> hash = intHash(responses.get(i), membersKey(ids.get(i)));
            if (hash.isEmpty()) {
              lost.add(ids.get(i));
            } else {
              members.put(ids.get(i), hash);
            }
          }
          return lost.isEmpty() ? Future.succeededFuture(members) : rebuildMembers(lost).map(rebuilt -> {
            members.putAll(rebuilt);
            return members;
          });
        });
  }

  /**
   * Writes lost member hashes again. Redis lost the groups' other keys with them, the id counter among
   * them: it is restored (see restoreLostCounters) before the groups' next message.
   */
  private Future<Map<Integer, Map<Integer, Integer>>> rebuildMembers(List<Integer> groupIds) {
    checkedCounters.get(MessageKind.GROUP).removeAll(groupIds);
    return super.groupMembers(groupIds).compose(stored -> {
      List<Request> writes = new ArrayList<>();
      stored.forEach((groupId, members) -> {
        log.info("group {} had no members in Redis: {} written again from IMGroupMember", groupId, members.size());
        writes.add(hset(membersKey(groupId), members));
      });
      return writes.isEmpty() ? Future.succeededFuture(stored) : redisClient.batch(writes).map(stored);
    });
  }

  private static Request hset(String key, Map<Integer, Integer> values) {
    Request hset = Request.cmd(Command.HSET).arg(key);
    values.forEach((field, value) -> hset.arg(field).arg(value));
    return hset;
  }

  @Override
  protected Future<Integer> memberJoinTime(int groupId, int userId) {
    return redis.hget(membersKey(groupId), Integer.toString(userId)).compose(joined -> joined != null
        ? Future.succeededFuture(joined.toInteger())
        : groupMembers(List.of(groupId)).map(members -> members.getOrDefault(groupId, Map.of()).get(userId)));
  }

  /**
   * TeamTalk GroupModel::insertNewGroup and insertNewMember: the members' hash, and message ids that
   * start again at 1 (group_msg_id_ set to 0); the group's and members' counts start at 0.
   */
  @Override
  protected Future<Void> groupCreated(int groupId, Collection<Integer> members, int joined) {
    Map<Integer, Integer> joinTimes = new HashMap<>();
    members.forEach(user -> joinTimes.put(user, joined));
    List<Request> writes = new ArrayList<>();
    writes.add(Request.cmd(Command.SET).arg(counterKey(MessageKind.GROUP, groupId)).arg(0));
    writes.add(Request.cmd(Command.DEL).arg(membersKey(groupId)));
    writes.add(hset(membersKey(groupId), joinTimes));
    writes.add(Request.cmd(Command.HSET).arg(groupCountKey(groupId)).arg(COUNT_FIELD).arg(0));
    members.forEach(user -> writes.add(Request.cmd(Command.HSET).arg(readCountKey(user, groupId)).arg(COUNT_FIELD)
        .arg(0)));
    return redisClient.batch(writes).onSuccess(v -> checkedCounters.get(MessageKind.GROUP).add(groupId)).mapEmpty();
  }

  /**
   * The change applied to the members' hash; a lost hash is first written again from IMGroupMember,
   * which holds the change already (it is committed).
   */
  @Override
  protected Future<Void> groupMembersChanged(int groupId, Collection<Integer> added, Collection<Integer> removed,
                                             int time) {
    return groupMembers(List.of(groupId)).compose(present -> {
      List<Request> writes = new ArrayList<>();
      if (!added.isEmpty()) {
        Map<Integer, Integer> joinTimes = new HashMap<>();
        added.forEach(user -> joinTimes.put(user, time));
        writes.add(hset(membersKey(groupId), joinTimes));
      }
      if (!removed.isEmpty()) {
        Request hdel = Request.cmd(Command.HDEL).arg(membersKey(groupId));
        removed.forEach(hdel::arg);
        writes.add(hdel);
      }
      return redisClient.batch(writes);
    }).mapEmpty();
  }

  /** TeamTalk GroupMessageModel::clearMessageCount: the group's count copied to the user's read count. */
  @Override
  protected Future<Void> markGroupRead(int groupId, Collection<Integer> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return redis.hget(groupCountKey(groupId), COUNT_FIELD).compose(count -> {
      String total = count == null ? "0" : count.toString();
      return redisClient.batch(userIds.stream().map(user -> Request.cmd(Command.HSET).arg(readCountKey(user, groupId))
          .arg(COUNT_FIELD).arg(total)).toList());
    }).mapEmpty();
  }

  /** TeamTalk GroupMessageModel::getUnreadMsgCount: the group's count minus the user's, when positive. */
  @Override
  protected Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds) {
    if (groupIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Request> reads = new ArrayList<>();
    groupIds.forEach(groupId -> {
      reads.add(Request.cmd(Command.HGET).arg(groupCountKey(groupId)).arg(COUNT_FIELD));
      reads.add(Request.cmd(Command.HGET).arg(readCountKey(userId, groupId)).arg(COUNT_FIELD));
    });
    return redisClient.batch(reads).map(counts -> {
      Map<Integer, Integer> unread = new HashMap<>();
      for (int i = 0; i < groupIds.size(); i++) {
        long total = counts.get(2 * i) == null ? 0 : counts.get(2 * i).toLong();
        long read = counts.get(2 * i + 1) == null ? 0 : counts.get(2 * i + 1).toLong();
        unread.put(groupIds.get(i), (int) Math.max(0, total - read));
      }
      return unread;
    });
  }

  /** TeamTalk GroupModel::setPush: hash group_set_<groupId>, field <userId>_1. */
  @Override
  protected Future<Void> writeGroupShield(int groupId, int userId, int shieldStatus) {
    return redis.hset(List.of("group_set_" + groupId, userId + PUSH_SETTING, Integer.toString(shieldStatus))).mapEmpty();
  }

  @Override
  public Future<Map<Integer, Integer>> groupShields(int groupId, Collection<Integer> userIds) {
    List<Integer> users = new ArrayList<>(new java.util.LinkedHashSet<>(userIds));
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<String> args = new ArrayList<>();
    args.add("group_set_" + groupId);
    users.forEach(user -> args.add(user + PUSH_SETTING));
    return redis.hmget(args).map(values -> {
      Map<Integer, Integer> shields = new HashMap<>();
      for (int i = 0; i < users.size(); i++) {
        Response value = values.get(i);
        shields.put(users.get(i), value == null ? 0 : value.toInteger());
      }
      return shields;
    });
  }

  /**
   * TeamTalk's Redis layout (MessageCounter.cpp): {@code device_<userId>} holds "ios:&lt;token&gt;" or
   * "android:&lt;token&gt;", and {@code device_<token>} the user id; a replaced token's reverse entry is
   * emptied.
   */
  @Override
  public Future<Void> setDeviceToken(int userId, int clientType, String token) {
    String value = (clientType == IOS ? "ios:" : clientType == ANDROID ? "android:" : "") + token;
    return redis.get("device_" + userId).compose(old -> {
      Future<?> cleared = Future.succeededFuture();
      if (old != null && old.toString().contains(":")) {
        String oldToken = old.toString().substring(old.toString().indexOf(':') + 1);
        if (!oldToken.equals(token)) {
          cleared = redis.set(List.of("device_" + oldToken, ""));
        }
      }
      return cleared;
    }).compose(v -> redisClient.batch(List.of(
        Request.cmd(Command.SET).arg("device_" + userId).arg(value),
        Request.cmd(Command.SET).arg("device_" + token).arg(userId)))).mapEmpty();
  }

  @Override
  public Future<DeviceToken> deviceToken(int userId) {
    return redis.get("device_" + userId).map(response -> {
      if (response == null || response.toString().isEmpty()) {
        return null;
      }
      String value = response.toString();
      if (value.startsWith("ios:")) {
        return new DeviceToken(IOS, value.substring(4));
      }
      if (value.startsWith("android:")) {
        return new DeviceToken(ANDROID, value.substring(8));
      }
      return new DeviceToken(0, value);
    });
  }

  @Override
  public Future<Void> clearUnread(int userId, int peerId) {
    return redis.hdel(List.of("unread_" + userId, Integer.toString(peerId))).mapEmpty();
  }
}
