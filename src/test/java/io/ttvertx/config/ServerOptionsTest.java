package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings that cannot work are refused at start, each with a message that says which and why. */
class ServerOptionsTest {

  @Test
  void severalDbProxiesAreRefusedOnTheEmbeddedStoreOnly() {
    JsonObject embedded = new JsonObject().put("db", new JsonObject().put("instances", 2));
    assertThatThrownBy(() -> ServerOptions.read(embedded, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db.instances must be 1 on the embedded");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_DB_INSTANCES", "3")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("db.instances");
    JsonObject mysql = embedded.copy().put("store", new JsonObject().put("type", "mysql"));
    assertThat(ServerOptions.read(mysql, Map.of()).dbInstances()).isEqualTo(2);
    assertThat(ServerOptions.read(embedded.copy().put("db", new JsonObject().put("instances", 1)), Map.of())
        .dbInstances()).isEqualTo(1);
  }

  @Test
  void redisSentinelModeNeedsItsSentinelsAndClusterIsRefused() {
    JsonObject sentinel = new JsonObject().put("store", new JsonObject().put("type", "mysql")
        .put("redis", new JsonObject().put("mode", "sentinel").put("masterName", "ttmaster")
            .put("sentinels", new JsonArray().add("10.0.0.1:26379").add("10.0.0.2:26379"))));
    StoreOptions store = ServerOptions.read(sentinel, Map.of()).store();
    assertThat(store.redisMode()).isEqualTo("sentinel");
    assertThat(store.redisMasterName()).isEqualTo("ttmaster");
    assertThat(store.redisSentinels()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379");
    assertThat(StoreOptions.fromJson(store.toJson()).redisSentinels()).containsExactly("10.0.0.1:26379",
        "10.0.0.2:26379");
    assertThat(ServerOptions.read(new JsonObject(), Map.of("TT_REDIS_MODE", "sentinel",
        "TT_REDIS_SENTINELS", "a:1, b:2")).store().redisSentinels()).isEqualTo(List.of("a:1", "b:2"));

    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_REDIS_MODE", "sentinel")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store.redis.sentinels");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_REDIS_MODE", "cluster")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported");
  }

  @Test
  void cacheSizesArePositive() {
    assertThat(ServerOptions.read(new JsonObject().put("store", new JsonObject().put("relationCacheSize", 10)),
        Map.of()).store().relationCacheSize()).isEqualTo(10);
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_SESSION_CACHE_SIZE", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sessionCacheSize");
  }
}
