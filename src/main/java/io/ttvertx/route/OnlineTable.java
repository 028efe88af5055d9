package io.ttvertx.route;

import io.ttvertx.protocol.ClientTypes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which connections each online user has. Owned by one route verticle; not thread-safe. */
final class OnlineTable {
  private final Map<Integer, List<Endpoint>> byUser = new HashMap<>();

  /**
   * Adds {@code endpoint} for {@code userId} and removes, returning them, the user's older
   * connections of the same client class (the ones to kick).
   */
  List<Endpoint> add(int userId, Endpoint endpoint) {
    List<Endpoint> endpoints = byUser.computeIfAbsent(userId, id -> new ArrayList<>(2));
    List<Endpoint> replaced = new ArrayList<>(1);
    endpoints.removeIf(existing -> {
      if (ClientTypes.sameClass(existing.clientType(), endpoint.clientType())) {
        replaced.add(existing);
        return true;
      }
      return false;
    });
    endpoints.add(endpoint);
    return replaced;
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

  List<Endpoint> endpoints(int userId) {
    return byUser.getOrDefault(userId, List.of());
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
}
