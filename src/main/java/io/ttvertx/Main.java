package io.ttvertx;

import io.ttvertx.admin.AdminCommand;
import io.ttvertx.admin.BackupCommand;
import io.ttvertx.cluster.ClusterCaCommand;
import io.ttvertx.config.ServerOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar tt-vertx.jar [--conf conf.json]} runs the server roles conf.json lists;
 * {@code ... [--conf conf.json] user|depart|group ...} runs an administration command on the configured store;
 * {@code ... backup|restore ...} backs up or restores the embedded store;
 * {@code ... cluster-ca DIR ...} makes a private CA and node certificates for a secured cluster.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    // msfs draws thumbnails with java.awt: never look for a display
    System.setProperty("java.awt.headless", "true");
    List<String> rest = new ArrayList<>();
    String confPath = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf") && i + 1 < args.length) {
        confPath = args[++i];
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println(usage());
        return;
      } else {
        rest.add(args[i]);
      }
    }
    // needs no configuration: certificates are made before the configuration naming them is complete
    if (!rest.isEmpty() && rest.get(0).equals(ClusterCaCommand.NAME)) {
      System.exit(ClusterCaCommand.run(rest.subList(1, rest.size()), System.out, System.err));
    }
    ServerOptions options;
    try {
      options = ServerOptions.read(readConfig(confPath), System.getenv());
    } catch (IllegalArgumentException | IOException | DecodeException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (!rest.isEmpty()) {
      System.exit(runAdmin(options, rest));
    }
    runServer(options);
  }

  private static JsonObject readConfig(String confPath) throws IOException {
    if (confPath == null) {
      Path defaultPath = Path.of("conf.json");
      if (!Files.exists(defaultPath)) {
        return ServerOptions.defaultConfig();
      }
      confPath = defaultPath.toString();
    }
    Path path = Path.of(confPath);
    if (!Files.exists(path)) {
      throw new IOException("no such configuration file: " + path.toAbsolutePath());
    }
    return new JsonObject(Files.readString(path));
  }

  private static int runAdmin(ServerOptions options, List<String> args) {
    Vertx vertx = Vertx.vertx();
    try {
      return (BackupCommand.handles(args.get(0)) ? BackupCommand.run(vertx, options, args, System.out, System.err)
          : AdminCommand.run(vertx, options.store(), args, System.out, System.err))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      System.err.println("failed: " + e.getMessage());
      return 1;
    } finally {
      vertx.close();
    }
  }

  private static void runServer(ServerOptions options) {
    Vertx vertx;
    try {
      vertx = ServerVertx.create(options.cluster(), options.metrics()).toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("could not join the cluster: {}", e.getMessage());
      System.exit(1);
      return;
    }
    log.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "Java NIO");
    if (options.cluster().enabled()) {
      log.info("clustered on {} in cluster '{}' ({}, event bus {}; members looked for at {})", options.cluster().host(),
          options.cluster().name(), options.cluster().hasSecret() ? "secret set" : "no secret",
          options.cluster().tlsEnabled() ? "over mutual TLS" : "in clear", options.cluster().members());
    }
    ServerDeployer deployer = new ServerDeployer(vertx, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("shutting down");
      // roles stop in the reverse order of their start: msg closes its connections while route and db still run
      deployer.undeploy().eventually(vertx::close).onComplete(ar -> stopped.countDown());
      try {
        stopped.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "tt-shutdown"));
    deployer.deploy().onComplete(ar -> {
      if (ar.succeeded()) {
        log.info("tt-vertx started on the {} store", options.store().type());
      } else {
        log.error("start failed: {}", ar.cause().getMessage());
        vertx.close().onComplete(v -> System.exit(1));
      }
    });
  }

  static String usage() {
    return """
        usage:
          java -jar tt-vertx.jar [--conf conf.json]                       run the server
          java -jar tt-vertx.jar [--conf conf.json] user add --name NAME --password PASS [--nick NICK] [--depart DEPART]
          java -jar tt-vertx.jar [--conf conf.json] user import users.csv  (header: name,password,nick,depart)
          java -jar tt-vertx.jar [--conf conf.json] user list
          java -jar tt-vertx.jar [--conf conf.json] depart add --name NAME [--parent ID] [--priority N]
          java -jar tt-vertx.jar [--conf conf.json] group add --name NAME --members ID,ID,... [--creator ID] [--type normal|temp]
          java -jar tt-vertx.jar [--conf conf.json] group list
          java -jar tt-vertx.jar [--conf conf.json] backup [--to FILE]   (embedded store; through the running server's admin API)
          java -jar tt-vertx.jar [--conf conf.json] restore FILE [--force] (embedded store, server stopped)
          java -jar tt-vertx.jar cluster-ca DIR [NAME=HOST[,HOST...] ...]  a private CA in DIR and a certificate per node
        without --conf, ./conf.json is read when present, else every role runs with its defaults.""";
  }
}
