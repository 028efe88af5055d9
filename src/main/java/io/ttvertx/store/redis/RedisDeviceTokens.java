package io.ttvertx.store.redis;

import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.sql.SqlDeviceTokens;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Push tokens in SQL (tt_device_token) and in TeamTalk's layout (MessageCounter.cpp):
 * {@code device_<userId>} holds "ios:&lt;token&gt;" or "android:&lt;token&gt;", {@code device_<token>}
 * the user id; a replaced token's reverse entry is deleted. Read from Redis; a token Redis lost is read
 * from SQL and written back.
 */
final class RedisDeviceTokens implements DeviceStore {
  private final Redis redis;
  private final SqlDeviceTokens sqlTokens;

  RedisDeviceTokens(Redis redis, SqlDeviceTokens sqlTokens) {
    this.redis = redis;
    this.sqlTokens = sqlTokens;
  }

  @Override
  public Future<Void> setDeviceToken(int userId, int clientType, String token) {
    return sqlTokens.setDeviceToken(userId, clientType, token).compose(v -> writeToRedis(userId, clientType, token));
  }

  private Future<Void> writeToRedis(int userId, int clientType, String token) {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.device(userId))).compose(old -> {
      List<Request> writes = new ArrayList<>();
      DeviceToken previous = parse(old);
      if (previous != null && !previous.token().equals(token)) {
        writes.add(Request.cmd(Command.DEL).arg(RedisKeys.deviceOwner(previous.token())));
      }
      writes.add(Request.cmd(Command.SET).arg(RedisKeys.device(userId)).arg(format(clientType, token)));
      writes.add(Request.cmd(Command.SET).arg(RedisKeys.deviceOwner(token)).arg(userId));
      return redis.batch(writes).mapEmpty();
    });
  }

  /** From Redis; from SQL (and written back) when Redis lost it, and from SQL alone while Redis is down. */
  @Override
  public Future<DeviceToken> deviceToken(int userId) {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.device(userId))).compose(value -> {
      DeviceToken cached = parse(value);
      if (cached != null) {
        return Future.succeededFuture(cached);
      }
      return sqlTokens.deviceToken(userId).compose(stored -> stored == null ? Future.succeededFuture(null)
          : writeToRedis(userId, stored.clientType(), stored.token()).map(stored).otherwise(stored));
    }, redisDown -> sqlTokens.deviceToken(userId));
  }

  /** One MGET; those Redis lost from SQL (and written back), and all from SQL while Redis is down. */
  @Override
  public Future<Map<Integer, DeviceToken>> deviceTokens(Collection<Integer> userIds) {
    List<Integer> users = new ArrayList<>(new LinkedHashSet<>(userIds));
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Request mget = Request.cmd(Command.MGET);
    users.forEach(user -> mget.arg(RedisKeys.device(user)));
    return redis.send(mget).compose(values -> {
      Map<Integer, DeviceToken> tokens = new HashMap<>();
      List<Integer> missing = new ArrayList<>();
      for (int i = 0; i < users.size(); i++) {
        DeviceToken cached = parse(values.get(i));
        if (cached != null) {
          tokens.put(users.get(i), cached);
        } else {
          missing.add(users.get(i));
        }
      }
      if (missing.isEmpty()) {
        return Future.succeededFuture(tokens);
      }
      return sqlTokens.deviceTokens(missing).compose(stored -> {
        tokens.putAll(stored);
        return Future.join(stored.entrySet().stream().map(entry -> writeToRedis(entry.getKey(),
            entry.getValue().clientType(), entry.getValue().token())).toList()).otherwise(done -> null).map(tokens);
      });
    }, redisDown -> sqlTokens.deviceTokens(users));
  }

  /**
   * From SQL, then from Redis when Redis still holds that token for the user (whatever SQL said: Redis
   * may hold a token SQL no longer has after a failed write).
   */
  @Override
  public Future<Boolean> removeDeviceToken(int userId, String token) {
    return sqlTokens.removeDeviceToken(userId, token).compose(removed ->
        redis.send(Request.cmd(Command.GET).arg(RedisKeys.device(userId))).compose(value -> {
          DeviceToken cached = parse(value);
          if (cached == null || !cached.token().equals(token)) {
            return Future.succeededFuture(removed);
          }
          return redis.batch(List.of(Request.cmd(Command.DEL).arg(RedisKeys.device(userId)),
              Request.cmd(Command.DEL).arg(RedisKeys.deviceOwner(token)))).map(true);
        }));
  }

  private static String format(int clientType, String token) {
    return (clientType == CLIENT_TYPE_IOS ? "ios:" : clientType == CLIENT_TYPE_ANDROID ? "android:" : "") + token;
  }

  private static DeviceToken parse(Response value) {
    if (value == null || value.toString().isEmpty()) {
      return null;
    }
    String text = value.toString();
    if (text.startsWith("ios:")) {
      return new DeviceToken(CLIENT_TYPE_IOS, text.substring(4));
    }
    if (text.startsWith("android:")) {
      return new DeviceToken(CLIENT_TYPE_ANDROID, text.substring(8));
    }
    return new DeviceToken(0, text);
  }
}
