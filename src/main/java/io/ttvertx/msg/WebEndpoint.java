package io.ttvertx.msg;

import io.ttvertx.CertificateReload;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.LocalNode;
import io.ttvertx.bus.MsfsDirectory;
import io.ttvertx.config.MsgOptions;
import io.ttvertx.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The msg role's web port: the browser client's files at {@code /} (with its libraries from WebJars at
 * {@code /webjars/} and the project's .proto files at {@code /proto/}), {@code /web-config.json} telling
 * it where msfs is and which text key to use, and {@code /ws}, the WebSocket on which a browser speaks
 * TeamTalk's PDUs as one more client of this msg instance. A page from another origin than the
 * configured ones is refused the WebSocket (403). With the "tls" section it serves HTTPS and WSS.
 */
final class WebEndpoint {
  private static final Logger log = LoggerFactory.getLogger(WebEndpoint.class);
  static final String WEBSOCKET_PATH = "/ws";

  private final Vertx vertx;
  private final MsgOptions options;
  private final TlsOptions tls;
  private final String aesKey;
  private final Handler<ServerWebSocket> webSockets;
  private final MsfsDirectory msfsDirectory = new MsfsDirectory();
  private MessageConsumer<JsonObject> msfsAnnouncements;
  private HttpServer server;

  WebEndpoint(Vertx vertx, MsgOptions options, TlsOptions tls, String aesKey, Handler<ServerWebSocket> webSockets) {
    this.vertx = vertx;
    this.options = options;
    this.tls = tls;
    this.aesKey = aesKey;
    this.webSockets = webSockets;
  }

  Future<Void> start() {
    msfsAnnouncements = vertx.eventBus().consumer(Addresses.MSFS_ANNOUNCE,
        message -> msfsDirectory.announce(message.body(), System.currentTimeMillis()));
    Router router = Router.router(vertx);
    router.get("/web-config.json").handler(this::handleWebConfig);
    router.get("/proto/*").handler(StaticHandler.create("proto").setCachingEnabled(false));
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.get("/*").handler(StaticHandler.create("webclient").setCachingEnabled(false));
    server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.webPort())
            .setMaxWebSocketFrameSize(options.maxFrameLength())
            .setMaxWebSocketMessageSize(options.maxFrameLength())))
        .requestHandler(router)
        .webSocketHandshakeHandler(this::handleHandshake)
        .webSocketHandler(webSockets);
    return msfsAnnouncements.completion()
        .compose(v -> server.listen())
        .onSuccess(s -> {
          log.info("web client and WebSocket on {}://{}:{} (origins {})", tls.httpScheme(), options.host(),
              s.actualPort(), options.webOrigins().isEmpty() ? "same as the page's" : options.webOrigins());
          CertificateReload.watch(vertx, tls, "web", sslOptions -> server.updateSSLOptions(sslOptions, true));
          vertx.eventBus().publish(Addresses.MSFS_ANNOUNCE_REQUEST, null);
        })
        .mapEmpty();
  }

  Future<Void> stop() {
    return Future.all(server == null ? Future.succeededFuture() : server.close(),
        msfsAnnouncements == null ? Future.succeededFuture() : msfsAnnouncements.unregister()).mapEmpty();
  }

  private void handleHandshake(ServerWebSocketHandshake handshake) {
    if (!WEBSOCKET_PATH.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    String origin = handshake.headers().get(HttpHeaders.ORIGIN);
    if (!originAllowed(origin, handshake.headers().get(HttpHeaders.HOST), options.webOrigins())) {
      log.info("WebSocket from {} refused: origin {} not allowed", handshake.remoteAddress(), origin);
      handshake.reject(403);
      return;
    }
    handshake.accept();
  }

  /**
   * A request without an Origin header is no browser's and is let in like a TCP client; a browser's
   * page must come from a listed origin, or from this very host and port when none is listed.
   */
  static boolean originAllowed(String origin, String host, List<String> allowed) {
    if (origin == null || allowed.contains("*")) {
      return true;
    }
    String normalized = stripTrailingSlash(origin).toLowerCase(Locale.ROOT);
    if (allowed.isEmpty()) {
      try {
        String authority = URI.create(normalized).getRawAuthority();
        return host != null && authority != null && authority.equals(host.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return allowed.stream().anyMatch(entry -> stripTrailingSlash(entry).toLowerCase(Locale.ROOT).equals(normalized));
  }

  private static String stripTrailingSlash(String text) {
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * What the page needs before it connects: msfs's URL (as msfs announces it, with the page's host for
   * an address msfs only detected), the text key, the frame limit.
   */
  private void handleWebConfig(RoutingContext ctx) {
    JsonObject config = new JsonObject()
        .put("msfsUrl", msfsDirectory.urlForPage(LocalNode.id(vertx), System.currentTimeMillis(),
            ctx.request().authority() == null ? null : ctx.request().authority().host()))
        .put("aesKey", aesKey)
        .put("maxFrameLength", options.maxFrameLength())
        .put("webSocketPath", WEBSOCKET_PATH);
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(config.encode());
  }
}
