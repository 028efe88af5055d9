package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.redis.RedisBackend;
import io.ttvertx.store.sql.MysqlDatabase;
import io.ttvertx.store.sql.MysqlMessageWriter;
import io.ttvertx.store.sql.ReadPositions;
import io.ttvertx.store.sql.SqlStore;
import io.vertx.core.Vertx;

/** Creates the store that the options select: the embedded H2 store, or MySQL/MariaDB + Redis. */
public final class Stores {
  private Stores() {
  }

  public static Store create(Vertx vertx, StoreOptions options) {
    return switch (options.type()) {
      case StoreOptions.EMBEDDED -> SqlStore.embedded(vertx, options);
      case StoreOptions.MYSQL -> mysql(vertx, options);
      default -> throw new IllegalArgumentException("unknown store type " + options.type());
    };
  }

  /** MySQL holds the truth; Redis holds TeamTalk's counters and caches, rebuilt from MySQL when lost. */
  private static Store mysql(Vertx vertx, StoreOptions options) {
    return new SqlStore(new MysqlDatabase(vertx, options), options, shared -> {
      ReadPositions positions = new ReadPositions(shared.db());
      shared.relations().setCreationListener((relateId, small, big) -> positions.conversationCreated(small, big));
      RedisBackend redis = new RedisBackend(vertx, options, positions, shared.relations(), shared.sqlMembers(),
          shared.sqlShields(), shared.sqlTokens());
      MysqlMessageWriter writer = new MysqlMessageWriter(shared.db(), redis.counters(), shared.sessions(), positions);
      return new SqlStore.Backend(writer, redis.unread(), redis.members(), redis.shields(), redis.tokens(),
          redis::start, redis::close);
    });
  }
}
