package io.ttvertx.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Sentinel set-up fault tests rely on really fails over when its primary is SIGKILLed. */
class RedisSentinelSetupTest {
  private RedisSentinelSetup setup;

  @AfterEach
  void close() {
    if (setup != null) {
      setup.close();
    }
  }

  @Test
  void killingThePrimaryPromotesTheReplicaWithTheReplicatedData() {
    setup = RedisSentinelSetup.start("tt-master");
    RedisProcess primary = setup.primary();
    assertThat(primary.call("SET", "before-failover", "kept")).isEqualTo("OK");
    // WAIT: the write has reached the replica before the primary dies
    assertThat(primary.call("WAIT", "1", "5000")).isEqualTo(1L);

    setup.killPrimary();
    assertThat(primary.isRunning()).isFalse();
    int newMaster = setup.awaitFailover(Duration.ofSeconds(30));

    assertThat(newMaster).isEqualTo(setup.replicaPort()).isNotEqualTo(setup.primaryPort());
    assertThat(RespClient.require(newMaster, "PING")).isEqualTo("PONG");
    assertThat(RespClient.require(newMaster, "ROLE")).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.LIST).first().isEqualTo("master");
    assertThat(RespClient.require(newMaster, "GET", "before-failover")).isEqualTo("kept");
    assertThat(RespClient.require(newMaster, "SET", "after-failover", "written")).isEqualTo("OK");
    for (int sentinel : setup.sentinelPorts()) {
      Poll.until(Duration.ofSeconds(10), () -> "sentinel " + sentinel + " agrees on the new master",
          () -> List.of("127.0.0.1", String.valueOf(newMaster))
              .equals(RespClient.require(sentinel, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", setup.masterName())));
    }
  }
}
