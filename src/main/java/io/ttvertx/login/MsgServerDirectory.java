package io.ttvertx.login;

import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The msg servers the login server knows of, from their instances' load reports. Instances sharing
 * one address and port are one msg server to clients: their counts are added up. A report not renewed
 * within three of its intervals is forgotten, and so is every instance of a node that left the
 * cluster.
 *
 * <p>Reports come every few seconds, so a burst of logins would all go to the server that was least
 * loaded at the last report. The addresses handed out (here and, as they tell, by the other login
 * servers) are therefore counted on top of each server's reported connections until a report shows
 * their clients connected: each report also says how many connections the instance has accepted in
 * all, and that many more than at its last report settle the oldest hand-outs. A hand-out still
 * pending at a report {@link #HANDOUT_SETTLE_MS} after it was made is taken as a client that never
 * came.
 */
final class MsgServerDirectory {
  /** How long after it is handed out an address's client must have connected, or is taken as never coming. */
  static final long HANDOUT_SETTLE_MS = 5_000;

  record MsgServer(String key, String priorIp, String backupIp, int port, int current, int max) {
  }

  enum Outcome { NONE, ALL_FULL, CHOSEN }

  record Choice(Outcome outcome, MsgServer server) {
  }

  private record Report(String node, String priorIp, String backupIp, int port, int current, int max,
                        long accepted, long expiresAt) {
    String serverKey() {
      return MsgServerDirectory.serverKey(priorIp, backupIp, port);
    }
  }

  private record Handout(long at, int count) {
  }

  /** One server's hand-outs not yet in its reports, oldest first, and their sum. */
  private static final class Pending {
    final ArrayDeque<Handout> handouts = new ArrayDeque<>();
    int total;

    void add(Handout handout) {
      handouts.addLast(handout);
      total += handout.count();
    }

    /** {@code clients} of the oldest hand-outs have connected. */
    void connected(long clients) {
      while (clients > 0 && !handouts.isEmpty()) {
        Handout oldest = handouts.pollFirst();
        long settled = Math.min(clients, oldest.count());
        clients -= settled;
        total -= (int) settled;
        if (settled < oldest.count()) {
          handouts.addFirst(new Handout(oldest.at(), oldest.count() - (int) settled));
        }
      }
    }

    void settle(long reportedAt) {
      while (!handouts.isEmpty() && handouts.peekFirst().at() <= reportedAt - HANDOUT_SETTLE_MS) {
        total -= handouts.pollFirst().count();
      }
    }
  }

  private final Map<String, Report> byInstance = new HashMap<>();
  /** Addresses handed out and not yet in a report, by server key, oldest first. */
  private final Map<String, Pending> handouts = new HashMap<>();

  static String serverKey(String priorIp, String backupIp, int port) {
    return priorIp + "|" + backupIp + "|" + port;
  }

  void report(JsonObject report, long now) {
    String instance = report.getString("instance");
    if (report.getBoolean("gone", false)) {
      byInstance.remove(instance);
      return;
    }
    Report received = new Report(report.getString("node", ""), report.getString("priorIp"),
        report.getString("backupIp"), report.getInteger("port"), report.getInteger("current"),
        report.getInteger("max"), report.getLong("accepted", -1L), now + 3 * report.getLong("intervalMs"));
    Report previous = byInstance.put(instance, received);
    Pending pending = handouts.get(received.serverKey());
    if (pending != null) {
      if (previous != null && previous.accepted() >= 0 && received.accepted() > previous.accepted()) {
        pending.connected(received.accepted() - previous.accepted());
      }
      pending.settle(now);
    }
  }

  /** Forgets every msg instance of a node that left the cluster; returns how many there were. */
  int nodeLeft(String node) {
    int before = byInstance.size();
    byInstance.values().removeIf(report -> report.node().equals(node));
    return before - byInstance.size();
  }

  /** Counts {@code count} addresses of server {@code serverKey} handed out (by this login server or another). */
  void handedOut(String serverKey, int count, long now) {
    handouts.computeIfAbsent(serverKey, key -> new Pending()).add(new Handout(now, count));
  }

  /** The least-loaded server with room, counting the addresses handed out since its report. */
  Choice choose(long now) {
    Map<String, MsgServer> servers = new LinkedHashMap<>();
    for (Iterator<Report> it = byInstance.values().iterator(); it.hasNext(); ) {
      Report report = it.next();
      if (report.expiresAt() < now) {
        it.remove();
        continue;
      }
      String key = report.serverKey();
      servers.merge(key, new MsgServer(key, report.priorIp(), report.backupIp(), report.port(), report.current(),
              report.max()),
          (a, b) -> new MsgServer(key, a.priorIp(), a.backupIp(), a.port(), a.current() + b.current(),
              a.max() + b.max()));
    }
    handouts.keySet().retainAll(servers.keySet());
    if (servers.isEmpty()) {
      return new Choice(Outcome.NONE, null);
    }
    Optional<MsgServer> least = servers.values().stream()
        .map(server -> new MsgServer(server.key(), server.priorIp(), server.backupIp(), server.port(),
            server.current() + pendingHandouts(server.key()), server.max()))
        .filter(server -> server.current() < server.max())
        .min(Comparator.comparingInt(MsgServer::current));
    return least.map(server -> new Choice(Outcome.CHOSEN, server)).orElseGet(() -> new Choice(Outcome.ALL_FULL, null));
  }

  private int pendingHandouts(String serverKey) {
    Pending pending = handouts.get(serverKey);
    return pending == null ? 0 : pending.total;
  }
}
