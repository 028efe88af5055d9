package io.ttvertx.store.redis;

import io.ttvertx.store.sql.GroupShields;
import io.ttvertx.store.sql.SqlGroupShields;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Push shields in SQL (tt_group_setting) and in TeamTalk's hash {@code group_set_<groupId>} field
 * {@code <userId>_1} (GroupModel::setPush). Read from Redis; a group whose hash Redis lost is read
 * from SQL and written back; while Redis is down, they are read from SQL.
 */
final class RedisGroupShields implements GroupShields {
  private static final Logger log = LoggerFactory.getLogger(RedisGroupShields.class);

  /** KEYS: the group's settings. ARGV: field, shield. Written only into a hash Redis has: a lost one is read from SQL. */
  private static final LuaScript SET_IF_KEPT = new LuaScript("""
      if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
      return 'OK'
      """);

  private final Redis redis;
  private final SqlGroupShields sqlShields;

  RedisGroupShields(Redis redis, SqlGroupShields sqlShields) {
    this.redis = redis;
    this.sqlShields = sqlShields;
  }

  @Override
  public Future<Void> setShield(int groupId, int userId, int shieldStatus) {
    String key = RedisKeys.groupSettings(groupId);
    return sqlShields.setShield(groupId, userId, shieldStatus)
        .compose(v -> SET_IF_KEPT.run(redis, List.of(key), List.of(userId + RedisKeys.PUSH_SETTING, shieldStatus))
            .<Void>mapEmpty().recover(failure -> {
              log.warn("group {}: Redis missed a push shield ({}); SQL has it", groupId, failure.getMessage());
              return redis.send(Request.cmd(Command.DEL).arg(key)).<Void>mapEmpty().otherwiseEmpty();
            }));
  }

  @Override
  public Future<Map<Integer, Integer>> shields(int groupId, Collection<Integer> userIds) {
    List<Integer> users = new ArrayList<>(new LinkedHashSet<>(userIds));
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String key = RedisKeys.groupSettings(groupId);
    Request hmget = Request.cmd(Command.HMGET).arg(key);
    users.forEach(user -> hmget.arg(user + RedisKeys.PUSH_SETTING));
    return redis.batch(List.of(Request.cmd(Command.EXISTS).arg(key), hmget)).compose(answers -> {
      if (answers.get(0).toInteger() == 0) {
        return fromSql(groupId, users, true);
      }
      Response values = answers.get(1);
      Map<Integer, Integer> shields = new HashMap<>();
      for (int i = 0; i < users.size(); i++) {
        Response value = values.get(i);
        shields.put(users.get(i), value == null ? 0 : value.toInteger());
      }
      return Future.succeededFuture(shields);
    }, redisDown -> fromSql(groupId, users, false));
  }

  /** The shields SQL has, written back to Redis when {@code writeBack}. */
  private Future<Map<Integer, Integer>> fromSql(int groupId, List<Integer> users, boolean writeBack) {
    return sqlShields.allShields(groupId).compose(stored -> {
      Map<Integer, Integer> shields = new HashMap<>();
      users.forEach(user -> shields.put(user, stored.getOrDefault(user, 0)));
      if (stored.isEmpty() || !writeBack) {
        return Future.succeededFuture(shields);
      }
      Request hset = Request.cmd(Command.HSET).arg(RedisKeys.groupSettings(groupId));
      stored.forEach((user, shield) -> hset.arg(user + RedisKeys.PUSH_SETTING).arg(shield));
      return redis.send(hset).map(shields).otherwise(shields);
    });
  }
}
