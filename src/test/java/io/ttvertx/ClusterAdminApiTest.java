package io.ttvertx;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API in a cluster of two nodes in this JVM (Hazelcast over TCP on 127.0.0.1): node 1 runs
 * the db proxy, a msg server and http_msg, node 2 a msg server; each runs a route. A user disabled
 * over node 1's API is kicked from the connections on both nodes at once, and presence counts both.
 */
class ClusterAdminApiTest {
  static final String PASSWORD = "secret";
  static final String API_KEY = "cluster-key";
  static final int HAZELCAST_PORT = 16401;

  /** One node: its Vert.x, what it deployed, its msg port. */
  private record Node(Vertx vertx, ServerDeployer deployer, int msgPort) {
    Future<Void> stop() {
      return deployer.undeploy().eventually(vertx::close);
    }
  }

  private static final List<Node> nodes = new ArrayList<>();
  private static int httpPort;
  private static WebClient http;
  private final List<TeamTalkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    JsonObject store = new JsonObject().put("type", StoreOptions.EMBEDDED).put("embedded",
        new JsonObject().put("path", Files.createTempDirectory("tt-cluster-admin").resolve("teamtalk").toString()));
    createUser(store);
    httpPort = TestServer.freePort();
    JsonObject withAdminApi = new JsonObject().put("db", new JsonObject()).put("httpMsg", new JsonObject()
        .put("host", "127.0.0.1").put("port", httpPort).put("apiKeys", new JsonArray().add(API_KEY)));
    nodes.add(await(startNode(store, withAdminApi)));
    nodes.add(await(startNode(store, new JsonObject())));
    http = WebClient.create(nodes.get(0).vertx());
  }

  private static void createUser(JsonObject storeConfig) {
    Vertx setup = Vertx.vertx();
    Store store = Stores.create(setup, StoreOptions.fromJson(storeConfig));
    await(store.start().compose(v -> store.addUser(new NewUser("roamer", PASSWORD, "Roamer", "Dev")))
        .eventually(store::close).eventually(setup::close));
  }

  /** A clustered node with a msg server and a route, and the roles in {@code roles}. */
  private static Future<Node> startNode(JsonObject storeConfig, JsonObject roles) {
    int msgPort = TestServer.freePort();
    ServerOptions options = ServerOptions.read(roles.copy()
        .put("cluster", new JsonObject().put("host", "127.0.0.1").put("hazelcastPort", HAZELCAST_PORT)
            .put("members", new JsonArray().add("127.0.0.1")))
        .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", msgPort).put("priorIp", "127.0.0.1"))
        .put("route", new JsonObject())
        .put("store", storeConfig), Map.of());
    return ServerVertx.create(options.cluster()).compose(vertx -> {
      ServerDeployer deployer = new ServerDeployer(vertx, options);
      return deployer.deploy().map(done -> new Node(vertx, deployer, msgPort));
    });
  }

  @AfterAll
  static void stopNodes() {
    if (http != null) {
      http.close();
    }
    // the node with the db proxy stops last
    while (!nodes.isEmpty()) {
      await(nodes.remove(nodes.size() - 1).stop());
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  private TeamTalkClient connect(int node) {
    TeamTalkClient client = await(TeamTalkClient.connect(nodes.get(0).vertx(), "127.0.0.1", nodes.get(node).msgPort()));
    clients.add(client);
    return client;
  }

  private IMLogin.IMLoginRes login(TeamTalkClient client, ClientType type) {
    return await(client.login("roamer", PASSWORD, type));
  }

  private static JsonObject post(String path) {
    HttpResponse<Buffer> response = await(http.post(httpPort, "127.0.0.1", "/api/v1" + path)
        .putHeader("Authorization", "Bearer " + API_KEY).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static void expectKicked(TeamTalkClient client) {
    IMLogin.IMKickUser kick = TeamTalkClient.parse(await(client.nextPush(LoginCmdID.CID_LOGIN_KICK_USER_VALUE)),
        IMLogin.IMKickUser.parser());
    assertThat(kick.getKickReason()).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_MOBILE_KICK);
    await(client.closed());
  }

  @Test
  void aUserDisabledOnOneNodeIsKickedFromEveryNode() {
    TeamTalkClient pcOnNode2 = connect(1);
    int userId = login(pcOnNode2, ClientType.CLIENT_TYPE_WINDOWS).getUserInfo().getUserId();
    TeamTalkClient phoneOnNode1 = connect(0);
    assertThat(login(phoneOnNode1, ClientType.CLIENT_TYPE_ANDROID).getResultCode())
        .isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);

    HttpResponse<Buffer> presence = await(http.get(httpPort, "127.0.0.1", "/api/v1/presence")
        .putHeader("Authorization", "Bearer " + API_KEY).send());
    JsonObject summary = presence.bodyAsJsonObject();
    assertThat(summary.getInteger("connections")).isEqualTo(2);
    assertThat(summary.getJsonArray("nodes")).hasSize(2);

    assertThat(post("/users/" + userId + "/disable").getInteger("kicked")).isEqualTo(2);
    expectKicked(pcOnNode2);
    expectKicked(phoneOnNode1);
    assertThat(login(connect(1), ClientType.CLIENT_TYPE_WINDOWS).getResultCode())
        .isNotEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);

    post("/users/" + userId + "/enable");
    assertThat(login(connect(1), ClientType.CLIENT_TYPE_WINDOWS).getResultCode())
        .isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
  }
}
