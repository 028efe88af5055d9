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
 * unread counts in the Redis hash {@code unread_<toUserId>} field {@code <fromUserId>}.
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

  private final Vertx vertx;
  private final StoreOptions options;
  private Redis redisClient;
  private RedisAPI redis;
  private final Set<Integer> checkedCounters = ConcurrentHashMap.newKeySet();
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
            + " PRIMARY KEY (`id`), KEY `idx_toId_status` (`toId`,`status`))" + options));
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
   * A batch takes its ids from TeamTalk's Redis counters (one pipelined INCRBY per conversation), its
   * messages are written in one MySQL transaction (one commit for the batch), its recent sessions
   * updated, and it is then counted unread in Redis (pipelined HINCRBY). Ids taken are kept if the
   * transaction has to be retried, so no gap appears in normal operation.
   */
  @Override
  protected Future<List<MessageRecord>> writeBatch(List<PendingMessage> batch) {
    List<Integer> relateIds = batch.stream().map(PendingMessage::relateId).toList();
    Map<Integer, Integer> perRelation = new LinkedHashMap<>();
    relateIds.forEach(relateId -> perRelation.merge(relateId, 1, Integer::sum));
    // batches take their ids one after the other, so a later batch never gets smaller ids
    Future<List<Response>> allocated = idAllocations.transform(previous -> restoreLostCounters(perRelation.keySet())
        .compose(v -> redisClient.batch(perRelation.entrySet().stream()
            .map(e -> Request.cmd(Command.INCRBY).arg("msg_id_" + e.getKey()).arg(e.getValue())).toList())));
    idAllocations = allocated.transform(ar -> Future.succeededFuture());
    return allocated
        .compose(responses -> {
          Map<Integer, Integer> next = new HashMap<>();
          int i = 0;
          for (Map.Entry<Integer, Integer> entry : perRelation.entrySet()) {
            next.put(entry.getKey(), responses.get(i++).toInteger() - entry.getValue() + 1);
          }
          int[] ids = new int[batch.size()];
          for (int m = 0; m < ids.length; m++) {
            int relateId = relateIds.get(m);
            ids[m] = next.get(relateId);
            next.put(relateId, ids[m] + 1);
          }
          List<MessageRecord> records = withIds(batch, ids);
          return writeWithRetry(records, relateIds, 1).compose(v -> touchSessionsInOrder(records)).compose(v -> {
            List<Request> unread = new ArrayList<>();
            unreadIncrements(records).forEach((to, byFrom) -> byFrom.forEach((from, count) ->
                unread.add(Request.cmd(Command.HINCRBY).arg("unread_" + to).arg(from).arg(count))));
            return redisClient.batch(unread);
          }).map(v -> records);
        });
  }

  private Future<Void> writeWithRetry(List<MessageRecord> records, List<Integer> relateIds, int attempt) {
    return this.<Void>inTransaction(conn -> insertMessages(conn, records, relateIds))
        .recover(failure -> {
          if (attempt >= INSERT_ATTEMPTS) {
            return Future.failedFuture(failure);
          }
          log.warn("storing a batch of {} messages failed (attempt {}): {}", records.size(), attempt,
              failure.getMessage());
          return writeWithRetry(records, relateIds, attempt + 1);
        });
  }

  /**
   * Sessions are created after the batch's messages are committed, one session write at a time:
   * batches written in parallel would otherwise deadlock on IMRecentSession rows (TeamTalk's table
   * has no unique key to upsert on). A failure here leaves the messages stored and acknowledged.
   */
  private Future<Void> touchSessionsInOrder(List<MessageRecord> records) {
    Map<Long, int[]> created = sessionsToCreate(records);
    return created.isEmpty() ? Future.succeededFuture()
        : queueSessionWrite(() -> this.<Void>inTransaction(conn -> createSessions(conn, created)));
  }

  /** One statement per second written, instead of a round trip per session. */
  @Override
  protected Future<Void> refreshSessions(SqlClient client, List<int[]> sessions) {
    Map<Integer, List<int[]>> byTime = new TreeMap<>();
    sessions.forEach(session -> byTime.computeIfAbsent(session[2], t -> new ArrayList<>()).add(session));
    List<Future<?>> updates = new ArrayList<>();
    byTime.forEach((time, group) -> {
      for (int from = 0; from < group.size(); from += IN_CHUNK) {
        List<int[]> chunk = group.subList(from, Math.min(group.size(), from + IN_CHUNK));
        List<Object> params = new ArrayList<>(1 + 2 * chunk.size());
        params.add(time);
        chunk.forEach(session -> {
          params.add(session[0]);
          params.add(session[1]);
        });
        updates.add(client.preparedQuery("UPDATE IMRecentSession SET status = 0, updated = ? WHERE type = "
                + SESSION_TYPE_SINGLE + " AND (userId, peerId) IN ("
                + String.join(", ", java.util.Collections.nCopies(chunk.size(), "(?, ?)")) + ")")
            .execute(Tuple.wrap(params)));
      }
    });
    return Future.all(updates).mapEmpty();
  }

  /**
   * The first time this process uses a conversation, a missing Redis counter (Redis lost its data) is
   * set, if still missing, to the largest stored id, so new ids never repeat old ones.
   */
  private Future<Void> restoreLostCounters(Collection<Integer> relateIds) {
    List<Future<?>> checks = new ArrayList<>();
    for (int relateId : relateIds) {
      if (checkedCounters.contains(relateId)) {
        continue;
      }
      checks.add(pool.preparedQuery("SELECT MAX(msgId) FROM " + messageTable(relateId) + " WHERE relateId = ?")
          .execute(Tuple.of(relateId))
          .compose(rows -> {
            Object max = rows.iterator().next().getValue(0);
            int stored = max == null ? 0 : ((Number) max).intValue();
            return stored == 0 ? Future.<Void>succeededFuture()
                : redis.set(List.of("msg_id_" + relateId, Integer.toString(stored), "NX")).<Void>mapEmpty();
          })
          .onSuccess(v -> checkedCounters.add(relateId)));
    }
    return Future.all(checks).mapEmpty();
  }

  @Override
  protected Future<Map<Integer, Integer>> unreadByPeer(int userId) {
    return redis.hgetall("unread_" + userId).map(response -> {
      Map<Integer, Integer> byPeer = new HashMap<>();
      if (response != null) {
        for (String peer : response.getKeys()) {
          try {
            byPeer.put(Integer.parseInt(peer), response.get(peer).toInteger());
          } catch (NumberFormatException e) {
            log.warn("ignoring malformed unread entry {} of user {}", peer, userId);
          }
        }
      }
      return byPeer;
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
