package io.ttvertx.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A test's own Redis can be SIGKILLed and comes back empty on the same port, as a Redis without persistence does. */
class RedisProcessTest {
  private RedisProcess redis;

  @AfterEach
  void close() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void aKilledRedisComesBackEmptyOnTheSamePort() throws Exception {
    redis = RedisProcess.startNew();
    int port = redis.port();
    assertThat(port).isNotEqualTo(6379);
    assertThat(redis.call("SET", "k", "v")).isEqualTo("OK");

    redis.kill();
    assertThat(redis.isRunning()).isFalse();
    assertThatThrownBy(() -> RespClient.call(port, "PING")).isInstanceOf(java.io.IOException.class);

    redis.start();
    assertThat(redis.port()).isEqualTo(port);
    assertThat(redis.call("GET", "k")).isNull();
    assertThat(redis.call("SET", "k", "again")).isEqualTo("OK");
    redis.flushAll();
    assertThat(redis.call("DBSIZE")).isEqualTo(0L);
  }
}
