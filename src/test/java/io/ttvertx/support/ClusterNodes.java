package io.ttvertx.support;

import io.ttvertx.ServerDeployer;
import io.ttvertx.ServerVertx;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.bus.Addresses;
import io.ttvertx.route.RouteVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static io.ttvertx.support.Await.await;

/**
 * Clustered nodes in one JVM (Hazelcast on 127.0.0.1 at a port of the test's own), each a Vert.x with a
 * route and a msg server on a free port, sharing one embedded store that the first node's db proxy opens.
 */
public final class ClusterNodes {
  /** One node: its Vert.x, its roles, its msg port and the configuration it was started with. */
  public record Node(Vertx vertx, ServerDeployer deployer, int msgPort, JsonObject config) {
    /** The port of {@code role}'s section ("file", "msfs", "login"...). */
    public int port(String role) {
      return config.getJsonObject(role).getInteger("port");
    }
  }

  private final int hazelcastPort;
  private final JsonObject storeConfig;
  private final List<Node> nodes = new ArrayList<>();

  /** Nodes on {@code hazelcastPort} sharing a fresh embedded store in a temporary directory. */
  public ClusterNodes(int hazelcastPort) {
    this.hazelcastPort = hazelcastPort;
    try {
      storeConfig = new JsonObject().put("type", StoreOptions.EMBEDDED).put("embedded",
          new JsonObject().put("path", Files.createTempDirectory("tt-cluster").resolve("teamtalk").toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the users (in department "Dev") before any node opens the store; their ids by name. */
  public Map<String, Integer> createUsers(List<String> names, String password) {
    return setUpStore(store -> {
      Map<String, Integer> ids = new HashMap<>();
      for (String name : names) {
        ids.put(name, await(store.addUser(new NewUser(name, password, name, "Dev"))).id());
      }
      return ids;
    });
  }

  /** Runs {@code setup} (on this thread, awaiting what it needs) on the store before any node opens it. */
  public <T> T setUpStore(Function<Store, T> setup) {
    Vertx vertx = Vertx.vertx();
    Store store = Stores.create(vertx, StoreOptions.fromJson(storeConfig));
    try {
      await(store.start());
      return setup.apply(store);
    } finally {
      await(store.close());
      await(vertx.close());
    }
  }

  /** Starts a node (with the db proxy for the first), its configuration passed through {@code configure}. */
  public Node start(UnaryOperator<JsonObject> configure) {
    return start(configure, null);
  }

  /**
   * Starts a node as {@link #start(UnaryOperator)} does but with {@code route} (a route of the test's
   * own making, e.g. on a skewed clock) as its route, deployed after its other roles.
   */
  public Node start(UnaryOperator<JsonObject> configure, RouteVerticle route) {
    int msgPort = TestServer.freePort();
    JsonObject config = new JsonObject()
        .put("cluster", new JsonObject().put("host", "127.0.0.1").put("hazelcastPort", hazelcastPort)
            .put("members", new JsonArray().add("127.0.0.1")))
        .put("msg", new JsonObject().put("host", "127.0.0.1").put("port", msgPort).put("priorIp", "127.0.0.1"))
        .put("route", new JsonObject())
        .put("store", storeConfig);
    if (nodes.isEmpty()) {
      config.put("db", new JsonObject());
    }
    config = configure.apply(config);
    JsonObject routeConfig = config.getJsonObject("route", new JsonObject()).copy();
    if (route != null) {
      config.put("route", new JsonObject().put("instances", 0));
    }
    ServerOptions options = ServerOptions.read(config, Map.of());
    Vertx vertx = await(ServerVertx.create(options.cluster()));
    ServerDeployer deployer = new ServerDeployer(vertx, options);
    await(deployer.deploy());
    if (route != null) {
      await(vertx.deployVerticle(route, new DeploymentOptions().setConfig(routeConfig)));
    }
    Node node = new Node(vertx, deployer, msgPort, config);
    nodes.add(node);
    return node;
  }

  public Node get(int index) {
    return nodes.get(index);
  }

  /**
   * Cuts node {@code index}'s route off from the other routes, both ways, as a partition or a long
   * pause would (its clients and msg server go on); running the returned action heals it.
   */
  public Runnable partitionRoute(int index) {
    EventBus bus = nodes.get(index).vertx().eventBus();
    Handler<DeliveryContext<Object>> drop = context -> {
      if (!isBetweenRoutes(context.message().address())) {
        context.next();
      }
    };
    bus.addOutboundInterceptor(drop);
    bus.addInboundInterceptor(drop);
    return () -> {
      bus.removeOutboundInterceptor(drop);
      bus.removeInboundInterceptor(drop);
    };
  }

  private static boolean isBetweenRoutes(String address) {
    return address.equals(Addresses.ROUTE_ALIVE) || address.equals(Addresses.ROUTE_SYNC)
        || address.equals(Addresses.ROUTE_SNAPSHOT) || address.startsWith(Addresses.routeNode(""));
  }

  /**
   * Node {@code index} crashes: from now on nothing it says reaches anyone (its last logouts and its
   * msg servers' goodbyes are lost), its Hazelcast member stops without leaving, and its Vert.x
   * closes (its clients' sockets close).
   * Returns when it is closed.
   */
  public void crash(int index) {
    Node node = nodes.set(index, null);
    node.vertx().eventBus().addOutboundInterceptor(context -> {
    });
    // no goodbye to Hazelcast either: the others find the member gone from its closed connections
    ((HazelcastClusterManager) ((VertxInternal) node.vertx()).clusterManager()).getHazelcastInstance()
        .getLifecycleService().terminate();
    await(node.vertx().close());
  }

  /** Node {@code index} stops: its Vert.x closes with its roles, without undeploying them first. */
  public void close(int index) {
    await(nodes.set(index, null).vertx().close());
  }

  /** The nodes started so far (null for one closed or crashed). */
  public int size() {
    return nodes.size();
  }

  /** Stops the nodes still running, the last started first. */
  public void stopAll() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      if (nodes.get(i) != null) {
        await(nodes.get(i).deployer().undeploy());
        await(nodes.get(i).vertx().close());
      }
    }
    nodes.clear();
  }
}
