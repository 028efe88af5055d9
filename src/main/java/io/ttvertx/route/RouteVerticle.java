package io.ttvertx.route;

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

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Knows which msg instance holds each online user's connections and delivers frames to them. Every
 * delivery, kick and presence notification goes through here, addressed to msg instances over the
 * event bus, so it works the same with one instance, many instances or (with a clustered bus) many
 * nodes. Reproduces the presence rules of TeamTalk's route_server (RouteConn.cpp,
 * _HandleUserStatusUpdate): PC logins and logouts are announced to every online PC connection, and
 * a user's mobile connections learn whether the user's PC is online.
 */
public class RouteVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RouteVerticle.class);

  private final OnlineTable online = new OnlineTable();
  private EventBus bus;

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<JsonObject>consumer(Addresses.ROUTE_ONLINE, this::handleOnline),
        bus.<JsonObject>consumer(Addresses.ROUTE_OFFLINE, this::handleOffline),
        bus.<Buffer>consumer(Addresses.ROUTE_DELIVER, this::handleDeliver),
        bus.<Buffer>consumer(Addresses.ROUTE_BROADCAST, this::handleBroadcast),
        bus.<JsonArray>consumer(Addresses.ROUTE_STATUS, this::handleStatus),
        bus.<JsonObject>consumer(Addresses.ROUTE_KICK_PC, this::handleKickPc));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private void handleOnline(Message<JsonObject> message) {
    JsonObject body = message.body();
    int userId = body.getInteger("user");
    Endpoint endpoint = new Endpoint(body.getString("address"), body.getLong("conn"), body.getInteger("clientType"));
    boolean hadPc = online.hasPc(userId);
    for (Endpoint replaced : online.add(userId, endpoint)) {
      log.info("user {} logged in again from client type {}: kicking connection {} at {}", userId,
          endpoint.clientType(), replaced.conn(), replaced.address());
      kick(userId, replaced, IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER_VALUE);
    }
    message.reply(new JsonObject());
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
    JsonObject body = message.body();
    int userId = body.getInteger("user");
    Endpoint removed = online.remove(userId, body.getString("address"), body.getLong("conn"));
    if (removed != null && ClientTypes.isPc(removed.clientType()) && !online.hasPc(userId)) {
      broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
    }
  }

  private void handleKickPc(Message<JsonObject> message) {
    int userId = message.body().getInteger("user");
    int reason = message.body().getInteger("reason", IMBaseDefine.KickReasonType.KICK_REASON_MOBILE_KICK_VALUE);
    List<Endpoint> kicked = online.removePc(userId);
    for (Endpoint endpoint : kicked) {
      kick(userId, endpoint, reason);
    }
    message.reply(new JsonObject().put("kicked", kicked.size()));
    if (!kicked.isEmpty()) {
      broadcastStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
      notifyPcLoginStatus(userId, IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);
    }
  }

  private void handleDeliver(Message<Buffer> message) {
    String to = message.headers().get(Addresses.TO);
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
    send(connsByAddress, message.body());
  }

  private void handleBroadcast(Message<Buffer> message) {
    String exceptUserText = message.headers().get(Addresses.EXCEPT_USER);
    int exceptUser = exceptUserText == null ? 0 : Integer.parseInt(exceptUserText);
    broadcast(message.body(), exceptUser, message.headers().get(Addresses.CLIENT_FILTER));
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
    DeliveryOptions options = new DeliveryOptions().addHeader(Addresses.EXCEPT_USER, Integer.toString(exceptUser));
    if (clients != null) {
      options.addHeader(Addresses.CLIENT_FILTER, clients);
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
    connsByAddress.forEach((address, conns) -> bus.send(address, frame, new DeliveryOptions()
        .addHeader(Addresses.ACTION, Addresses.ACTION_DELIVER)
        .addHeader(Addresses.CONNS, conns.toString())));
  }
}
