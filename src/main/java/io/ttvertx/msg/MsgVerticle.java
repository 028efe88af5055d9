package io.ttvertx.msg;

import io.ttvertx.CertificateReload;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbClient;
import io.ttvertx.bus.LocalNode;
import io.ttvertx.config.MsgOptions;
import io.ttvertx.config.PublicAddress;
import io.ttvertx.config.TlsOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMBaseDefine.KickReasonType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.protocol.ClientTypes;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.ttvertx.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The client-facing TCP server, and the web port where browsers connect over a WebSocket
 * ({@link WebEndpoint}). Each instance owns the connections its acceptors hand it (all instances share
 * the ports) and a private event-bus address on which route delivers frames and kicks
 * for them. It publishes its load for the login server.
 */
public class MsgVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MsgVerticle.class);
  static final long FAILURE_LOG_INTERVAL_MS = 5_000;
  private final ThrottledLog failureLog = new ThrottledLog(LoggerFactory.getLogger(CommandHandlers.class),
      FAILURE_LOG_INTERVAL_MS);

  /**
   * Requests this instance's connections may have waiting at the db proxy. Above it no connection of
   * the instance is read until half of them are answered: when the store falls behind, clients wait
   * in their TCP buffers instead of the server queueing without bound (and collecting garbage).
   */
  static final int MAX_PENDING_REQUESTS = 8192;
  static final long OVERLOAD_LOG_INTERVAL_MS = 10_000;

  /** How long broadcasts are gathered before they are written. */
  static final long BROADCAST_FLUSH_MS = 20;

  private final Map<Long, MsgConnection> connections = new HashMap<>();
  private final List<Broadcast> pendingBroadcasts = new ArrayList<>();
  private final ArrayDeque<MsgConnection> connectionsToFlush = new ArrayDeque<>();
  private MsgOptions options;
  private String instanceId;
  private String address;
  private String priorIp;
  private String backupIp;
  private int maxConnections;
  private long nextConnectionId = 1;
  private int pendingRequests;
  private boolean overloaded;
  private long overloadsSinceLog;
  private long overloadLoggedAt;
  private NetServer server;
  /** The same protocol over TLS on msg.tlsPort, when the "tls" section is configured; else null. */
  private NetServer tlsServer;
  /** The web client and its WebSocket on msg.webPort (HTTPS and WSS with "tls"); null without a web port. */
  private WebEndpoint web;
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<Object> loadRequestConsumer;
  private MessageConsumer<Buffer> broadcastConsumer;
  private DbClient db;
  private RouteClient route;
  private FileServerClient fileServers;
  private MsgMetrics metrics;
  private LimitHits limitHits;
  private LoginThrottle loginThrottle;
  private ProfileAnnouncer profileAnnouncer;
  private CommandDispatcher commands;
  private long sweepTimer;
  private long loadTimer;

  @Override
  public Future<?> start() {
    options = MsgOptions.fromJson(config());
    instanceId = UUID.randomUUID().toString();
    address = Addresses.msgInstance(instanceId);
    priorIp = options.priorIp().isBlank() ? PublicAddress.detect() : options.priorIp();
    backupIp = options.backupIp().isBlank() ? priorIp : options.backupIp();
    if (!options.priorIp().isBlank()) {
      PublicAddress.warnIfLoopback(priorIp, "msg.priorIp");
    }
    maxConnections = Math.max(1, (options.maxConnections() + options.instances() - 1) / Math.max(1, options.instances()));
    db = new DbClient(vertx, context, Addresses.msgInstanceDbAnswers(instanceId), options.busTimeoutMs());
    route = new RouteClient(vertx.eventBus(), address, options.busTimeoutMs());
    fileServers = new FileServerClient(vertx.eventBus(), options.busTimeoutMs());
    metrics = new MsgMetrics(instanceId.substring(0, 8), () -> pendingRequests);
    limitHits = new LimitHits();
    loginThrottle = LoginThrottle.of(vertx, options.limits());
    profileAnnouncer = new ProfileAnnouncer(vertx, route, limitHits, options.limits().profileChangeIntervalMs());
    commands = new CommandDispatcher(this);
    consumer = vertx.eventBus().consumer(address, this::handleBusMessage);
    loadRequestConsumer = vertx.eventBus().consumer(Addresses.MSG_LOAD_REQUEST, message -> publishLoad());
    broadcastConsumer = vertx.eventBus().consumer(Addresses.MSG_BROADCAST, this::handleBroadcast);
    server = vertx.createNetServer(clientServerOptions(options.port()));
    server.connectHandler(socket -> accept(new TcpTransport(socket)));
    TlsOptions tls = TlsOptions.fromJson(config().getJsonObject("tls"));
    if (tls.enabled() && options.tlsPort() > 0) {
      tlsServer = vertx.createNetServer(tls.applyTo(clientServerOptions(options.tlsPort())));
      tlsServer.connectHandler(socket -> accept(new TcpTransport(socket)));
    }
    web = options.webPort() > 0
        ? new WebEndpoint(vertx, options, tls, config().getString("aesKey", MessageCipher.DEFAULT_KEY),
            socket -> accept(new WebSocketTransport(socket)))
        : null;
    return Future.all(consumer.completion(), loadRequestConsumer.completion(), broadcastConsumer.completion(),
            db.start())
        .compose(v -> tlsServer == null ? Future.succeededFuture() : tlsServer.listen())
        .compose(v -> server.listen())
        .compose(s -> web == null ? Future.succeededFuture(s) : web.start().map(s))
        .onSuccess(s -> {
          log.info("msg listening on {}:{}{} (instance {}, handing out {} / {})", options.host(), s.actualPort(),
              tlsServer == null ? "" : " and TLS " + tlsServer.actualPort(), instanceId.substring(0, 8), priorIp,
              backupIp);
          if (tlsServer != null) {
            CertificateReload.watch(vertx, tls, "msg", sslOptions -> tlsServer.updateSSLOptions(sslOptions, true));
          }
          long sweepMs = Math.max(100, Math.min(5_000, options.loginTimeoutSeconds() * 1000L / 4));
          sweepTimer = vertx.setPeriodic(sweepMs, id -> sweepIdle());
          publishLoad();
          loadTimer = vertx.setPeriodic(options.loadReportSeconds() * 1000L, id -> publishLoad());
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(loadTimer);
    for (MsgConnection connection : new ArrayList<>(connections.values())) {
      connection.close("server stopping");
    }
    vertx.eventBus().publish(Addresses.MSG_LOAD, loadReport().put("gone", true));
    metrics.close();
    return Future.all(List.of(server.close(), tlsServer == null ? Future.succeededFuture() : tlsServer.close(),
        web == null ? Future.succeededFuture() : web.stop(), consumer.unregister(), loadRequestConsumer.unregister(),
        broadcastConsumer.unregister(), db.stop()));
  }

  private NetServerOptions clientServerOptions(int port) {
    return new NetServerOptions().setHost(options.host()).setPort(port).setTcpNoDelay(true).setTcpKeepAlive(true);
  }

  /** A new client, over TCP or a WebSocket. */
  private void accept(MsgTransport socket) {
    if (connections.size() >= maxConnections) {
      log.warn("refusing connection from {}: {} connections, the most this instance takes", socket.remoteAddress(),
          connections.size());
      socket.close("server full");
      return;
    }
    MsgConnection connection = new MsgConnection(nextConnectionId++, socket, this);
    connections.put(connection.id(), connection);
    connection.start(options.maxFrameLength());
  }

  /** Frames and kicks that route sends to connections of this instance. */
  private void handleBusMessage(Message<Buffer> message) {
    MultiMap headers = message.headers();
    String conns = headers.get(Addresses.CONNS);
    if (conns == null) {
      return;
    }
    if (Addresses.ACTION_KICK.equals(headers.get(Addresses.ACTION))) {
      MsgConnection connection = connections.get(Long.parseLong(conns));
      if (connection != null && connection.isOnline()) {
        IMLogin.IMKickUser kick = IMLogin.IMKickUser.newBuilder()
            .setUserId(connection.userId())
            .setKickReason(KickReasonType.forNumber(Integer.parseInt(headers.get(Addresses.REASON))))
            .build();
        connection.writeAndClose(Pdu.encode(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_KICK_USER_VALUE, 0, kick),
            "kicked (reason " + headers.get(Addresses.REASON) + ")");
      }
      return;
    }
    Buffer frame = message.body();
    boolean webOnly = Addresses.CLIENTS_WEB.equals(headers.get(Addresses.CLIENT_FILTER));
    String receivedAt = headers.get(Addresses.RECEIVED_AT);
    long latencyMs = receivedAt == null ? -1 : System.currentTimeMillis() - Long.parseLong(receivedAt);
    int start = 0;
    while (start < conns.length()) {
      int end = conns.indexOf(',', start);
      if (end < 0) {
        end = conns.length();
      }
      MsgConnection connection = connections.get(Long.parseLong(conns, start, end, 10));
      if (connection != null && connection.isOnline() && (!webOnly || connection.isWeb())) {
        connection.write(frame);
        if (latencyMs >= 0) {
          metrics.delivered(latencyMs);
        }
      }
      start = end + 1;
    }
  }

  /** A broadcast frame waiting for the next flush, with whom it is not for. */
  private record Broadcast(Buffer frame, int exceptUser, String clients, String coalesceKey) {
    boolean isFor(MsgConnection connection) {
      return connection.userId() != exceptUser
          && (!Addresses.CLIENTS_PC.equals(clients) || ClientTypes.isPc(connection.clientType()))
          && (!Addresses.CLIENTS_MOBILE.equals(clients) || ClientTypes.isMobile(connection.clientType()));
    }
  }

  /**
   * A frame for every online connection of this instance but those of one user (presence, profile
   * changes). Broadcasts are gathered for {@link #BROADCAST_FLUSH_MS} and each connection then gets
   * its share in one write: a login storm announces every PC login to every PC client (as TeamTalk
   * does), and one write per event and connection would cost a system call each.
   */
  private void handleBroadcast(Message<Buffer> message) {
    Broadcast broadcast = new Broadcast(message.body(), Integer.parseInt(message.headers().get(Addresses.EXCEPT_USER)),
        message.headers().get(Addresses.CLIENT_FILTER), message.headers().get(Addresses.COALESCE_KEY));
    if (broadcast.coalesceKey() != null) {
      // only the latest of one user's profile changes gathered for this flush goes out
      for (int i = 0; i < pendingBroadcasts.size(); i++) {
        if (broadcast.coalesceKey().equals(pendingBroadcasts.get(i).coalesceKey())) {
          pendingBroadcasts.set(i, broadcast);
          return;
        }
      }
    }
    pendingBroadcasts.add(broadcast);
    if (pendingBroadcasts.size() == 1) {
      vertx.setTimer(BROADCAST_FLUSH_MS, id -> flushBroadcasts());
    }
  }

  private void flushBroadcasts() {
    List<Broadcast> broadcasts = new ArrayList<>(pendingBroadcasts);
    pendingBroadcasts.clear();
    for (MsgConnection connection : connections.values()) {
      if (!connection.isOnline()) {
        continue;
      }
      Buffer frames = null;
      for (Broadcast broadcast : broadcasts) {
        if (broadcast.isFor(connection)) {
          if (frames == null) {
            frames = Buffer.buffer();
          }
          frames.appendBuffer(broadcast.frame());
        }
      }
      if (frames != null) {
        connection.write(frames);
      }
    }
  }

  private void sweepIdle() {
    long now = System.currentTimeMillis();
    long loginMs = options.loginTimeoutSeconds() * 1000L;
    long pcMs = options.pcIdleTimeoutSeconds() * 1000L;
    long mobileMs = options.mobileIdleTimeoutSeconds() * 1000L;
    for (MsgConnection connection : new ArrayList<>(connections.values())) {
      connection.closeIfIdle(now, loginMs, pcMs, mobileMs);
    }
    limitHits.forgetEndedEpisodes(now);
    loginThrottle.forgetOld(now);
  }

  private JsonObject loadReport() {
    return new JsonObject()
        .put("instance", instanceId)
        .put("node", LocalNode.id(vertx))
        .put("priorIp", priorIp)
        .put("backupIp", backupIp)
        .put("port", server.actualPort())
        .put("current", connections.size())
        // every connection ever accepted: the login servers settle their hand-outs with it
        .put("accepted", nextConnectionId - 1)
        .put("max", maxConnections)
        .put("intervalMs", options.loadReportSeconds() * 1000L);
  }

  private void publishLoad() {
    vertx.eventBus().publish(Addresses.MSG_LOAD, loadReport());
  }

  void requestStarted() {
    if (++pendingRequests >= MAX_PENDING_REQUESTS && !overloaded) {
      overloaded = true;
      overloadsSinceLog++;
      long now = System.currentTimeMillis();
      if (now - overloadLoggedAt >= OVERLOAD_LOG_INTERVAL_MS) {
        log.warn("db proxy is behind ({} requests pending): reading paused on this instance's {} connections"
            + " ({} times since the last report)", pendingRequests, connections.size(), overloadsSinceLog);
        overloadLoggedAt = now;
        overloadsSinceLog = 0;
      }
      connections.values().forEach(MsgConnection::updateReading);
    }
  }

  void requestFinished() {
    if (--pendingRequests <= MAX_PENDING_REQUESTS / 2 && overloaded) {
      overloaded = false;
      connections.values().forEach(MsgConnection::updateReading);
    }
  }

  boolean isOverloaded() {
    return overloaded;
  }

  /** Flushes {@code connection} after the event-loop tasks queued now (it has just queued its first frame). */
  void flushLater(MsgConnection connection) {
    connectionsToFlush.add(connection);
    if (connectionsToFlush.size() == 1) {
      context.runOnContext(v -> flushConnections());
    }
  }

  private void flushConnections() {
    MsgConnection connection;
    while ((connection = connectionsToFlush.poll()) != null) {
      connection.flush();
    }
  }

  void removeConnection(MsgConnection connection) {
    connections.remove(connection.id());
  }

  MsgOptions options() { return options; }
  DbClient db() { return db; }
  RouteClient route() { return route; }
  EventBus eventBus() { return vertx.eventBus(); }
  FileServerClient fileServers() { return fileServers; }
  MsgMetrics metrics() { return metrics; }
  LimitHits limits() { return limitHits; }
  LoginThrottle loginThrottle() { return loginThrottle; }
  ProfileAnnouncer profileAnnouncer() { return profileAnnouncer; }
  io.vertx.core.Vertx vertx() { return vertx; }
  /** Where the failures of clients' requests are logged, a flood of one reason as one line. */
  ThrottledLog failureLog() { return failureLog; }
  CommandDispatcher commands() { return commands; }

  int nowSeconds() {
    return (int) (System.currentTimeMillis() / 1000);
  }
}
