package io.ttvertx.msg;

import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The msg side of the route verticle's event-bus API (see {@link Addresses}). Everything goes to this
 * node's route (local-only sends): every route knows the whole cluster's logins. Every request
 * made for a logged-in user carries that user as its {@link Actor} in its headers, which the route
 * takes the acting user from (a login, a logout, a PC kick).
 */
final class RouteClient {
  private final EventBus bus;
  private final String instanceAddress;
  private final long timeoutMs;

  RouteClient(EventBus bus, String instanceAddress, long timeoutMs) {
    this.bus = bus;
    this.instanceAddress = instanceAddress;
    this.timeoutMs = timeoutMs;
  }

  /** A connection of {@code userId} logged in: the user is the request's actor (route reads it from there). */
  Future<Void> online(int userId, int clientType, long conn) {
    JsonObject body = new JsonObject().put("address", instanceAddress).put("conn", conn);
    return bus.request(Addresses.ROUTE_ONLINE, body, forUser(Actor.user(userId, clientType)).options()
        .setSendTimeout(timeoutMs)).mapEmpty();
  }

  /** A connection of {@code userId} went away (its client type is the route's to remember: 0 here). */
  void offline(int userId, long conn) {
    bus.send(Addresses.ROUTE_OFFLINE, new JsonObject().put("address", instanceAddress).put("conn", conn),
        forUser(Actor.user(userId, 0)).options());
  }

  /** The route requests made for one logged-in user: each carries the user as its actor, in its headers. */
  ForUser forUser(Actor actor) {
    return new ForUser(actor);
  }

  final class ForUser {
    private final Actor actor;

    private ForUser(Actor actor) {
      this.actor = actor;
    }

    private DeliveryOptions options() {
      return actor.addTo(local());
    }

    /** Delivers {@code frame} to every connection of {@code userIds} except connection {@code exceptConn} here. */
    void deliver(Collection<Integer> userIds, Buffer frame, long exceptConn) {
      bus.send(Addresses.ROUTE_DELIVER, frame, deliveryTo(userIds, exceptConn));
    }

    /**
     * As {@link #deliver(Collection, Buffer, long)}, for a message msg received at {@code receivedAtMs}
     * (for the latency metric).
     */
    void deliverMessage(Collection<Integer> userIds, Buffer frame, long exceptConn, long receivedAtMs) {
      bus.send(Addresses.ROUTE_DELIVER, frame, deliveryTo(userIds, exceptConn)
          .addHeader(Addresses.RECEIVED_AT, Long.toString(receivedAtMs)));
    }

    private DeliveryOptions deliveryTo(Collection<Integer> userIds, long exceptConn) {
      return options()
          .addHeader(Addresses.TO, userIds.stream().map(String::valueOf).collect(Collectors.joining(",")))
          .addHeader(Addresses.EXCEPT_ADDRESS, instanceAddress)
          .addHeader(Addresses.EXCEPT_CONN, Long.toString(exceptConn));
    }

    /**
     * As {@link #deliverMessage}, and completes with the users that had a connection to deliver to
     * (for a browser sender's delivery receipt).
     */
    Future<JsonArray> deliverMessageReached(Collection<Integer> userIds, Buffer frame, long exceptConn,
                                            long receivedAtMs) {
      return bus.<JsonArray>request(Addresses.ROUTE_DELIVER, frame, deliveryTo(userIds, exceptConn)
          .addHeader(Addresses.RECEIVED_AT, Long.toString(receivedAtMs)).setSendTimeout(timeoutMs))
          .map(Message::body);
    }

    /** Delivers {@code frame} to {@code userId}'s browsers only (see {@link Addresses#CLIENTS_WEB}). */
    void deliverToBrowsers(int userId, Buffer frame) {
      bus.send(Addresses.ROUTE_DELIVER, frame, deliveryTo(List.of(userId), -1)
          .addHeader(Addresses.CLIENT_FILTER, Addresses.CLIENTS_WEB));
    }

    /** Delivers {@code frame} to the user's own other connections (not {@code exceptConn}). */
    void deliverToOwnDevices(Buffer frame, long exceptConn) {
      deliver(List.of(actor.userId()), frame, exceptConn);
    }

    /**
     * Delivers {@code frame} to every online connection of every user but this one. Of the broadcasts
     * with one {@code coalesceKey} that a msg instance gathers before its next write, only the latest
     * is written.
     */
    void broadcast(Buffer frame, String coalesceKey) {
      bus.send(Addresses.ROUTE_BROADCAST, frame, options()
          .addHeader(Addresses.EXCEPT_USER, Integer.toString(actor.userId()))
          .addHeader(Addresses.COALESCE_KEY, coalesceKey));
    }

    /**
     * Relays a peer-to-peer command to {@code userId}'s connections; completes once route has passed
     * it on (so the sender's pending budget covers the relays it has in flight).
     */
    Future<Void> relay(int userId, Buffer frame, long exceptConn) {
      return bus.request(Addresses.ROUTE_DELIVER, frame, deliveryTo(List.of(userId), exceptConn)
          .setSendTimeout(timeoutMs)).mapEmpty();
    }

    /** user id (as text) -> UserStatType number, for every asked user. */
    Future<JsonObject> status(Collection<Integer> userIds) {
      return bus.<JsonObject>request(Addresses.ROUTE_STATUS,
          new JsonArray(userIds.stream().map(Object.class::cast).toList()),
          options().setSendTimeout(timeoutMs)).map(Message::body);
    }

    /** Whether {@code userId} has a PC client online anywhere in the cluster. */
    Future<Boolean> hasPc(int userId) {
      return bus.<JsonObject>request(Addresses.ROUTE_HAS_PC, new JsonObject().put("user", userId),
          options().setSendTimeout(timeoutMs)).map(reply -> reply.body().getBoolean("pc"));
    }

    /** Kicks this user's PC connections; completes with how many there were. */
    Future<Integer> kickPc(int reason) {
      return bus.<JsonObject>request(Addresses.ROUTE_KICK_PC, new JsonObject().put("reason", reason),
              options().setSendTimeout(timeoutMs))
          .map(reply -> reply.body().getInteger("kicked"));
    }
  }

  private static DeliveryOptions local() {
    return new DeliveryOptions().setLocalOnly(true);
  }
}
