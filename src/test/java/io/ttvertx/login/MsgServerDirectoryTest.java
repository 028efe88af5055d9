package io.ttvertx.login;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the login server counts the addresses it hands out between load reports: a burst spreads
 * evenly, a report's accepted connections settle exactly as many hand-outs, a client that never came
 * stops counting, and a node that left takes its msg servers with it.
 */
class MsgServerDirectoryTest {
  static final long INTERVAL_MS = 5_000;

  private static JsonObject report(String instance, String node, int port, int current, long accepted) {
    return new JsonObject().put("instance", instance).put("node", node).put("priorIp", "10.0.0.1")
        .put("backupIp", "10.0.0.1").put("port", port).put("current", current).put("max", 1000)
        .put("accepted", accepted).put("intervalMs", INTERVAL_MS);
  }

  private static Map<Integer, Integer> handOut(MsgServerDirectory directory, int times, long now) {
    Map<Integer, Integer> byPort = new TreeMap<>();
    for (int i = 0; i < times; i++) {
      MsgServerDirectory.Choice choice = directory.choose(now);
      assertThat(choice.outcome()).isEqualTo(MsgServerDirectory.Outcome.CHOSEN);
      directory.handedOut(choice.server().key(), 1, now);
      byPort.merge(choice.server().port(), 1, Integer::sum);
    }
    return byPort;
  }

  @Test
  void aBurstBetweenReportsIsSpreadEvenlyAndReportsSettleOnlyTheClientsThatConnected() {
    MsgServerDirectory directory = new MsgServerDirectory();
    directory.report(report("a", "node-a", 8000, 10, 10), 0);
    directory.report(report("b", "node-b", 8001, 10, 10), 0);
    assertThat(handOut(directory, 100, 100)).isEqualTo(Map.of(8000, 50, 8001, 50));

    // 8000's clients all connected, 20 of 8001's so far: 8001 still counts its 30 on their way
    directory.report(report("a", "node-a", 8000, 60, 60), 500);
    directory.report(report("b", "node-b", 8001, 30, 30), 500);
    assertThat(handOut(directory, 20, 600)).isEqualTo(Map.of(8000, 10, 8001, 10));

    // a report long after: hand-outs still not seen connected are clients that never came
    directory.report(report("b", "node-b", 8001, 30, 30), 600 + MsgServerDirectory.HANDOUT_SETTLE_MS + 1);
    assertThat(directory.choose(700 + MsgServerDirectory.HANDOUT_SETTLE_MS).server().port()).isEqualTo(8001);
  }

  @Test
  void handOutsOfAnotherLoginServerCountAsOurOwn() {
    MsgServerDirectory directory = new MsgServerDirectory();
    directory.report(report("a", "node-a", 8000, 0, 0), 0);
    directory.report(report("b", "node-b", 8001, 0, 0), 0);
    directory.handedOut(MsgServerDirectory.serverKey("10.0.0.1", "10.0.0.1", 8000), 40, 10);
    assertThat(handOut(directory, 40, 20)).isEqualTo(Map.of(8001, 40));
  }

  @Test
  void theMsgServersOfANodeThatLeftAreForgottenAtOnceAndSilentOnesAfterThreeIntervals() {
    MsgServerDirectory directory = new MsgServerDirectory();
    directory.report(report("a1", "node-a", 8000, 0, 0), 0);
    directory.report(report("a2", "node-a", 8000, 0, 0), 0);
    directory.report(report("b", "node-b", 8001, 5, 5), 0);
    assertThat(directory.choose(10).server().port()).isEqualTo(8000);
    assertThat(directory.nodeLeft("node-a")).isEqualTo(2);
    assertThat(directory.choose(10).server().port()).isEqualTo(8001);
    assertThat(directory.choose(3 * INTERVAL_MS + 1).outcome()).isEqualTo(MsgServerDirectory.Outcome.NONE);
  }
}
