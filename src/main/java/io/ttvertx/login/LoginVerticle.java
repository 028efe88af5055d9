package io.ttvertx.login;

import io.ttvertx.CertificateReload;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.ClusterMembership;
import io.ttvertx.bus.MsfsDirectory;
import io.ttvertx.bus.LocalNode;
import io.ttvertx.config.LoginOptions;
import io.ttvertx.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * TeamTalk's login server: {@code GET /msg_server} names the least-loaded msg server, from the load
 * reports msg instances publish on the event bus and the addresses handed out since, its own and
 * those the other login servers publish every {@link #HANDOUT_SHARE_MS}. A msg server whose node
 * leaves the cluster is forgotten at once.
 */
public class LoginVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LoginVerticle.class);
  static final long HANDOUT_SHARE_MS = 100;

  private final MsgServerDirectory directory = new MsgServerDirectory();
  private LoginOptions options;
  private HttpServer server;
  private MessageConsumer<JsonObject> loadConsumer;
  private final MsfsDirectory msfsDirectory = new MsfsDirectory();
  private MessageConsumer<JsonObject> msfsConsumer;
  private MessageConsumer<JsonObject> handoutConsumer;
  private MessageConsumer<String> nodeLeftConsumer;
  private final String loginId = UUID.randomUUID().toString();
  /** Addresses handed out since the last share with the other login servers, by msg server. */
  private final Map<String, Integer> unsharedHandouts = new HashMap<>();
  private long shareTimer;

  @Override
  public Future<?> start() {
    options = LoginOptions.fromJson(config());
    loadConsumer = vertx.eventBus().consumer(Addresses.MSG_LOAD,
        message -> directory.report(message.body(), System.currentTimeMillis()));
    msfsConsumer = vertx.eventBus().consumer(Addresses.MSFS_ANNOUNCE,
        message -> msfsDirectory.announce(message.body(), System.currentTimeMillis()));
    handoutConsumer = vertx.eventBus().consumer(Addresses.LOGIN_HANDOUTS, message -> handleShared(message.body()));
    ClusterMembership.watch(vertx);
    nodeLeftConsumer = vertx.eventBus().consumer(ClusterMembership.NODE_LEFT, message -> {
      int forgotten = directory.nodeLeft(message.body());
      if (forgotten > 0) {
        log.warn("node {} left the cluster: its {} msg instances are no longer handed out", message.body(), forgotten);
      }
    });
    Router router = Router.router(vertx);
    router.get("/msg_server").handler(this::handleMsgServer);
    router.route().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", 404).put("msg", "unknown path " + ctx.request().path()).encode()));
    TlsOptions tls = TlsOptions.fromJson(config().getJsonObject("tls"));
    server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions())).requestHandler(router);
    return Future.all(List.of(loadConsumer.completion(), msfsConsumer.completion(), handoutConsumer.completion(),
            nodeLeftConsumer.completion()))
        .compose(v -> server.listen(options.port(), options.host()))
        .onSuccess(s -> {
          log.info("login listening on {}:{} ({} GET /msg_server)", options.host(), s.actualPort(),
              tls.httpScheme().toUpperCase());
          CertificateReload.watch(vertx, tls, "login", sslOptions -> server.updateSSLOptions(sslOptions, true));
          vertx.eventBus().publish(Addresses.MSG_LOAD_REQUEST, null);
          vertx.eventBus().publish(Addresses.MSFS_ANNOUNCE_REQUEST, null);
          shareTimer = vertx.setPeriodic(HANDOUT_SHARE_MS, id -> shareHandouts());
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(shareTimer);
    return Future.all(List.of(server.close(), loadConsumer.unregister(), msfsConsumer.unregister(),
        handoutConsumer.unregister(), nodeLeftConsumer.unregister()));
  }

  private void shareHandouts() {
    if (unsharedHandouts.isEmpty()) {
      return;
    }
    JsonObject counts = new JsonObject();
    unsharedHandouts.forEach(counts::put);
    unsharedHandouts.clear();
    vertx.eventBus().publish(Addresses.LOGIN_HANDOUTS, new JsonObject().put("login", loginId).put("counts", counts));
  }

  /** Another login server's hand-outs: they load the msg servers as much as ours. */
  private void handleShared(JsonObject shared) {
    if (loginId.equals(shared.getString("login"))) {
      return;
    }
    long now = System.currentTimeMillis();
    shared.getJsonObject("counts").forEach(count ->
        directory.handedOut(count.getKey(), ((Number) count.getValue()).intValue(), now));
  }

  private void handleMsgServer(RoutingContext ctx) {
    JsonObject answer = new JsonObject();
    MsgServerDirectory.Choice choice = directory.choose(System.currentTimeMillis());
    switch (choice.outcome()) {
      case NONE -> answer.put("code", 1).put("msg", "no msg server");
      case ALL_FULL -> {
        log.warn("every msg server is full");
        answer.put("code", 2).put("msg", "all msg servers are full");
      }
      case CHOSEN -> {
        directory.handedOut(choice.server().key(), 1, System.currentTimeMillis());
        unsharedHandouts.merge(choice.server().key(), 1, Integer::sum);
        answer
            .put("code", 0)
            .put("msg", "")
            .put("priorIP", choice.server().priorIp())
            .put("backupIP", choice.server().backupIp())
            // the Windows client reads the port as a string, as TeamTalk's login_server writes it
            .put("port", Integer.toString(choice.server().port()))
            .put("msfsPrior", msfsUrl(options.msfsPrior()))
            .put("msfsBackup", msfsUrl(options.msfsBackup()))
            .put("discovery", options.discovery());
      }
    }
    ctx.response()
        .putHeader("Content-Type", "text/html;charset=utf-8")
        .end(answer.encode());
  }

  /**
   * The configured msfs URL, else the URL a running msfs announced (its own node's first), else "".
   * It ends with '/': Windows appends "upload/" to it.
   */
  private String msfsUrl(String configured) {
    if (configured.isBlank()) {
      return msfsDirectory.url(LocalNode.id(vertx), System.currentTimeMillis());
    }
    return configured.endsWith("/") ? configured : configured + "/";
  }
}
