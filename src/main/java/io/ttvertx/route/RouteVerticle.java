package io.ttvertx.route;

import io.micrometer.core.instrument.Gauge;
import io.ttvertx.ServerMetrics;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * logins. Routes publish that they are alive each second; a node silent for
 * {@code peerTimeoutMs} is taken as gone with all its logins.
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
  private final String node = UUID.randomUUID().toString();
  /** Other nodes' routes and logins, and when each was last heard of. */
  private final Map<String, Long> peersLastSeen = new HashMap<>();
  /** Changes from other nodes that arrived before the table did, applied after it. */
  private List<JsonObject> syncBacklog = new ArrayList<>();
  private long peerTimeoutMs;
  /** Logins waiting for the other routes to apply them, by sync sequence number. */
  private final Map<Long, PendingLogin> pendingLogins = new HashMap<>();
  private long nextSyncSeq;

  private EventBus bus;

  private record PendingLogin(Message<JsonObject> request, Set<String> waitingFor, long timer) {
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
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
        bus.<String>consumer(Addresses.ROUTE_ALIVE, message -> heardOf(message.body())),
        bus.<JsonObject>consumer(Addresses.routeNode(node), message -> handleSyncAck(message.body())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
        .compose(v -> loadTableFromPeer())
        .compose(v -> bus.<String>consumer(Addresses.ROUTE_SNAPSHOT, message -> message.reply(
            new JsonObject().put("node", node).put("logins", online.toJson()))).completion())
        .onSuccess(v -> {
          onlineUsersGauge = Gauge.builder("tt_route_online_users", online, OnlineTable::userCount)
              .description("Users online in the whole cluster, as this node's route knows them")
              .register(ServerMetrics.registry());
          bus.publish(Addresses.ROUTE_ALIVE, node);
          vertx.setPeriodic(ALIVE_INTERVAL_MS, id -> {
            bus.publish(Addresses.ROUTE_ALIVE, node);
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
          heardOf(reply.body().getString("node"));
          for (Object entry : logins) {
            JsonObject json = (JsonObject) entry;
            Endpoint endpoint = Endpoint.fromJson(json);
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
        node, System.currentTimeMillis());
    boolean hadPc = online.hasPc(userId);
    List<Endpoint> lost = online.add(userId, endpoint);
    kickOwn(userId, lost);
    if (lost.contains(endpoint)) {
      message.reply(new JsonObject());
      return;
    }
    long seq = nextSyncSeq++;
    bus.publish(Addresses.ROUTE_SYNC, endpoint.toJson(userId).put("op", "add").put("seq", seq));
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
    bus.publish(Addresses.ROUTE_SYNC, removed.toJson(userId).put("op", "remove"));
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
      bus.publish(Addresses.ROUTE_SYNC, new JsonObject().put("op", "removePc").put("user", userId)
          .put("node", node).put("reason", reason));
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
      bus.publish(Addresses.ROUTE_SYNC, new JsonObject().put("op", "removeUser").put("user", userId)
          .put("node", node).put("reason", reason));
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

  /** A login, logout or PC kick on another node; presence was announced there. */
  private void handleSync(JsonObject change) {
    String from = change.getString("node");
    if (node.equals(from)) {
      return;
    }
    if (syncBacklog != null) {
      syncBacklog.add(change);
      return;
    }
    heardOf(from);
    int userId = change.getInteger("user");
    switch (change.getString("op")) {
      case "add" -> {
        kickOwn(userId, online.add(userId, Endpoint.fromJson(change)));
        bus.send(Addresses.routeNode(from), new JsonObject().put("seq", change.getLong("seq")).put("node", node));
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
      default -> log.warn("ignoring unknown route change {}", change.getString("op"));
    }
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

  /** Notes that a peer is alive; a peer heard of for the first time hears of this route at once. */
  private void heardOf(String peer) {
    if (!node.equals(peer) && peersLastSeen.put(peer, System.currentTimeMillis()) == null) {
      bus.publish(Addresses.ROUTE_ALIVE, node);
    }
  }

  /**
   * Takes nodes not heard of for {@code peerTimeoutMs} as gone: their logins leave the table, and
   * the route with the smallest node id among those still here announces the PC logouts.
   */
  private void dropSilentPeers() {
    long now = System.currentTimeMillis();
    List<String> silent = new ArrayList<>();
    peersLastSeen.forEach((peer, lastSeen) -> {
      if (now - lastSeen > peerTimeoutMs) {
        silent.add(peer);
      }
    });
    for (String peer : silent) {
      peersLastSeen.remove(peer);
      Map<Integer, List<Endpoint>> removed = online.removeNode(peer);
      log.warn("node {} silent for {} ms: dropping its {} online users", peer, peerTimeoutMs, removed.size());
      boolean announces = peersLastSeen.keySet().stream().allMatch(other -> node.compareTo(other) < 0);
      if (announces) {
        removed.forEach((userId, endpoints) -> {
          if (endpoints.stream().anyMatch(e -> ClientTypes.isPc(e.clientType())) && !online.hasPc(userId)) {
            broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
            notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
          }
        });
      }
    }
  }

  private void handleDeliver(Message<Buffer> message) {
    String to = message.headers().get(Addresses.TO);
    if (message.replyAddress() != null) {
      // a relay the sender counts as pending until route has taken it
      message.reply(null);
    }
    if (to == null || to.isEmpty()) {
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
      for (Endpoint endpoint : online.endpoints(user)) {
        if ((exceptAddress == null || !endpoint.is(exceptAddress, exceptConn)) && accepts(clients, endpoint)) {
          add(connsByAddress, endpoint);
        }
      }
    }
    send(connsByAddress, message.body(), message.headers().get(Addresses.RECEIVED_AT));
  }

  private void handleBroadcast(Message<Buffer> message) {
    String exceptUserText = message.headers().get(Addresses.EXCEPT_USER);
    int exceptUser = exceptUserText == null ? 0 : Integer.parseInt(exceptUserText);
    broadcast(message.body(), exceptUser, message.headers().get(Addresses.CLIENT_FILTER),
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
    IMBuddy.IMUserStatNotify notify = IMBuddy.IMUserStatNotify.newBuilder()
        .setUserStat(IMBaseDefine.UserStat.newBuilder().setUserId(userId).setStatus(status))
        .build();
    broadcast(Pdu.encode(IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_STATUS_NOTIFY_VALUE, 0, notify), userId, Addresses.CLIENTS_PC);
  }

  private void notifyPcLoginStatus(int userId, IMBaseDefine.UserStatType status) {
    IMBuddy.IMPCLoginStatusNotify notify = IMBuddy.IMPCLoginStatusNotify.newBuilder()
        .setUserId(userId).setLoginStat(status).build();
    Buffer frame = Pdu.encode(IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY_VALUE, 0, notify);
    Map<String, StringBuilder> connsByAddress = new LinkedHashMap<>();
    for (Endpoint endpoint : online.endpoints(userId)) {
      if (ClientTypes.isMobile(endpoint.clientType())) {
        add(connsByAddress, endpoint);
      }
    }
    send(connsByAddress, frame);
  }

  private void broadcast(Buffer frame, int exceptUser, String clients) {
    broadcast(frame, exceptUser, clients, null);
  }

  private void broadcast(Buffer frame, int exceptUser, String clients, String coalesceKey) {
    DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.EXCEPT_USER, Integer.toString(exceptUser));
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
    return Addresses.CLIENTS_PC.equals(clients) ? ClientTypes.isPc(endpoint.clientType())
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
    send(connsByAddress, frame, null);
  }

  /** {@code receivedAt}: when msg received the message (a header passed on for the latency metric), or null. */
  private void send(Map<String, StringBuilder> connsByAddress, Buffer frame, String receivedAt) {
    connsByAddress.forEach((address, conns) -> {
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Addresses.ACTION, Addresses.ACTION_DELIVER)
          .addHeader(Addresses.CONNS, conns.toString());
      if (receivedAt != null) {
        options.addHeader(Addresses.RECEIVED_AT, receivedAt);
      }
      bus.send(address, frame, options);
    });
  }
}
