package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The web client's keys: msg.webPort and msg.webOrigins, msfs.corsOrigins. */
class WebOptionsTest {

  @Test
  void theBuiltInDefaultsServeTheWebPortAndASectionWithoutItServesNone() {
    assertThat(ServerOptions.read(ServerOptions.defaultConfig(), Map.of()).msg().webPort())
        .isEqualTo(MsgOptions.DEFAULT_WEB_PORT);
    assertThat(ServerOptions.read(new JsonObject().put("msg", new JsonObject()), Map.of()).msg().webPort()).isZero();
    assertThat(ServerOptions.read(ServerOptions.defaultConfig(), Map.of()).msgConfig().getString("aesKey"))
        .hasSize(32);
  }

  @Test
  void originsComeFromTheFileOrTheEnvironment() {
    JsonObject root = new JsonObject().put("msg", new JsonObject().put("webPort", 9000)
        .put("webOrigins", new JsonArray().add("https://chat.example.com")));
    MsgOptions fromFile = ServerOptions.read(root, Map.of()).msg();
    assertThat(fromFile.webPort()).isEqualTo(9000);
    assertThat(fromFile.webOrigins()).containsExactly("https://chat.example.com");
    assertThat(MsgOptions.fromJson(fromFile.toJson()).webOrigins()).containsExactly("https://chat.example.com");
    MsgOptions fromEnv = ServerOptions.read(root, Map.of("TT_MSG_WEB_ORIGINS", "https://a.example, *",
        "TT_MSG_WEB_PORT", "9100")).msg();
    assertThat(fromEnv.webOrigins()).containsExactly("https://a.example", "*");
    assertThat(fromEnv.webPort()).isEqualTo(9100);
  }

  @Test
  void msfsAnswersCorsToAnyOriginUnlessConfigured() {
    assertThat(MsfsOptions.read(new JsonObject(), Map.of()).corsOrigins()).containsExactly("*");
    assertThat(MsfsOptions.read(new JsonObject().put("msfs", new JsonObject().put("corsOrigins", new JsonArray())),
        Map.of()).corsOrigins()).isEmpty();
    MsfsOptions listed = MsfsOptions.read(new JsonObject().put("msfs", new JsonObject()
        .put("corsOrigins", new JsonArray().add("https://chat.example.com"))), Map.of());
    assertThat(MsfsOptions.fromJson(listed.toJson()).corsOrigins()).containsExactly("https://chat.example.com");
  }
}
