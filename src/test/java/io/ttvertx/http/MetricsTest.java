package io.ttvertx.http;

import io.ttvertx.ServerVertx;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.NewUser;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * /metrics on a server whose Vert.x keeps metrics as a node's does: the text parsed as Prometheus
 * reads it, our counters and gauges moving with logins and messages over TCP, Vert.x's own there too.
 */
class MetricsTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");
  private Vertx vertx;
  private TestServer server;
  private WebClient http;
  private int httpPort;

  @BeforeEach
  void start() {
    vertx = await(ServerVertx.create(ServerOptions.read(new JsonObject(), Map.of()).cluster()));
    httpPort = TestServer.freePort();
    JsonObject config = TestServer.defaultConfig()
        .put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", httpPort));
    server = await(TestServer.start(vertx, config, List.of(new NewUser("alice", "secret", "Alice", "Dev"),
        new NewUser("bob", "secret", "Bob", "Dev"))));
    http = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    http.close();
    await(server.stop());
    await(vertx.close());
  }

  /** Each sample's value by its name and labels as written, e.g. {@code tt_x_total{result="ok"}}. */
  private Map<String, Double> scrape() {
    HttpResponse<Buffer> response = await(http.get(httpPort, "127.0.0.1", "/metrics").send());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("text/plain");
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.bodyAsString().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("a Prometheus sample line: %s", line).isTrue();
      samples.put(sample.group(1) + (sample.group(2) == null ? "" : sample.group(2)), Double.parseDouble(sample.group(3)));
    }
    return samples;
  }

  /** The sum of the samples of {@code name} whose labels include every one of {@code labels}. */
  private static double sum(Map<String, Double> samples, String name, String... labels) {
    return samples.entrySet().stream()
        .filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
        .filter(e -> List.of(labels).stream().allMatch(label -> e.getKey().contains(label)))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  private TeamTalkClient client() {
    return await(TeamTalkClient.connect(vertx, "127.0.0.1", server.msgPort));
  }

  private static void send(TeamTalkClient from, int to, String text) {
    await(from.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, IMMessage.IMMsgData.newBuilder()
        .setFromUserId(0).setToSessionId(to).setMsgId(0).setCreateTime(0)
        .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT).setMsgData(ByteString.copyFromUtf8(text)).build()));
  }

  @Test
  void countersAndGaugesMoveWithTraffic() {
    Map<String, Double> before = scrape();
    assertThat(sum(before, "tt_msg_connections_online")).isZero();

    TeamTalkClient alice = client();
    int aliceId = await(alice.login("alice", "secret", ClientType.CLIENT_TYPE_WINDOWS)).getUserInfo().getUserId();
    TeamTalkClient intruder = client();
    await(intruder.login("bob", "wrong", ClientType.CLIENT_TYPE_ANDROID));
    await(intruder.closed());
    TeamTalkClient bob = client();
    int bobId = await(bob.login("bob", "secret", ClientType.CLIENT_TYPE_ANDROID)).getUserInfo().getUserId();
    send(alice, bobId, "one");
    send(alice, bobId, "two");
    await(bob.nextPush(MessageCmdID.CID_MSG_DATA_VALUE));
    await(bob.nextPush(MessageCmdID.CID_MSG_DATA_VALUE));

    Map<String, Double> after = scrape();
    assertThat(sum(after, "tt_msg_logins_total", "result=\"ok\"")).isEqualTo(2);
    assertThat(sum(after, "tt_msg_logins_total", "result=\"db_validate_failed\"")).isEqualTo(1);
    assertThat(sum(after, "tt_msg_connections_online", "client=\"pc\"")).isEqualTo(1);
    assertThat(sum(after, "tt_msg_connections_online", "client=\"mobile\"")).isEqualTo(1);
    assertThat(sum(after, "tt_msg_connections_closed_total", "reason=\"login_refused\"")).isEqualTo(1);
    assertThat(sum(after, "tt_msg_messages_received_total", "type=\"single_text\"")).isEqualTo(2);
    assertThat(sum(after, "tt_msg_messages_stored_total", "type=\"single_text\"")).isEqualTo(2);
    assertThat(sum(after, "tt_route_online_users")).isEqualTo(2);
    assertThat(sum(after, "tt_msg_delivery_seconds_count")).isEqualTo(2);
    assertThat(sum(after, "tt_msg_delivery_seconds_bucket", "le=\"1.0\"")).isEqualTo(2);
    assertThat(sum(after, "tt_db_command_seconds_count", "command=\"0x301\"", "outcome=\"ok\"")).isEqualTo(2);
    // Vert.x's own: the msg port's connections; the event bus's only when metrics.eventBus is on
    assertThat(sum(after, "vertx_net_server_active_connections")).isPositive();
    assertThat(after.keySet()).noneMatch(key -> key.startsWith("vertx_eventbus_"));

    await(alice.close());
    await(bob.close());
    Map<String, Double> closed = new HashMap<>();
    io.ttvertx.support.Poll.until(java.time.Duration.ofSeconds(10), () -> "alice's connection counted as closed", () -> {
      closed.putAll(scrape());
      return sum(closed, "tt_msg_connections_online") == 0;
    });
    assertThat(sum(closed, "tt_msg_connections_closed_total", "reason=\"peer\"")).isEqualTo(2);
  }

  @Test
  void limitHitsAreCounted() {
    TeamTalkClient alice = client();
    await(alice.login("alice", "secret", ClientType.CLIENT_TYPE_WINDOWS));
    double before = sum(scrape(), "tt_msg_limit_hits_total", "limit=\"profile\"");
    // a second avatar change within the announcement interval is held back: one hit
    for (String url : List.of("http://pictures/1", "http://pictures/2")) {
      await(alice.request(ServiceID.SID_BUDDY_LIST_VALUE,
          IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
          io.ttvertx.proto.IMBuddy.IMChangeAvatarReq.newBuilder().setUserId(0).setAvatarUrl(url).build()));
    }
    assertThat(sum(scrape(), "tt_msg_limit_hits_total", "limit=\"profile\"")).isEqualTo(before + 1);
    await(alice.close());
  }
}
