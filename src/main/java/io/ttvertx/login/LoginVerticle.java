package io.ttvertx.login;

import io.ttvertx.CertificateReload;
import io.ttvertx.bus.Addresses;
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

/**
 * TeamTalk's login server: {@code GET /msg_server} names the least-loaded msg server, from the load
 * reports msg instances publish on the event bus.
 */
public class LoginVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LoginVerticle.class);

  private final MsgServerDirectory directory = new MsgServerDirectory();
  private LoginOptions options;
  private HttpServer server;
  private MessageConsumer<JsonObject> loadConsumer;
  private final MsfsDirectory msfsDirectory = new MsfsDirectory();
  private MessageConsumer<JsonObject> msfsConsumer;

  @Override
  public Future<?> start() {
    options = LoginOptions.fromJson(config());
    loadConsumer = vertx.eventBus().consumer(Addresses.MSG_LOAD,
        message -> directory.report(message.body(), System.currentTimeMillis()));
    msfsConsumer = vertx.eventBus().consumer(Addresses.MSFS_ANNOUNCE,
        message -> msfsDirectory.announce(message.body(), System.currentTimeMillis()));
    Router router = Router.router(vertx);
    router.get("/msg_server").handler(this::handleMsgServer);
    router.route().handler(ctx -> ctx.response().setStatusCode(404)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("code", 404).put("msg", "unknown path " + ctx.request().path()).encode()));
    TlsOptions tls = TlsOptions.fromJson(config().getJsonObject("tls"));
    server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions())).requestHandler(router);
    return loadConsumer.completion()
        .compose(v -> msfsConsumer.completion())
        .compose(v -> server.listen(options.port(), options.host()))
        .onSuccess(s -> {
          log.info("login listening on {}:{} ({} GET /msg_server)", options.host(), s.actualPort(),
              tls.httpScheme().toUpperCase());
          CertificateReload.watch(vertx, tls, "login", sslOptions -> server.updateSSLOptions(sslOptions, true));
          vertx.eventBus().publish(Addresses.MSG_LOAD_REQUEST, null);
          vertx.eventBus().publish(Addresses.MSFS_ANNOUNCE_REQUEST, null);
        });
  }

  @Override
  public Future<?> stop() {
    return Future.all(server.close(), loadConsumer.unregister(), msfsConsumer.unregister());
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
      case CHOSEN -> answer
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
