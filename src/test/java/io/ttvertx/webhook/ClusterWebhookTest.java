package io.ttvertx.webhook;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.FunctionCounter;
import io.ttvertx.ServerMetrics;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes (Hazelcast on 127.0.0.1), each with a webhook verticle posting to the same
 * receiver; node 1 runs the db proxy. Messages sent by a user on node 2 are posted once each in the
 * whole cluster, whichever node's webhook verticle takes them.
 */
class ClusterWebhookTest {
  static final String PASSWORD = "secret";
  static final int HAZELCAST_PORT = 16501;
  static final int MESSAGES = 10;

  private static final WebhookReceiver receiver = new WebhookReceiver();
  private static final ClusterNodes nodes = new ClusterNodes(HAZELCAST_PORT);
  private static Map<String, Integer> ids;

  @BeforeAll
  static void startTwoNodes() {
    await(receiver.start());
    ids = nodes.createUsers(List.of("alice", "bob"), PASSWORD);
    for (int i = 0; i < 2; i++) {
      nodes.start(config -> config.put("webhooks", new JsonObject()
          .put("urls", new JsonArray().add(receiver.url("/ok"))).put("secret", "s")));
    }
  }

  @AfterAll
  static void stopNodes() {
    nodes.stopAll();
    await(receiver.close());
  }

  /** Deliveries every webhook verticle of this JVM counted as delivered. */
  private static double delivered() {
    return ServerMetrics.registry().find("tt_webhook_total").tag("outcome", "delivered").functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum();
  }

  @Test
  void messagesFromAUserOnTheSecondNodeArePostedExactlyOnce() {
    TeamTalkClient bob = await(TeamTalkClient.connect(nodes.get(0).vertx(), "127.0.0.1", nodes.get(1).msgPort()));
    MessageCipherAccess cipher = new MessageCipherAccess();
    try {
      IMLogin.IMLoginRes login = await(bob.login("bob", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
      assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
      for (int i = 1; i <= MESSAGES; i++) {
        Pdu ack = await(bob.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
            IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(ids.get("alice")).setMsgId(0)
                .setCreateTime(0).setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
                .setMsgData(ByteString.copyFrom(cipher.encrypt("across " + i), StandardCharsets.UTF_8)).build()));
        assertThat(ack.commandId()).isEqualTo(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
      }
    } finally {
      bob.close();
    }
    Poll.until(Duration.ofSeconds(20), () -> "delivered " + delivered() + " of " + MESSAGES,
        () -> delivered() >= MESSAGES && receiver.received.size() >= MESSAGES);
    List<String> texts = receiver.received.stream().map(received -> received.json().getString("text")).toList();
    assertThat(texts).hasSize(MESSAGES);
    assertThat(new HashSet<>(texts)).hasSize(MESSAGES);
    assertThat(delivered()).isEqualTo(MESSAGES);
    System.out.println("ClusterWebhookTest: delivered per webhook verticle " + ServerMetrics.registry()
        .find("tt_webhook_total").tag("outcome", "delivered").functionCounters().stream()
        .map(counter -> counter.getId().getTag("verticle") + "=" + (long) counter.count()).toList());
  }
}
