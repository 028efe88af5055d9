package io.ttvertx.route;

import io.micrometer.core.instrument.Gauge;
import io.ttvertx.ServerMetrics;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.ClusterMembership;
import io.ttvertx.bus.LocalNode;
import io.ttvertx.protocol.ClientTypes;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBuddy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.List;
import java.util.Map;

/**
 * Knows which msg instance holds each online user's connections and delivers frames to them. Every
 * delivery, kick and presence notification goes through here, addressed to msg instances over the
 * event bus, so it works the same with one instance, many instances or many nodes. Reproduces the
 * presence rules of TeamTalk's route_server (RouteConn.cpp, _HandleUserStatusUpdate): PC logins and
 * logouts are announced to every online PC connection, and a user's mobile connections learn whether
 * the user's PC is online.
 *
 * <p>Each node runs one route, which its msg instances ask (local-only sends). Every route holds the
 * whole cluster's online table: it publishes the logins and logouts of its node on
 * {@link Addresses#ROUTE_SYNC}, applies those of the others, and a route that starts late asks a peer
 * for the table. A login is answered once every other route known to be alive has applied it (or a
 * second has passed), so a message sent to the user from any node right after reaches them. A route
 * kicks only its own node's connections (a login that lost to a newer one of
 * the same client class, wherever that one logged in) and announces presence only for its node's
 * logins.
 *
 * <p>Which of two logins of one user wins is decided by {@link HybridClock} stamps, which every
 * message between routes carries, not by the nodes' wall clocks. Routes publish that they are alive
 * each second. A node is taken as gone with all its logins when the cluster manager says it left
 * ({@link ClusterMembership}), or when it has been silent for {@code peerTimeoutMs}; each route then
 * tells its own node's clients who went offline. Whenever a route hears of a node it did not know (a
 * node that starts, or one it had dropped after a pause or a partition), or misses one of its
 * changes (the changes of a node are numbered), the two exchange the logins made on each: the table
 * heals both ways without anyone logging in again.
 */
public class RouteVerticle extends VerticleBase {
  private Gauge onlineUsersGauge;
  private static final Logger log = LoggerFactory.getLogger(RouteVerticle.class);
  /** Config key: how long a silent node keeps its logins in the table. */
  public static final String PEER_TIMEOUT_MS = "peerTimeoutMs";
  static final long DEFAULT_PEER_TIMEOUT_MS = 10_000;
  static final long ALIVE_INTERVAL_MS = 1_000;
  static final long SNAPSHOT_TIMEOUT_MS = 10_000;
  static final long SYNC_ACK_TIMEOUT_MS = 1_000;

  private final OnlineTable online = new OnlineTable();
  private final HybridClock clock;
  private String node;
  /** Other nodes' routes and logins, and when each was last heard of (monotonic ms). */
  private final Map<String, Long> peersLastSeen = new HashMap<>();
  /** The number of the last change applied from each peer, to notice one that was lost. */
  private final Map<String, Long> lastSeqFrom = new HashMap<>();
  /** Changes from other nodes that arrived before the table did, applied after it. */
  private List<JsonObject> syncBacklog = new ArrayList<>();
  private long peerTimeoutMs;
  /** Logins waiting for the other routes to apply them, by sync sequence number. */
  private final Map<Long, PendingLogin> pendingLogins = new HashMap<>();
  private long nextSyncSeq;

  private EventBus bus;

  private record PendingLogin(Message<JsonObject> request, Set<String> waitingFor, long timer) {
  }

  public RouteVerticle() {
    this(Clock.systemUTC());
  }

  /** A route whose hybrid clock follows {@code wallClock} (a test skews one node's). */
  public RouteVerticle(Clock wallClock) {
    this.clock = new HybridClock(wallClock);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    node = LocalNode.id(vertx);
    ClusterMembership.watch(vertx);
    peerTimeoutMs = config().getLong(PEER_TIMEOUT_MS, DEFAULT_PEER_TIMEOUT_MS);
    List<MessageConsumer<?>> consumers = List.of(
        bus.<JsonObject>consumer(Addresses.ROUTE_ONLINE, this::handleOnline),
        bus.<JsonObject>consumer(Addresses.ROUTE_OFFLINE, this::handleOffline),
        bus.<Buffer>consumer(Addresses.ROUTE_DELIVER, this::handleDeliver),
        bus.<Buffer>consumer(Addresses.ROUTE_BROADCAST, this::handleBroadcast),
        bus.<JsonArray>consumer(Addresses.ROUTE_STATUS, this::handleStatus),
        bus.<JsonObject>consumer(Addresses.ROUTE_KICK_PC, this::handleKickPc),
        bus.<JsonObject>consumer(Addresses.ROUTE_KICK_USER, this::handleKickUser),
        bus.<JsonObject>consumer(Addresses.ROUTE_PRESENCE, this::handlePresence),
        bus.<JsonObject>consumer(Addresses.ROUTE_HAS_PC,
            message -> message.reply(new JsonObject().put("pc", online.hasPc(message.body().getInteger("user"))))),
        bus.<JsonArray>consumer(Addresses.ROUTE_MOBILE_ONLINE, this::handleMobileOnline),
        bus.<JsonObject>consumer(Addresses.ROUTE_SYNC, message -> handleSync(message.body())),
        bus.<JsonObject>consumer(Addresses.ROUTE_ALIVE, message -> handleAlive(message.body())),
        bus.<JsonObject>consumer(Addresses.routeNode(node), message -> handleNodeMessage(message.body())),
        bus.<String>consumer(ClusterMembership.NODE_LEFT, message -> dropPeer(message.body(), "left the cluster")));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> loadTableFromPeer())
        .compose(v -> bus.<String>consumer(Addresses.ROUTE_SNAPSHOT, message -> message.reply(
            new JsonObject().put("node", node).put("hlc", clock.current()).put("logins", online.toJson()))).completion())
        .onSuccess(v -> {
          onlineUsersGauge = Gauge.builder("tt_route_online_users", online, OnlineTable::userCount)
              .description("Users online in the whole cluster, as this node's route knows them")
              .register(ServerMetrics.registry());
          publishAlive();
          vertx.setPeriodic(ALIVE_INTERVAL_MS, id -> {
            publishAlive();
            dropSilentPeers();
          });
        });
  }

  /** The asked users with a mobile client online on any node (the push verticle skips them). */
  private void handleMobileOnline(Message<JsonArray> message) {
    JsonArray withMobile = new JsonArray();
    for (Object user : message.body()) {
      if (user instanceof Number id && online.hasMobile(id.intValue())) {
        withMobile.add(id.intValue());
      }
    }
    message.reply(withMobile);
  }

  @Override
  public Future<?> stop() {
    if (onlineUsersGauge != null) {
      ServerMetrics.registry().remove(onlineUsersGauge);
    }
    return Future.succeededFuture();
  }

  /** A route that starts while others run takes their table; the first one starts empty. */
  private Future<Void> loadTableFromPeer() {
    return bus.<JsonObject>request(Addresses.ROUTE_SNAPSHOT, node,
            new DeliveryOptions().setSendTimeout(SNAPSHOT_TIMEOUT_MS))
        .map(reply -> {
          JsonArray logins = reply.body().getJsonArray("logins");
          clock.observe(reply.body().getLong("hlc", 0L));
          heardOf(reply.body().getString("node"));
          for (Object entry : logins) {
            JsonObject json = (JsonObject) entry;
            Endpoint endpoint = Endpoint.fromJson(json);
            clock.observe(endpoint.order());
            heardOf(endpoint.node());
            online.add(json.getInteger("user"), endpoint);
          }
          log.info("route joined the cluster's online table ({} logins)", logins.size());
          return (Void) null;
        })
        .recover(none -> Future.succeededFuture())
        .andThen(ar -> {
          List<JsonObject> backlog = syncBacklog;
          syncBacklog = null;
          backlog.forEach(this::handleSync);
        });
  }

  /** A login: the user and client type are the request's actor, set by msg from the connection. */
  private void handleOnline(Message<JsonObject> message) {
    Actor actor = userActor(message);
    if (actor == null) {
      return;
    }
    JsonObject body = message.body();
    int userId = actor.userId();
    Endpoint endpoint = new Endpoint(body.getString("address"), body.getLong("conn"), actor.clientType(),
        node, clock.wallMillis(), clock.tick());
    boolean hadPc = online.hasPc(userId);
    List<Endpoint> lost = online.add(userId, endpoint);
    kickOwn(userId, lost);
    if (lost.contains(endpoint)) {
      message.reply(new JsonObject());
      return;
    }
    long seq = publishSync(endpoint.toJson(userId).put("op", "add"));
    replyWhenApplied(seq, message);
    if (ClientTypes.isPc(endpoint.clientType())) {
      if (!hadPc) {
        broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
      }
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
    } else if (online.hasPc(userId)) {
      // a new mobile connection learns that the user's PC is online, as TeamTalk's route does
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_ONLINE);
    }
  }

  private void handleOffline(Message<JsonObject> message) {
    Actor actor = userActor(message);
    if (actor == null) {
      return;
    }
    JsonObject body = message.body();
    int userId = actor.userId();
    Endpoint removed = online.remove(userId, body.getString("address"), body.getLong("conn"));
    if (removed == null) {
      return;
    }
    publishSync(removed.toJson(userId).put("op", "remove"));
    if (ClientTypes.isPc(removed.clientType()) && !online.hasPc(userId)) {
      broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
    }
  }

  /** A mobile client kicks its own user's PC clients: the user is the request's actor. */
  private void handleKickPc(Message<JsonObject> message) {
    Actor actor = userActor(message);
    if (actor == null) {
      return;
    }
    int userId = actor.userId();
    int reason = message.body().getInteger("reason", IMBaseDefine.KickReasonType.KICK_REASON_MOBILE_KICK_VALUE);
    List<Endpoint> kicked = online.removePc(userId);
    for (Endpoint endpoint : kicked) {
      if (endpoint.node().equals(node)) {
        kick(userId, endpoint, reason);
      }
    }
    message.reply(new JsonObject().put("kicked", kicked.size()));
    if (!kicked.isEmpty()) {
      publishSync(new JsonObject().put("op", "removePc").put("user", userId).put("node", node).put("reason", reason));
      broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
    }
  }

  /** The user a request from msg acts for; null (the request refused) when its headers name none. */
  private static Actor userActor(Message<?> message) {
    Actor actor = Actor.fromHeaders(message.headers());
    if (actor.isUser()) {
      return actor;
    }
    log.warn("refused a request to {} that names no user actor", message.address());
    message.fail(400, "a request to " + message.address() + " needs the user it acts for in its headers");
    return null;
  }

  /** The administration removes a user: every connection, wherever it is, is kicked. */
  private void handleKickUser(Message<JsonObject> message) {
    int userId = message.body().getInteger("user");
    int reason = message.body().getInteger("reason");
    boolean hadPc = online.hasPc(userId);
    List<Endpoint> kicked = online.removeUser(userId);
    kicked.stream().filter(endpoint -> endpoint.node().equals(node)).forEach(endpoint -> kick(userId, endpoint, reason));
    message.reply(new JsonObject().put("kicked", kicked.size()));
    if (!kicked.isEmpty()) {
      log.info("user {} kicked by the administration from {} connections", userId, kicked.size());
      publishSync(new JsonObject().put("op", "removeUser").put("user", userId).put("node", node).put("reason", reason));
      if (hadPc) {
        broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      }
    }
  }

  /** Who is online in the whole cluster: counts by node and client type, and one page of the users. */
  private void handlePresence(Message<JsonObject> message) {
    int offset = message.body().getInteger("offset", 0);
    int limit = message.body().getInteger("limit", 0);
    JsonArray nodes = new JsonArray();
    int connections = 0;
    for (Map.Entry<String, Map<Integer, Integer>> entry : online.countsByNode().entrySet()) {
      JsonObject clientTypes = new JsonObject();
      int ofNode = 0;
      for (Map.Entry<Integer, Integer> count : entry.getValue().entrySet()) {
        clientTypes.put(Integer.toString(count.getKey()), count.getValue());
        ofNode += count.getValue();
      }
      connections += ofNode;
      nodes.add(new JsonObject().put("node", entry.getKey()).put("connections", ofNode).put("clientTypes", clientTypes));
    }
    JsonArray page = new JsonArray();
    SortedSet<Integer> users = online.users();
    users.stream().skip(offset).limit(limit).forEach(userId -> {
      JsonArray ofUser = new JsonArray();
      online.endpoints(userId).forEach(endpoint -> ofUser.add(new JsonObject().put("node", endpoint.node())
          .put("clientType", endpoint.clientType()).put("since", endpoint.since())));
      page.add(new JsonObject().put("user", userId).put("connections", ofUser));
    });
    message.reply(new JsonObject().put("connections", connections).put("users", users.size()).put("nodes", nodes)
        .put("online", page));
  }

  /** Answers a login once the other routes alive have applied it, or after {@link #SYNC_ACK_TIMEOUT_MS}. */
  private void replyWhenApplied(long seq, Message<JsonObject> request) {
    if (peersLastSeen.isEmpty()) {
      request.reply(new JsonObject());
      return;
    }
    long timer = vertx.setTimer(SYNC_ACK_TIMEOUT_MS, id -> {
      PendingLogin late = pendingLogins.remove(seq);
      if (late != null) {
        log.info("login of connection {} answered before nodes {} confirmed it", late.request().body().getLong("conn"),
            late.waitingFor());
        late.request().reply(new JsonObject());
      }
    });
    pendingLogins.put(seq, new PendingLogin(request, new HashSet<>(peersLastSeen.keySet()), timer));
  }

  private void handleSyncAck(JsonObject ack) {
    PendingLogin pending = pendingLogins.get(ack.getLong("seq"));
    if (pending != null && pending.waitingFor().remove(ack.getString("node")) && pending.waitingFor().isEmpty()) {
      pendingLogins.remove(ack.getLong("seq"));
      vertx.cancelTimer(pending.timer());
      pending.request().reply(new JsonObject());
    }
  }

  /** Publishes a change of this node's logins to the other routes; returns its number. */
  private long publishSync(JsonObject change) {
    long seq = nextSyncSeq++;
    bus.publish(Addresses.ROUTE_SYNC, change.put("seq", seq).put("hlc", clock.current()));
    return seq;
  }

  private void publishAlive() {
    bus.publish(Addresses.ROUTE_ALIVE, new JsonObject().put("node", node).put("hlc", clock.current())
        .put("seq", nextSyncSeq - 1));
  }

  /** A peer's heartbeat: its clock, and the number of its last change, so a lost one shows. */
  private void handleAlive(JsonObject alive) {
    String from = alive.getString("node");
    if (node.equals(from) || syncBacklog != null) {
      return;
    }
    clock.observe(alive.getLong("hlc", 0L));
    boolean known = peersLastSeen.containsKey(from);
    heardOf(from);
    Long applied = lastSeqFrom.get(from);
    if (known && applied != null && alive.getLong("seq") > applied) {
      log.warn("missed changes {}..{} of node {}: exchanging logins", applied + 1, alive.getLong("seq"), from);
      exchangeLogins(from, true);
    }
  }

  /** On this route's own address: another route applied one of our logins, or sends the logins of its node. */
  private void handleNodeMessage(JsonObject message) {
    if ("ack".equals(message.getString("op"))) {
      handleSyncAck(message);
    } else {
      handleSync(message);
    }
  }

  /** A login, logout or PC kick on another node (presence was announced there), or all its logins. */
  private void handleSync(JsonObject change) {
    String from = change.getString("node");
    if (node.equals(from)) {
      return;
    }
    if (syncBacklog != null) {
      syncBacklog.add(change);
      return;
    }
    clock.observe(change.getLong("hlc", 0L));
    boolean sentOurs = heardOf(from);
    String op = change.getString("op");
    if ("logins".equals(op)) {
      applyLoginsOf(from, change.getJsonArray("logins"));
      lastSeqFrom.put(from, change.getLong("seq"));
      if (change.getBoolean("answer", false) && !sentOurs) {
        exchangeLogins(from, false);
      }
      return;
    }
    long seq = change.getLong("seq");
    Long applied = lastSeqFrom.put(from, seq);
    if (applied != null && seq > applied + 1) {
      log.warn("missed changes {}..{} of node {}: exchanging logins", applied + 1, seq - 1, from);
      exchangeLogins(from, true);
    }
    int userId = change.getInteger("user");
    switch (op) {
      case "add" -> {
        kickOwn(userId, online.add(userId, Endpoint.fromJson(change)));
        bus.send(Addresses.routeNode(from), new JsonObject().put("op", "ack").put("seq", seq).put("node", node));
      }
      case "remove" -> online.remove(userId, change.getString("address"), change.getLong("conn"));
      case "removeUser" -> {
        int reason = change.getInteger("reason");
        online.removeUser(userId).stream().filter(endpoint -> endpoint.node().equals(node))
            .forEach(endpoint -> kick(userId, endpoint, reason));
      }
      case "removePc" -> {
        int reason = change.getInteger("reason");
        online.removePc(userId).stream().filter(endpoint -> endpoint.node().equals(node))
            .forEach(endpoint -> kick(userId, endpoint, reason));
      }
      default -> log.warn("ignoring unknown route change {}", op);
    }
  }

  /**
   * Sends {@code peer} every login made on this node (which replace what it holds for this node) and,
   * with {@code answer}, asks for its own back.
   */
  private void exchangeLogins(String peer, boolean answer) {
    bus.send(Addresses.routeNode(peer), new JsonObject().put("op", "logins").put("node", node)
        .put("seq", nextSyncSeq - 1).put("hlc", clock.current()).put("answer", answer)
        .put("logins", online.toJson(node)));
  }

  /**
   * Replaces what the table holds for node {@code from} with its own list: two logins of one user in
   * one client class made on both sides of a partition are decided by their stamps (each route kicks
   * its own loser), and this node's clients learn whose PC came or went meanwhile.
   */
  private void applyLoginsOf(String from, JsonArray logins) {
    Map<Integer, Boolean> hadPc = new HashMap<>();
    for (Object entry : logins) {
      int userId = ((JsonObject) entry).getInteger("user");
      hadPc.computeIfAbsent(userId, online::hasPc);
    }
    online.removeNode(from).forEach((userId, endpoints) -> hadPc.computeIfAbsent(userId,
        id -> online.hasPc(id) || endpoints.stream().anyMatch(endpoint -> ClientTypes.isPc(endpoint.clientType()))));
    for (Object entry : logins) {
      JsonObject json = (JsonObject) entry;
      Endpoint endpoint = Endpoint.fromJson(json);
      clock.observe(endpoint.order());
      kickOwn(json.getInteger("user"), online.add(json.getInteger("user"), endpoint));
    }
    int changed = 0;
    for (Map.Entry<Integer, Boolean> user : hadPc.entrySet()) {
      boolean hasPc = online.hasPc(user.getKey());
      if (hasPc != user.getValue()) {
        changed++;
        announceToOwnNode(user.getKey(), hasPc ? IMBaseDefine.UserStatType.USER_STATUS_ONLINE
            : IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      }
    }
    log.info("node {} sent its {} logins ({} users' PC presence changed here)", from, logins.size(), changed);
  }

  /** Kicks this node's connections among logins that lost to a newer one of the same client class. */
  private void kickOwn(int userId, List<Endpoint> lost) {
    for (Endpoint endpoint : lost) {
      if (endpoint.node().equals(node)) {
        log.info("user {} logged in again: kicking connection {} at {}", userId, endpoint.conn(), endpoint.address());
        kick(userId, endpoint, IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER_VALUE);
      }
    }
  }

  /**
   * Notes that a peer is alive. A peer heard of for the first time (new, or dropped before) hears of
   * this route at once, and the two exchange their logins; returns whether that happened.
   */
  private boolean heardOf(String peer) {
    if (node.equals(peer) || peersLastSeen.put(peer, monotonicMillis()) != null) {
      return false;
    }
    lastSeqFrom.remove(peer);
    publishAlive();
    exchangeLogins(peer, true);
    return true;
  }

  private static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  /** Takes nodes not heard of for {@code peerTimeoutMs} as gone. */
  private void dropSilentPeers() {
    long now = monotonicMillis();
    List<String> silent = new ArrayList<>();
    peersLastSeen.forEach((peer, lastSeen) -> {
      if (now - lastSeen > peerTimeoutMs) {
        silent.add(peer);
      }
    });
    silent.forEach(peer -> dropPeer(peer, "silent for " + peerTimeoutMs + " ms"));
  }

  /**
   * A node is gone (or out of reach): its logins leave the table, logins waiting for it to confirm
   * are answered, and this node's clients learn which users' PCs went offline. A node dropped while
   * it still runs comes back through {@link #heardOf}.
   */
  private void dropPeer(String peer, String why) {
    if (node.equals(peer)) {
      return;
    }
    boolean known = peersLastSeen.remove(peer) != null;
    lastSeqFrom.remove(peer);
    for (Map.Entry<Long, PendingLogin> entry : new ArrayList<>(pendingLogins.entrySet())) {
      PendingLogin pending = entry.getValue();
      if (pending.waitingFor().remove(peer) && pending.waitingFor().isEmpty()) {
        pendingLogins.remove(entry.getKey());
        vertx.cancelTimer(pending.timer());
        pending.request().reply(new JsonObject());
      }
    }
    Map<Integer, List<Endpoint>> removed = online.removeNode(peer);
    if (known || !removed.isEmpty()) {
      log.warn("node {} {}: dropping its {} online users", peer, why, removed.size());
    }
    removed.forEach((userId, endpoints) -> {
      if (endpoints.stream().anyMatch(e -> ClientTypes.isPc(e.clientType())) && !online.hasPc(userId)) {
        announceToOwnNode(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      }
    });
  }

  /** A user's PC presence changed without a login or logout here: tells this node's clients only. */
  private void announceToOwnNode(int userId, IMBaseDefine.UserStatType status) {
    broadcast(statusNotify(userId, status), userId, Addresses.CLIENTS_PC, true);
    Map<String, StringBuilder> connsByAddress = new LinkedHashMap<>();
    for (Endpoint endpoint : online.endpoints(userId)) {
      if (ClientTypes.isMobile(endpoint.clientType()) && endpoint.node().equals(node)) {
        add(connsByAddress, endpoint);
      }
    }
    send(connsByAddress, pcLoginStatusNotify(userId, status));
  }

  /**
   * Delivers a frame to the listed users' connections. A sender that asks for a reply (a P2P relay it
   * counts as pending, a web client's message awaiting its delivery receipt) gets the users that had
   * a connection to deliver to.
   */
  private void handleDeliver(Message<Buffer> message) {
    String to = message.headers().get(Addresses.TO);
    // only a sender waiting for the answer is told whom it reached: most deliveries need no list
    JsonArray reached = message.replyAddress() == null ? null : new JsonArray();
    if (to == null || to.isEmpty()) {
      if (reached != null) {
        message.reply(reached);
      }
      return;
    }
    String exceptAddress = message.headers().get(Addresses.EXCEPT_ADDRESS);
    String exceptConnText = message.headers().get(Addresses.EXCEPT_CONN);
    long exceptConn = exceptConnText == null ? -1 : Long.parseLong(exceptConnText);
    String clients = message.headers().get(Addresses.CLIENT_FILTER);
    Map<String, StringBuilder> connsByAddress = new LinkedHashMap<>();
    Set<Integer> users = new LinkedHashSet<>();
    for (String user : to.split(",")) {
      users.add(Integer.parseInt(user));
    }
    for (int user : users) {
      boolean any = false;
      for (Endpoint endpoint : online.endpoints(user)) {
        if ((exceptAddress == null || !endpoint.is(exceptAddress, exceptConn)) && accepts(clients, endpoint)) {
          add(connsByAddress, endpoint);
          any = true;
        }
      }
      if (any && reached != null) {
        reached.add(user);
      }
    }
    send(connsByAddress, message.body(), message.headers().get(Addresses.RECEIVED_AT),
        Addresses.CLIENTS_WEB.equals(clients));
    if (reached != null) {
      message.reply(reached);
    }
  }

  private void handleBroadcast(Message<Buffer> message) {
    String exceptUserText = message.headers().get(Addresses.EXCEPT_USER);
    int exceptUser = exceptUserText == null ? 0 : Integer.parseInt(exceptUserText);
    broadcast(message.body(), exceptUser, message.headers().get(Addresses.CLIENT_FILTER), false,
        message.headers().get(Addresses.COALESCE_KEY));
  }

  private void handleStatus(Message<JsonArray> message) {
    JsonObject statuses = new JsonObject();
    for (Object id : message.body()) {
      int userId = ((Number) id).intValue();
      statuses.put(Integer.toString(userId), online.isOnline(userId)
          ? IMBaseDefine.UserStatType.USER_STATUS_ONLINE_VALUE
          : IMBaseDefine.UserStatType.USER_STATUS_OFFLINE_VALUE);
    }
    message.reply(statuses);
  }

  private void broadcastStatus(int userId, IMBaseDefine.UserStatType status) {
    broadcast(statusNotify(userId, status), userId, Addresses.CLIENTS_PC, false);
  }

  private static Buffer statusNotify(int userId, IMBaseDefine.UserStatType status) {
    IMBuddy.IMUserStatNotify notify = IMBuddy.IMUserStatNotify.newBuilder()
        .setUserStat(IMBaseDefine.UserStat.newBuilder().setUserId(userId).setStatus(status))
        .build();
    return Pdu.encode(IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_STATUS_NOTIFY_VALUE, 0, notify);
  }

  private void notifyPcLoginStatus(int userId, IMBaseDefine.UserStatType status) {
    Map<String, StringBuilder> connsByAddress = new LinkedHashMap<>();
    for (Endpoint endpoint : online.endpoints(userId)) {
      if (ClientTypes.isMobile(endpoint.clientType())) {
        add(connsByAddress, endpoint);
      }
    }
    send(connsByAddress, pcLoginStatusNotify(userId, status));
  }

  private static Buffer pcLoginStatusNotify(int userId, IMBaseDefine.UserStatType status) {
    IMBuddy.IMPCLoginStatusNotify notify = IMBuddy.IMPCLoginStatusNotify.newBuilder()
        .setUserId(userId).setLoginStat(status).build();
    return Pdu.encode(IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY_VALUE, 0, notify);
  }

  private void broadcast(Buffer frame, int exceptUser, String clients, boolean ownNodeOnly) {
    broadcast(frame, exceptUser, clients, ownNodeOnly, null);
  }

  /**
   * Publishes a frame to every msg instance ({@code ownNodeOnly}: of this node) for their connections;
   * of those with one {@code coalesceKey} an instance gathers for a write, it writes only the latest.
   */
  private void broadcast(Buffer frame, int exceptUser, String clients, boolean ownNodeOnly, String coalesceKey) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.EXCEPT_USER, Integer.toString(exceptUser))
        .setLocalOnly(ownNodeOnly);
    if (clients != null) {
      options.addHeader(Addresses.CLIENT_FILTER, clients);
    }
    if (coalesceKey != null) {
      options.addHeader(Addresses.COALESCE_KEY, coalesceKey);
    }
    bus.publish(Addresses.MSG_BROADCAST, frame, options);
  }

  private void kick(int userId, Endpoint endpoint, int reason) {
    bus.send(endpoint.address(), null, new DeliveryOptions()
        .addHeader(Addresses.ACTION, Addresses.ACTION_KICK)
        .addHeader(Addresses.CONNS, Long.toString(endpoint.conn()))
        .addHeader(Addresses.TO, Integer.toString(userId))
        .addHeader(Addresses.REASON, Integer.toString(reason)));
  }

  private static boolean accepts(String clients, Endpoint endpoint) {
    if (clients == null) {
      return true;
    }
    // browsers log in as PC clients; their msg instance tells them from native ones
    return Addresses.CLIENTS_PC.equals(clients) || Addresses.CLIENTS_WEB.equals(clients)
        ? ClientTypes.isPc(endpoint.clientType())
        : ClientTypes.isMobile(endpoint.clientType());
  }

  private static void add(Map<String, StringBuilder> connsByAddress, Endpoint endpoint) {
    StringBuilder conns = connsByAddress.get(endpoint.address());
    if (conns == null) {
      connsByAddress.put(endpoint.address(), new StringBuilder().append(endpoint.conn()));
    } else {
      conns.append(',').append(endpoint.conn());
    }
  }

  private void send(Map<String, StringBuilder> connsByAddress, Buffer frame) {
    send(connsByAddress, frame, null, false);
  }

  /**
   * {@code receivedAt}: when msg received the message (a header passed on for the latency metric), or
   * null; {@code webOnly}: the msg instances write it only to their browsers' connections.
   */
  private void send(Map<String, StringBuilder> connsByAddress, Buffer frame, String receivedAt, boolean webOnly) {
    connsByAddress.forEach((address, conns) -> {
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Addresses.ACTION, Addresses.ACTION_DELIVER)
          .addHeader(Addresses.CONNS, conns.toString());
      if (receivedAt != null) {
        options.addHeader(Addresses.RECEIVED_AT, receivedAt);
      }
      if (webOnly) {
        options.addHeader(Addresses.CLIENT_FILTER, Addresses.CLIENTS_WEB);
      }
      bus.send(address, frame, options);
    });
  }
}
