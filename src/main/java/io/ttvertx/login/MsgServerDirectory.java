package io.ttvertx.login;

import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The msg servers the login server knows of, from their instances' load reports. Instances sharing
 * one address and port are one msg server to clients: their counts are added up. A report not renewed
 * within three of its intervals is forgotten.
 */
final class MsgServerDirectory {

  record MsgServer(String priorIp, String backupIp, int port, int current, int max) {
  }

  enum Outcome { NONE, ALL_FULL, CHOSEN }

  record Choice(Outcome outcome, MsgServer server) {
  }

  private record Report(String priorIp, String backupIp, int port, int current, int max, long expiresAt) {
  }

  private final Map<String, Report> byInstance = new HashMap<>();

  void report(JsonObject report, long now) {
    String instance = report.getString("instance");
    if (report.getBoolean("gone", false)) {
      byInstance.remove(instance);
      return;
    }
    byInstance.put(instance, new Report(report.getString("priorIp"), report.getString("backupIp"),
        report.getInteger("port"), report.getInteger("current"), report.getInteger("max"),
        now + 3 * report.getLong("intervalMs")));
  }

  Choice choose(long now) {
    Map<String, MsgServer> servers = new LinkedHashMap<>();
    for (Iterator<Report> it = byInstance.values().iterator(); it.hasNext(); ) {
      Report report = it.next();
      if (report.expiresAt() < now) {
        it.remove();
        continue;
      }
      servers.merge(report.priorIp() + "|" + report.backupIp() + "|" + report.port(),
          new MsgServer(report.priorIp(), report.backupIp(), report.port(), report.current(), report.max()),
          (a, b) -> new MsgServer(a.priorIp(), a.backupIp(), a.port(), a.current() + b.current(), a.max() + b.max()));
    }
    if (servers.isEmpty()) {
      return new Choice(Outcome.NONE, null);
    }
    Optional<MsgServer> least = servers.values().stream()
        .filter(server -> server.current() < server.max())
        .min(Comparator.comparingInt(MsgServer::current));
    return least.map(server -> new Choice(Outcome.CHOSEN, server)).orElseGet(() -> new Choice(Outcome.ALL_FULL, null));
  }
}
