package io.ttvertx.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this node's roles at once when another node leaves the cluster: the cluster manager's word,
 * published on the local bus at {@link #NODE_LEFT} with the node's id (the Vert.x node id, which
 * {@link LocalNode#id} is on a clustered node). Hazelcast learns of a member's departure from its
 * leave message or its closed connections, long before a route's peer timeout would. Vert.x's own
 * node listener is left alone (Vert.x needs it); a membership listener of our own is added to the
 * Hazelcast instance, once per Vert.x.
 */
public final class ClusterMembership {
  private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);
  /** Local bus only (published on each node by its own listener): the id of a node that left, as text. */
  public static final String NODE_LEFT = "tt.cluster.nodeLeft";
  private static final String MAP = "tt.cluster.membership";
  private static final String WATCHING = "watching";
  /** The member attribute in which vertx-hazelcast keeps the Vert.x node id (its getNodeId()). */
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private ClusterMembership() {
  }

  /**
   * Starts publishing {@link #NODE_LEFT} on this node, if it is clustered on Hazelcast and not yet
   * doing so; any role that needs the signal calls this in its start.
   */
  public static void watch(Vertx vertx) {
    if (!(clusterManager(vertx) instanceof HazelcastClusterManager hazelcast)) {
      return;
    }
    if (vertx.sharedData().getLocalMap(MAP).putIfAbsent(WATCHING, Boolean.TRUE) != null) {
      return;
    }
    hazelcast.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String node = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (node == null) {
          node = event.getMember().getUuid().toString();
        }
        log.warn("cluster: node {} ({}) left", node, event.getMember().getAddress());
        vertx.eventBus().publish(NODE_LEFT, node, new DeliveryOptions().setLocalOnly(true));
      }
    });
  }

  /** The cluster manager's id of this node, or null when the node is not clustered. */
  static String clusterNodeId(Vertx vertx) {
    ClusterManager manager = clusterManager(vertx);
    return manager == null ? null : manager.getNodeId();
  }

  private static ClusterManager clusterManager(Vertx vertx) {
    return vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }
}
