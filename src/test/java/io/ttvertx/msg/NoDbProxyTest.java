package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.ResultType;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A msg server whose event bus has no db proxy refuses logins at once, as TeamTalk's does without a db server. */
class NoDbProxyTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void loginIsRefusedWithNoDbServer() {
    JsonObject config = TestServer.defaultConfig();
    config.remove("db");
    config.getJsonObject("msg").put("busTimeoutMs", 120_000);
    TestServer server = await(TestServer.start(vertx, config, List.of()));
    TeamTalkClient client = await(TeamTalkClient.connect(vertx, "127.0.0.1", server.msgPort));
    long started = System.nanoTime();
    IMLogin.IMLoginRes answer = await(client.login("alice", "secret", ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(answer.getResultCode()).isEqualTo(ResultType.REFUSE_REASON_NO_DB_SERVER);
    // refused because nobody took the request, not when the two-minute bus timeout ran out
    assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(60_000);
    await(client.closed());
  }
}
