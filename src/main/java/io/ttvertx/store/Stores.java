package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.sql.EmbeddedStore;
import io.ttvertx.store.sql.MysqlStore;
import io.vertx.core.Vertx;

/** Creates the store that the options select. */
public final class Stores {
  private Stores() {
  }

  public static Store create(Vertx vertx, StoreOptions options) {
    return switch (options.type()) {
      case StoreOptions.EMBEDDED -> new EmbeddedStore(vertx, options);
      case StoreOptions.MYSQL -> new MysqlStore(vertx, options);
      default -> throw new IllegalArgumentException("unknown store type " + options.type());
    };
  }
}
