package io.ttvertx.route;

import io.vertx.core.json.JsonObject;

/**
 * One logged-in connection: the msg instance address that holds it, its id there, its client type,
 * the node it logged in through (the cluster's node id), when (wall clock, for display) and its
 * {@link HybridClock} stamp, which decides between two logins of one user in the same client class:
 * the later one stays.
 */
record Endpoint(String address, long conn, int clientType, String node, long since, long order) {
  boolean is(String otherAddress, long otherConn) {
    return conn == otherConn && address.equals(otherAddress);
  }

  /** Whether this login came after {@code other} (ties broken by node, then connection, the same on every node). */
  boolean isNewerThan(Endpoint other) {
    if (order != other.order) {
      return order > other.order;
    }
    int byNode = node.compareTo(other.node);
    return byNode != 0 ? byNode > 0 : conn > other.conn;
  }

  JsonObject toJson(int userId) {
    return new JsonObject().put("user", userId).put("address", address).put("conn", conn)
        .put("clientType", clientType).put("node", node).put("since", since).put("order", order);
  }

  static Endpoint fromJson(JsonObject json) {
    return new Endpoint(json.getString("address"), json.getLong("conn"), json.getInteger("clientType"),
        json.getString("node"), json.getLong("since"), json.getLong("order"));
  }
}
