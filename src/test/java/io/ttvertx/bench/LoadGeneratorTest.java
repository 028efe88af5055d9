package io.ttvertx.bench;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.store.UserRecord;
import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the load generator briefly against a real server to check that it works and that its counts
 * match what the server stored. Asserts no speed.
 */
class LoadGeneratorTest {
  static final int USERS = 20;

  private Vertx vertx;
  private TestServer server;
  private JsonObject config;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    config = TestServer.defaultConfig();
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      users.add(new NewUser("load" + i, "pw", "", "Load"));
    }
    server = await(TestServer.start(vertx, config, users));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      await(server.stop());
    }
    await(vertx.close());
  }

  private LoadOptions options(String mode, String... more) {
    List<String> args = new ArrayList<>(List.of("--mode", mode, "--port", Integer.toString(server.msgPort),
        "--users", Integer.toString(USERS), "--duration", "2", "--warmup", "0", "--window", "2", "--drain", "10"));
    args.addAll(List.of(more));
    LoadOptions options = LoadOptions.parse(args.toArray(String[]::new));
    options.loginUrl = "http://127.0.0.1:" + server.loginPort + "/msg_server";
    return options;
  }

  @Test
  void chatRunCountsEveryStoredMessageExactlyOnce() throws Exception {
    LoadGenerator.LoadReport report = LoadGenerator.run(options("chat"));
    assertThat(report.loginsOk()).isEqualTo(USERS);
    assertThat(report.acked()).isPositive();
    assertThat(report.ackFailures()).isZero();
    assertThat(report.sent()).isEqualTo(report.acked());
    assertThat(report.received()).isEqualTo(report.acked());
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();
    assertThat(report.p50Ms()).isPositive();

    // what the generator counted as acknowledged is exactly what the server stored
    assertThat(storedMessages((store, ids) -> {
      long stored = 0;
      for (int i = 0; i < USERS; i += 2) {
        stored += await(store.latestMessageId(ids.get("load" + i), ids.get("load" + (i + 1))));
      }
      return stored;
    })).isEqualTo(report.acked());
  }

  @Test
  void chatRunOverTheWebSocketCountsEveryMessage() throws Exception {
    LoadGenerator.LoadReport report = LoadGenerator.run(options("chat", "--transport", "ws",
        "--port", Integer.toString(server.webPort)));
    assertThat(report.loginsOk()).isEqualTo(USERS);
    assertThat(report.acked()).isPositive();
    assertThat(report.received()).isEqualTo(report.acked());
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();
  }

  /** Stops the server and counts, on its store, what {@code count} finds (given the user ids by name). */
  private long storedMessages(java.util.function.BiFunction<Store, Map<String, Integer>, Long> count) {
    await(server.stop());
    server = null;
    Store store = Stores.create(vertx, StoreOptions.fromJson(config.getJsonObject("store")));
    await(store.start());
    try {
      Map<String, Integer> ids = await(store.listUsers()).stream()
          .collect(Collectors.toMap(UserRecord::name, UserRecord::id));
      return count.apply(store, ids);
    } finally {
      await(store.close());
    }
  }

  @Test
  void groupRunCountsEveryCopyOfEveryStoredMessage() throws Exception {
    LoadOptions options = options("group", "--group-size", "10", "--group-senders", "3");
    LoadGenerator.LoadReport report = LoadGenerator.run(options);
    assertThat(report.loginsOk()).isEqualTo(USERS);
    assertThat(report.acked()).isPositive();
    assertThat(report.ackFailures()).isZero();
    assertThat(report.received()).as("every message reaches the 9 other members")
        .isEqualTo(report.acked() * (options.groupSize - 1));
    assertThat(report.lost()).isZero();
    assertThat(report.duplicates()).isZero();

    assertThat(storedMessages((store, ids) -> {
      long stored = 0;
      for (int first = 0; first < USERS; first += options.groupSize) {
        int creator = ids.get("load" + first);
        List<io.ttvertx.store.GroupVersion> groups = await(store.userGroups(creator, 0));
        assertThat(groups).hasSize(1);
        stored += await(store.latestGroupMessageId(creator, groups.get(0).groupId()));
      }
      return stored;
    })).isEqualTo(report.acked());
  }

  @Test
  void idleRunHoldsEveryConnection() throws Exception {
    LoadGenerator.LoadReport report = LoadGenerator.run(options("idle"));
    assertThat(report.loginsOk()).isEqualTo(USERS);
    assertThat(report.held()).isEqualTo(USERS);
  }
}
