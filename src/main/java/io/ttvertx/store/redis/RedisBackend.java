package io.ttvertx.store.redis;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.sql.GroupMembers;
import io.ttvertx.store.sql.GroupShields;
import io.ttvertx.store.sql.MessageCounters;
import io.ttvertx.store.sql.ReadPositions;
import io.ttvertx.store.sql.Relations;
import io.ttvertx.store.sql.SqlDeviceTokens;
import io.ttvertx.store.sql.SqlGroupShields;
import io.ttvertx.store.sql.UnreadCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The Redis half of the MySQL + Redis store: TeamTalk's Redis keys for message ids, unread counts,
 * group members, push shields and device tokens, each kept from (and rebuilt from) SQL, which holds the
 * truth. Creates the parts the SQL store is composed with.
 */
public final class RedisBackend {
  private final Redis redis;
  private final RedisEpoch epoch;
  private final RedisUnreadCounters unread;
  private final RedisMessageCounters counters;
  private final RedisGroupMembers members;
  private final RedisGroupShields shields;
  private final RedisDeviceTokens tokens;
  private final Vertx vertx;

  public RedisBackend(Vertx vertx, StoreOptions options, ReadPositions positions, Relations relations,
                      GroupMembers sqlMembers, SqlGroupShields sqlShields, SqlDeviceTokens sqlTokens) {
    this.vertx = vertx;
    this.redis = RedisConnector.create(vertx, options);
    this.epoch = new RedisEpoch(redis);
    RedisRepairs repairs = new RedisRepairs(vertx, redis);
    CounterCheck counterCheck = new CounterCheck(redis, epoch, positions);
    this.unread = new RedisUnreadCounters(redis, epoch, counterCheck, positions, relations);
    this.counters = new RedisMessageCounters(redis, epoch, counterCheck, unread);
    this.members = new RedisGroupMembers(redis, sqlMembers, repairs);
    this.shields = new RedisGroupShields(redis, sqlShields);
    this.tokens = new RedisDeviceTokens(redis, sqlTokens);
  }

  /** Connects, and starts a new epoch when Redis lost the data of the last. */
  public Future<Void> start() {
    return redis.send(Request.cmd(Command.PING)).compose(pong -> epoch.current())
        .onSuccess(started -> unread.startSweeping(vertx)).mapEmpty();
  }

  public Future<Void> close() {
    unread.stopSweeping(vertx);
    redis.close();
    return Future.succeededFuture();
  }

  public MessageCounters counters() {
    return counters;
  }

  public UnreadCounters unread() {
    return unread;
  }

  public GroupMembers members() {
    return members;
  }

  public GroupShields shields() {
    return shields;
  }

  public DeviceStore tokens() {
    return tokens;
  }
}
