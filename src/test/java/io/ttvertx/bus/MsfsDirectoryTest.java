package io.ttvertx.bus;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which announced msfs URL login hands out: its own node's first, then any; gone and silent ones are forgotten. */
class MsfsDirectoryTest {
  private static JsonObject announcement(String instance, String node, String url) {
    return new JsonObject().put("instance", instance).put("node", node).put("url", url).put("intervalMs", 1000L);
  }

  @Test
  void ownNodeFirstThenAnyThenNone() {
    MsfsDirectory directory = new MsfsDirectory();
    assertThat(directory.url("here", 0)).isEmpty();

    directory.announce(announcement("a", "there", "http://10.0.0.2:8700/"), 0);
    assertThat(directory.url("here", 0)).isEqualTo("http://10.0.0.2:8700/");

    directory.announce(announcement("b", "here", "http://10.0.0.9:8700/"), 0);
    assertThat(directory.url("here", 0)).isEqualTo("http://10.0.0.9:8700/");
    assertThat(directory.url("elsewhere", 0)).isEqualTo("http://10.0.0.2:8700/");

    directory.announce(new JsonObject().put("instance", "b").put("gone", true), 0);
    assertThat(directory.url("here", 0)).isEqualTo("http://10.0.0.2:8700/");
  }

  @Test
  void anAnnouncementNotRenewedWithinThreeIntervalsIsForgotten() {
    MsfsDirectory directory = new MsfsDirectory();
    directory.announce(announcement("a", "here", "http://10.0.0.2:8700/"), 0);
    assertThat(directory.url("here", 3000)).isEqualTo("http://10.0.0.2:8700/");
    assertThat(directory.url("here", 3001)).isEmpty();
  }
}
