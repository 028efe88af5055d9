package io.ttvertx.msg;

import io.ttvertx.bus.Actor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.Map;

/**
 * Announces users' avatar and signature changes to everyone online and to the user's other devices,
 * at most once per {@code intervalMs} per user and kind: a change that comes sooner is held back, and
 * when the interval is over only the latest held-back value goes out. Everyone ends up with the latest
 * value, and a user changing their avatar in a loop costs the others one notification per interval.
 * One per msg instance, used from its event loop.
 */
final class ProfileAnnouncer {
  enum Kind { AVATAR, SIGNATURE }

  private record Key(int userId, Kind kind) {
  }

  /** One user's kind of change within its interval: sent at {@code sentAt}, maybe a newer one waiting. */
  private static final class Interval {
    Buffer waitingFrame;
    /** The connection the waiting change came from, or -1 when the held-back changes came from several. */
    long waitingFromConn;
  }

  private final Vertx vertx;
  private final RouteClient route;
  private final LimitHits limitHits;
  private final long intervalMs;
  private final Map<Key, Interval> intervals = new HashMap<>();

  ProfileAnnouncer(Vertx vertx, RouteClient route, LimitHits limitHits, long intervalMs) {
    this.vertx = vertx;
    this.route = route;
    this.limitHits = limitHits;
    this.intervalMs = intervalMs;
  }

  /** Announces {@code frame}, the change user {@code userId} made on connection {@code fromConn}. */
  void announce(int userId, Kind kind, Buffer frame, long fromConn) {
    if (intervalMs == 0) {
      send(userId, kind, frame, fromConn);
      return;
    }
    Key key = new Key(userId, kind);
    Interval open = intervals.get(key);
    if (open == null) {
      send(userId, kind, frame, fromConn);
      intervals.put(key, new Interval());
      vertx.setTimer(intervalMs, t -> endInterval(key));
      return;
    }
    limitHits.hit(RateLimit.PROFILE, "user " + userId);
    open.waitingFromConn = open.waitingFrame == null || open.waitingFromConn == fromConn ? fromConn : -1;
    open.waitingFrame = frame;
  }

  private void endInterval(Key key) {
    Interval ended = intervals.remove(key);
    if (ended != null && ended.waitingFrame != null) {
      announce(key.userId(), key.kind(), ended.waitingFrame, ended.waitingFromConn);
    }
  }

  private void send(int userId, Kind kind, Buffer frame, long fromConn) {
    RouteClient.ForUser forUser = route.forUser(Actor.user(userId, 0));
    forUser.broadcast(frame, kind.name() + ":" + userId);
    forUser.deliverToOwnDevices(frame, fromConn);
  }
}
