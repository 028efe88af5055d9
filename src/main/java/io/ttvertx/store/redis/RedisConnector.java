package io.ttvertx.store.redis;

import io.ttvertx.config.StoreOptions;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/**
 * Creates the Redis client the options ask for: one server, or the primary that Redis Sentinel names
 * (asked again after a failover). The password is set as an option, never put into a URL.
 */
public final class RedisConnector {
  /** Requests that may wait for a pooled connection; beyond this, requests fail at once. */
  static final int MAX_POOL_WAITING = 10_000;

  private RedisConnector() {
  }

  public static Redis create(Vertx vertx, StoreOptions options) {
    RedisOptions redis = new RedisOptions()
        .setMaxPoolSize(options.redisPoolSize())
        .setMaxPoolWaiting(MAX_POOL_WAITING);
    if (!options.redisPassword().isEmpty()) {
      redis.setPassword(options.redisPassword());
    }
    if (StoreOptions.REDIS_SENTINEL.equals(options.redisMode())) {
      redis.setType(RedisClientType.SENTINEL).setMasterName(options.redisMasterName()).setRole(RedisRole.MASTER)
          .setAutoFailover(true);
      for (String sentinel : options.redisSentinels()) {
        redis.addConnectionString("redis://" + sentinel + "/" + options.redisDatabase());
      }
    } else {
      redis.setConnectionString("redis://" + options.redisHost() + ":" + options.redisPort() + "/"
          + options.redisDatabase());
    }
    return Redis.createClient(vertx, redis);
  }
}
