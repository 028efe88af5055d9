package io.ttvertx.login;

import io.ttvertx.ServerDeployer;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.support.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /msg_server over real HTTP: TeamTalk's JSON, least-loaded choice, none and all-full answers. */
public class LoginServerTest {
  private Vertx vertx;
  private WebClient http;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private JsonObject msgServer(int loginPort) {
    HttpResponse<Buffer> response = await(http.get(loginPort, "127.0.0.1", "/msg_server").send());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** Asks until the answer satisfies {@code condition}: load reports arrive every second. */
  private JsonObject msgServerUntil(int loginPort, Predicate<JsonObject> condition) {
    Promise<JsonObject> result = Promise.promise();
    long[] attempts = {0};
    vertx.setPeriodic(100, timer -> http.get(loginPort, "127.0.0.1", "/msg_server").send().onSuccess(response -> {
      JsonObject body = response.bodyAsJsonObject();
      if (condition.test(body) || ++attempts[0] > 100) {
        vertx.cancelTimer(timer);
        result.tryComplete(body);
      }
    }));
    return await(result.future());
  }

  @Test
  void answersWithTheMsgServerInTeamTalksShape() {
    JsonObject config = TestServer.defaultConfig();
    config.getJsonObject("login").put("msfsPrior", "http://files.example:8700/").put("discovery", "http://d/");
    config.getJsonObject("msg").put("priorIp", "10.1.2.3").put("backupIp", "10.1.2.4");
    TestServer server = await(TestServer.start(vertx, config, List.of()));
    JsonObject answer = msgServer(server.loginPort);
    assertThat(answer.getInteger("code")).isEqualTo(0);
    assertThat(answer.getString("msg")).isEmpty();
    assertThat(answer.getString("priorIP")).isEqualTo("10.1.2.3");
    assertThat(answer.getString("backupIP")).isEqualTo("10.1.2.4");
    assertThat(answer.getValue("port")).isEqualTo(Integer.toString(server.msgPort));
    assertThat(answer.getString("msfsPrior")).isEqualTo("http://files.example:8700/");
    assertThat(answer.getString("msfsBackup")).isEmpty();
    assertThat(answer.getString("discovery")).isEqualTo("http://d/");

    HttpResponse<Buffer> unknown = await(http.get(server.loginPort, "127.0.0.1", "/nothing").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("msg")).contains("/nothing");
  }

  @Test
  void code1WhenNoMsgServerIsKnown() {
    int loginPort = TestServer.freePort();
    JsonObject config = new JsonObject().put("login", new JsonObject().put("host", "127.0.0.1").put("port", loginPort));
    await(new ServerDeployer(vertx, ServerOptions.read(config, Map.of())).deploy());
    JsonObject answer = msgServer(loginPort);
    assertThat(answer.getInteger("code")).isEqualTo(1);
    assertThat(answer.containsKey("priorIP")).isFalse();
  }

  @Test
  void code2WhenEveryMsgServerIsFullAndTheLeastLoadedIsChosen() {
    JsonObject config = TestServer.defaultConfig();
    config.getJsonObject("msg").put("instances", 1).put("maxConnections", 1);
    TestServer server = await(TestServer.start(vertx, config, List.of()));
    TeamTalkClient holder = await(TeamTalkClient.connect(vertx, "127.0.0.1", server.msgPort));
    JsonObject full = msgServerUntil(server.loginPort, answer -> answer.getInteger("code") == 2);
    assertThat(full.getInteger("code")).isEqualTo(2);

    // a second, empty msg server on another port is now the least loaded
    JsonObject second = new JsonObject().put("msg", config.getJsonObject("msg").copy()
        .put("port", TestServer.freePort()).put("maxConnections", 10));
    await(new ServerDeployer(vertx, ServerOptions.read(second, Map.of())).deploy());
    JsonObject chosen = msgServerUntil(server.loginPort, answer -> answer.getInteger("code") == 0);
    assertThat(chosen.getString("port")).isEqualTo(Integer.toString(second.getJsonObject("msg").getInteger("port")));
    holder.close();
  }
}
