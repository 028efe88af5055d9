package io.ttvertx.bus;

import io.vertx.core.Vertx;

import java.util.UUID;

/**
 * The id of this node (this Vert.x instance), the same for every verticle deployed on it, so that a
 * role can prefer what its own node offers to what another node announces. On a clustered node it is
 * the cluster manager's node id, the one {@link ClusterMembership#NODE_LEFT} names when the node leaves.
 */
public final class LocalNode {
  private static final String MAP = "tt.node";
  private static final String ID = "id";

  private LocalNode() {
  }

  public static String id(Vertx vertx) {
    return vertx.sharedData().<String, String>getLocalMap(MAP).computeIfAbsent(ID, k -> {
      String clustered = ClusterMembership.clusterNodeId(vertx);
      return clustered != null ? clustered : UUID.randomUUID().toString();
    });
  }
}
