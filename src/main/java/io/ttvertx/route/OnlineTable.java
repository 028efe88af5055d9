package io.ttvertx.route;

import io.ttvertx.protocol.ClientTypes;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Which connections each online user has, on every node. Owned by one route verticle; not thread-safe. */
final class OnlineTable {
  private final Map<Integer, List<Endpoint>> byUser = new HashMap<>();

  /**
   * Adds {@code endpoint} for {@code userId} unless the user has a newer login of the same client
   * class, and returns the logins that lost: the user's older ones of that class (removed), or
   * {@code endpoint} itself (not added). Logins learned from other nodes may arrive late, so the
   * newest wins wherever it is added from.
   */
  List<Endpoint> add(int userId, Endpoint endpoint) {
    List<Endpoint> endpoints = byUser.computeIfAbsent(userId, id -> new ArrayList<>(2));
    List<Endpoint> lost = new ArrayList<>(1);
    for (Endpoint existing : endpoints) {
      if (existing.is(endpoint.address(), endpoint.conn())) {
        return lost;
      }
      if (ClientTypes.sameClass(existing.clientType(), endpoint.clientType()) && existing.isNewerThan(endpoint)) {
        lost.add(endpoint);
        return lost;
      }
    }
    endpoints.removeIf(existing -> {
      if (ClientTypes.sameClass(existing.clientType(), endpoint.clientType())) {
        lost.add(existing);
        return true;
      }
      return false;
    });
    endpoints.add(endpoint);
    return lost;
  }

  /** Removes every login made through {@code node} and returns them by user (a node that is gone). */
  Map<Integer, List<Endpoint>> removeNode(String node) {
    Map<Integer, List<Endpoint>> removed = new HashMap<>();
    byUser.entrySet().removeIf(entry -> {
      entry.getValue().removeIf(endpoint -> {
        if (endpoint.node().equals(node)) {
          removed.computeIfAbsent(entry.getKey(), id -> new ArrayList<>(1)).add(endpoint);
          return true;
        }
        return false;
      });
      return entry.getValue().isEmpty();
    });
    return removed;
  }

  /** Every login, for a node that joins later. */
  JsonArray toJson() {
    JsonArray all = new JsonArray();
    byUser.forEach((userId, endpoints) -> endpoints.forEach(endpoint -> all.add(endpoint.toJson(userId))));
    return all;
  }

  /** The logins made through {@code node}, for a peer that lost sight of that node. */
  JsonArray toJson(String node) {
    JsonArray ofNode = new JsonArray();
    byUser.forEach((userId, endpoints) -> endpoints.stream().filter(endpoint -> endpoint.node().equals(node))
        .forEach(endpoint -> ofNode.add(endpoint.toJson(userId))));
    return ofNode;
  }

  /** Removes that connection; returns it, or null when it was not registered (already kicked). */
  Endpoint remove(int userId, String address, long conn) {
    List<Endpoint> endpoints = byUser.get(userId);
    if (endpoints == null) {
      return null;
    }
    for (int i = 0; i < endpoints.size(); i++) {
      Endpoint endpoint = endpoints.get(i);
      if (endpoint.is(address, conn)) {
        endpoints.remove(i);
        if (endpoints.isEmpty()) {
          byUser.remove(userId);
        }
        return endpoint;
      }
    }
    return null;
  }

  /** Removes and returns the user's PC connections. */
  List<Endpoint> removePc(int userId) {
    List<Endpoint> endpoints = byUser.get(userId);
    List<Endpoint> removed = new ArrayList<>(1);
    if (endpoints != null) {
      endpoints.removeIf(endpoint -> {
        if (ClientTypes.isPc(endpoint.clientType())) {
          removed.add(endpoint);
          return true;
        }
        return false;
      });
      if (endpoints.isEmpty()) {
        byUser.remove(userId);
      }
    }
    return removed;
  }

  /** Removes and returns every connection of the user. */
  List<Endpoint> removeUser(int userId) {
    List<Endpoint> removed = byUser.remove(userId);
    return removed == null ? List.of() : removed;
  }

  /** The online users, by id. */
  SortedSet<Integer> users() {
    return new TreeSet<>(byUser.keySet());
  }

  /** Every login, by node then client type: how many connections. */
  Map<String, Map<Integer, Integer>> countsByNode() {
    Map<String, Map<Integer, Integer>> counts = new TreeMap<>();
    byUser.values().forEach(endpoints -> endpoints.forEach(endpoint -> counts
        .computeIfAbsent(endpoint.node(), node -> new TreeMap<>())
        .merge(endpoint.clientType(), 1, Integer::sum)));
    return counts;
  }

  List<Endpoint> endpoints(int userId) {
    return byUser.getOrDefault(userId, List.of());
  }

  /** Users online in the cluster (read by the metrics from another thread: a moment's count). */
  int userCount() {
    return byUser.size();
  }

  boolean isOnline(int userId) {
    return byUser.containsKey(userId);
  }

  boolean hasPc(int userId) {
    for (Endpoint endpoint : endpoints(userId)) {
      if (ClientTypes.isPc(endpoint.clientType())) {
        return true;
      }
    }
    return false;
  }

  boolean hasMobile(int userId) {
    for (Endpoint endpoint : endpoints(userId)) {
      if (ClientTypes.isMobile(endpoint.clientType())) {
        return true;
      }
    }
    return false;
  }
}
