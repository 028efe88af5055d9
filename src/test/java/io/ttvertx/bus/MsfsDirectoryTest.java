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
  void aPageGetsItsOwnHostForAnAddressTheLocalMsfsOnlyDetected() {
    MsfsDirectory directory = new MsfsDirectory();
    directory.announce(announcement("a", "here", "http://10.0.0.2:8700/").put("detected", true), 0);
    assertThat(directory.urlForPage("here", 0, "chat.example.com")).isEqualTo("http://chat.example.com:8700/");
    assertThat(directory.urlForPage("here", 0, "::1")).isEqualTo("http://[::1]:8700/");
    assertThat(directory.urlForPage("here", 0, null)).isEqualTo("http://10.0.0.2:8700/");
    // another node's msfs: its detected address is the best there is
    assertThat(directory.urlForPage("elsewhere", 0, "chat.example.com")).isEqualTo("http://10.0.0.2:8700/");

    // a configured msfs.publicUrl is kept as it is
    MsfsDirectory configured = new MsfsDirectory();
    configured.announce(announcement("b", "here", "https://pictures.example.com/"), 0);
    assertThat(configured.urlForPage("here", 0, "chat.example.com")).isEqualTo("https://pictures.example.com/");
  }

  @Test
  void anAnnouncementNotRenewedWithinThreeIntervalsIsForgotten() {
    MsfsDirectory directory = new MsfsDirectory();
    directory.announce(announcement("a", "here", "http://10.0.0.2:8700/"), 0);
    assertThat(directory.url("here", 3000)).isEqualTo("http://10.0.0.2:8700/");
    assertThat(directory.url("here", 3001)).isEmpty();
  }
}
