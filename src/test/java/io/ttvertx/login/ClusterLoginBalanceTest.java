package io.ttvertx.login;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login balancing in a burst, on three clustered nodes in this JVM, each with a msg server (load
 * reports every 5 s, the default), the first also with the one login server: 300 clients ask
 * {@code GET /msg_server} at once, log in where they are sent, and land within 20 % of even; when a
 * node crashes, its clients ask again and spread evenly over the two left.
 */
class ClusterLoginBalanceTest {
  private static final Logger log = LoggerFactory.getLogger(ClusterLoginBalanceTest.class);
  static final int HAZELCAST_PORT = 17200;
  static final String PASSWORD = "secret";
  static final int CLIENTS = 300;
  static final double TOLERANCE = 0.2;
  static final int RECONNECT_ATTEMPTS = 50;
  static final long RECONNECT_DELAY_MS = 100;

  private static final ClusterNodes nodes = new ClusterNodes(HAZELCAST_PORT);
  private static final int loginPort = TestServer.freePort();
  private static Vertx clientSide;
  private static WebClient http;
  private static List<String> names;

  @BeforeAll
  static void startThreeNodes() {
    names = IntStream.range(0, CLIENTS).mapToObj(i -> String.format("user%03d", i)).toList();
    nodes.createUsers(names, PASSWORD);
    nodes.start(config -> config.put("login", new JsonObject().put("host", "127.0.0.1").put("port", loginPort)));
    nodes.start(config -> config);
    nodes.start(config -> config);
    clientSide = Vertx.vertx();
    http = WebClient.create(clientSide, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
  }

  @AfterAll
  static void stopNodes() {
    nodes.stopAll();
    await(clientSide.close());
  }

  /** One client: where the login server sent it and its session there. */
  private record Client(String name, int port, TeamTalkClient session) {
  }

  private static Future<JsonObject> askMsgServer() {
    return http.get(loginPort, "127.0.0.1", "/msg_server").send().map(response -> response.bodyAsJsonObject());
  }

  /** Asks where to go, then logs in there. */
  private static Future<Client> logIn(String name, int attemptsLeft) {
    return askMsgServer().compose(answer -> logIn(name, answer, attemptsLeft));
  }

  /** Logs in where {@code answer} says; asks again (as TeamTalk's clients do) when that fails. */
  private static Future<Client> logIn(String name, JsonObject answer, int attemptsLeft) {
    Future<Client> attempt = Future.<Void>succeededFuture().compose(v -> {
      if (answer.getInteger("code") != 0) {
        return Future.failedFuture("login server: " + answer.encode());
      }
      int port = Integer.parseInt(answer.getString("port"));
      return TeamTalkClient.connect(clientSide, answer.getString("priorIP"), port).compose(session ->
          session.login(name, PASSWORD, ClientType.CLIENT_TYPE_WINDOWS).compose(response -> {
            if (response.getResultCode() != IMBaseDefine.ResultType.REFUSE_REASON_NONE) {
              session.close();
              return Future.failedFuture(name + " refused: " + response.getResultCode());
            }
            return Future.succeededFuture(new Client(name, port, session));
          }, failure -> {
            session.close();
            return Future.failedFuture(failure);
          }));
    });
    return attempt.recover(failure -> {
      if (attemptsLeft <= 1) {
        return Future.failedFuture(failure);
      }
      Promise<Void> later = Promise.promise();
      clientSide.setTimer(RECONNECT_DELAY_MS, id -> later.complete());
      return later.future().compose(v -> logIn(name, attemptsLeft - 1));
    });
  }

  private static List<Client> results(List<Future<Client>> logins) {
    await(Future.all(logins));
    return logins.stream().map(Future::result).toList();
  }

  private static Map<Integer, Integer> byPort(List<Integer> ports) {
    Map<Integer, Integer> counts = new TreeMap<>();
    ports.forEach(port -> counts.merge(port, 1, Integer::sum));
    return counts;
  }

  private static void assertEven(Map<Integer, Integer> counts, Set<Integer> ports, int total, String what) {
    assertThat(counts.keySet()).as(what + ": servers used").isEqualTo(ports);
    double even = (double) total / ports.size();
    counts.forEach((port, count) -> assertThat((double) count).as(what + ": clients on port %d of %s", port, counts)
        .isBetween(even * (1 - TOLERANCE), even * (1 + TOLERANCE)));
  }

  @Test
  void aBurstOfLoginsSpreadsEvenlyAndACrashedNodesClientsSpreadOverTheOthers() {
    Set<Integer> allPorts = Set.of(nodes.get(0).msgPort(), nodes.get(1).msgPort(), nodes.get(2).msgPort());
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200 && !seen.equals(allPorts); i++) {
      seen.add(Integer.parseInt(await(askMsgServer()).getString("port")));
    }
    assertThat(seen).as("the login server knows the three msg servers").isEqualTo(allPorts);

    long burstStarted = System.nanoTime();
    List<Future<JsonObject>> answers = IntStream.range(0, CLIENTS).mapToObj(i -> askMsgServer()).toList();
    await(Future.all(answers));
    long burstMs = (System.nanoTime() - burstStarted) / 1_000_000;
    Map<Integer, Integer> handedOut = byPort(answers.stream()
        .map(answer -> Integer.parseInt(answer.result().getString("port"))).toList());
    log.info("{} GET /msg_server in {} ms, handed out by port: {}", CLIENTS, burstMs, handedOut);
    assertEven(handedOut, allPorts, CLIENTS, "handed out in the burst");

    long loginsStarted = System.nanoTime();
    List<Client> clients = results(IntStream.range(0, CLIENTS)
        .mapToObj(i -> logIn(names.get(i), answers.get(i).result(), RECONNECT_ATTEMPTS)).toList());
    Map<Integer, Integer> loggedIn = byPort(clients.stream().map(Client::port).toList());
    log.info("{} clients logged in where they were sent in {} ms, by port: {}", clients.size(),
        (System.nanoTime() - loginsStarted) / 1_000_000, loggedIn);
    assertEven(loggedIn, allPorts, CLIENTS, "logged in");

    int crashedPort = nodes.get(2).msgPort();
    List<Client> stranded = clients.stream().filter(client -> client.port() == crashedPort).toList();
    nodes.crash(2);
    stranded.forEach(client -> await(client.session().closed()));
    long reconnectStarted = System.nanoTime();
    List<Client> reconnected = results(stranded.stream().map(client -> logIn(client.name(), RECONNECT_ATTEMPTS))
        .toList());
    Map<Integer, Integer> movedTo = byPort(reconnected.stream().map(Client::port).toList());
    log.info("{} clients of the crashed node logged in again in {} ms, by port: {}", reconnected.size(),
        (System.nanoTime() - reconnectStarted) / 1_000_000, movedTo);
    Set<Integer> portsLeft = Set.of(nodes.get(0).msgPort(), nodes.get(1).msgPort());
    assertEven(movedTo, portsLeft, stranded.size(), "moved from the crashed node");

    List<Integer> portsNow = new ArrayList<>(clients.stream().filter(client -> client.port() != crashedPort)
        .map(Client::port).toList());
    reconnected.forEach(client -> portsNow.add(client.port()));
    assertEven(byPort(portsNow), portsLeft, CLIENTS, "after the crash");

    clients.forEach(client -> client.session().close());
    reconnected.forEach(client -> client.session().close());
  }
}
