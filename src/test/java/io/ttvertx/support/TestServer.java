package io.ttvertx.support;

import io.ttvertx.ServerDeployer;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A whole server (db proxy, route, login, msg, file server) deployed in the test's Vert.x on free ports, on a
 * fresh embedded store in a temp directory unless a store section is given. Users are created with
 * the store's administration API before the server starts.
 */
public final class TestServer {
  public final int loginPort;
  public final int msgPort;
  /** The file server's client port (0 when the configuration has no file server). */
  public final int filePort;
  /** The msg role's web port: the web client and its WebSocket (0 when not configured). */
  public final int webPort;
  public final JsonObject config;
  private final ServerDeployer deployer;

  private TestServer(JsonObject config, ServerDeployer deployer) {
    this.config = config;
    this.deployer = deployer;
    this.loginPort = config.getJsonObject("login", new JsonObject()).getInteger("port", 0);
    this.msgPort = config.getJsonObject("msg").getInteger("port");
    this.filePort = config.getJsonObject("file", new JsonObject()).getInteger("port", 0);
    this.webPort = config.getJsonObject("msg").getInteger("webPort", 0);
  }

  /** The default test configuration: every role, free ports, a fresh embedded store and file storage. */
  public static JsonObject defaultConfig() {
    try {
      Path dir = Files.createTempDirectory("tt-test");
      return new JsonObject()
          .put("login", new JsonObject().put("host", "127.0.0.1").put("port", freePort()))
          .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", freePort()).put("instances", 2)
              .put("priorIp", "127.0.0.1").put("loadReportSeconds", 1).put("webPort", freePort()))
          .put("route", new JsonObject())
          .put("db", new JsonObject())
          .put("file", new JsonObject().put("host", "127.0.0.1").put("port", freePort()).put("priorIp", "127.0.0.1"))
          .put("storage", new JsonObject().put("type", "directory").put("directory", dir.resolve("files").toString()))
          .put("store", new JsonObject().put("type", StoreOptions.EMBEDDED)
              .put("embedded", new JsonObject().put("path", dir.resolve("teamtalk").toString())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code users} in the configured store, then deploys the server. */
  public static Future<TestServer> start(Vertx vertx, JsonObject config, List<NewUser> users) {
    return start(vertx, config, users, store -> Future.succeededFuture());
  }

  /** Creates {@code users} in the configured store, runs {@code setup} on it, then deploys the server. */
  public static Future<TestServer> start(Vertx vertx, JsonObject config, List<NewUser> users,
                                         Function<Store, Future<?>> setup) {
    StoreOptions storeOptions = StoreOptions.fromJson(config.getJsonObject("store"));
    Store store = Stores.create(vertx, storeOptions);
    Future<Void> created = store.start();
    for (NewUser user : users) {
      created = created.compose(v -> store.addUser(user).mapEmpty());
    }
    return created.compose(v -> setup.apply(store)).eventually(store::close).compose(v -> {
      ServerDeployer deployer = new ServerDeployer(vertx, ServerOptions.read(config, Map.of()));
      return deployer.deploy().map(d -> new TestServer(config, deployer));
    });
  }

  public Future<Void> stop() {
    return deployer.undeploy();
  }

  /** Ports handed out in this JVM: the OS may offer a just-closed port again, and two roles on one port fail. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A port nothing listens on, never the same twice in this JVM. */
  public static int freePort() {
    while (true) {
      try (ServerSocket socket = new ServerSocket(0)) {
        if (HANDED_OUT.add(socket.getLocalPort())) {
          return socket.getLocalPort();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
