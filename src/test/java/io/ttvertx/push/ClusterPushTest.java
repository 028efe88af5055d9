package io.ttvertx.push;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.GroupStore;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.Poll;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered nodes (Hazelcast over TCP on 127.0.0.1), each with a route, a msg server and a push
 * verticle of its own; node 1 also runs the db proxy. Messages sent by a user on node 2 are pushed
 * exactly once in the whole cluster, whichever push verticle takes them.
 */
class ClusterPushTest {
  static final String PASSWORD = "secret";
  static final int HAZELCAST_PORT = 16301;
  static final int MESSAGES = 6;

  private static final ClusterNodes cluster = new ClusterNodes(HAZELCAST_PORT);
  private static final List<PushVerticle> pushVerticles = new ArrayList<>();
  private static final List<RecordingPushProvider> providers = new ArrayList<>();
  private static final Map<String, Integer> ids = new HashMap<>();
  private static int groupId;

  @BeforeAll
  static void startTwoNodes() {
    ids.putAll(cluster.createUsers(List.of("alice", "bob", "carol"), PASSWORD));
    groupId = cluster.setUpStore(store -> {
      await(store.setDeviceToken(ids.get("alice"), 0x11, "a0".repeat(32)));
      await(store.setDeviceToken(ids.get("carol"), 0x12, "carol-fcm-token"));
      return await(store.createGroup(ids.get("bob"), "Nodes", "", GroupStore.GROUP_TYPE_NORMAL,
          List.of(ids.get("alice"), ids.get("carol")))).id();
    });
    startNode();
    startNode();
  }

  /** A node of the cluster with a push verticle of its own whose provider records what it is given. */
  private static void startNode() {
    ClusterNodes.Node node = cluster.start(config -> config);
    RecordingPushProvider provider = new RecordingPushProvider();
    PushVerticle push = new PushVerticle(clientType -> provider);
    JsonObject pushConfig = ServerOptions.read(new JsonObject().put("push", new JsonObject()), Map.of()).pushConfig();
    await(node.vertx().deployVerticle(push, new DeploymentOptions().setConfig(pushConfig)));
    pushVerticles.add(push);
    providers.add(provider);
  }

  @AfterAll
  static void stopNodes() {
    cluster.stopAll();
  }

  private static long handledMessages() {
    return pushVerticles.stream().mapToLong(push -> await(push.stats()).getLong("messages")).sum();
  }

  private static List<PushNotification> allPushes() {
    return providers.stream().flatMap(provider -> provider.attempts().stream()).map(RecordingPushProvider.Attempt::push)
        .toList();
  }

  @Test
  void messagesFromAUserOnTheSecondNodeArePushedExactlyOnce() {
    TeamTalkClient bob = await(TeamTalkClient.connect(cluster.get(0).vertx(), "127.0.0.1", cluster.get(1).msgPort()));
    try {
      IMLogin.IMLoginRes login = await(bob.login("bob", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
      assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
      MessageCipherAccess cipher = new MessageCipherAccess();
      for (int i = 1; i <= MESSAGES; i++) {
        send(bob, ids.get("alice"), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, cipher.encrypt("message " + i));
      }
      send(bob, groupId, IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT, cipher.encrypt("to the group"));
      Poll.until(Duration.ofSeconds(20), () -> "handled " + handledMessages() + " of " + (MESSAGES + 1) + " messages",
          () -> handledMessages() == MESSAGES + 1);
    } finally {
      bob.close();
    }
    List<PushNotification> pushes = allPushes();
    List<String> toAlice = pushes.stream().filter(push -> push.userId() == ids.get("alice"))
        .map(PushNotification::alert).toList();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= MESSAGES; i++) {
      expected.add("bob:message " + i);
    }
    expected.add("bob@Nodes:to the group");
    assertThat(toAlice).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(pushes.stream().filter(push -> push.userId() == ids.get("carol")).map(PushNotification::alert))
        .containsExactly("bob@Nodes:to the group");
    assertThat(pushes).hasSize(MESSAGES + 2);
    System.out.println("ClusterPushTest: node 1 pushed " + providers.get(0).attempts().size() + ", node 2 "
        + providers.get(1).attempts().size());
  }

  private static void send(TeamTalkClient client, int to, IMBaseDefine.MsgType type, String text) {
    Pdu ack = await(client.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(to).setMsgId(0).setCreateTime(0)
            .setMsgType(type).setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8)).build()));
    assertThat(ack.commandId()).isEqualTo(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
  }
}
