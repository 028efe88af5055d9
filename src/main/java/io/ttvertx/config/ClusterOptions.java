package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} section: when present (or {@code TT_CLUSTER=true}), the node joins a Hazelcast
 * cluster and the event bus spans every node, so users on different nodes reach each other. Members
 * are found over TCP from the listed addresses (multicast is off: it rarely works between hosts).
 */
public final class ClusterOptions {
  private final boolean enabled;
  private final String host;
  private final int hazelcastPort;
  private final int eventBusPort;
  private final List<String> members;

  private ClusterOptions(JsonObject root, Map<String, String> env) {
    ConfigReader reader = new ConfigReader(root, "cluster", env);
    String flag = env.get("TT_CLUSTER");
    this.enabled = flag != null && !flag.isBlank() ? Boolean.parseBoolean(flag.trim()) : root.containsKey("cluster");
    this.host = reader.string("host", "TT_CLUSTER_HOST", "127.0.0.1");
    this.hazelcastPort = reader.port("hazelcastPort", "TT_CLUSTER_PORT", 5701);
    this.eventBusPort = reader.port("eventBusPort", "TT_CLUSTER_BUS_PORT", 0);
    List<String> listed = reader.list("members", "TT_CLUSTER_MEMBERS");
    this.members = listed.isEmpty() ? List.of(host) : List.copyOf(listed);
  }

  static ClusterOptions read(JsonObject root, Map<String, String> env) {
    return new ClusterOptions(root, env);
  }

  public boolean enabled() { return enabled; }
  /** The address this node binds and announces, for Hazelcast and the event bus. */
  public String host() { return host; }
  /** Hazelcast's first port; the next free one is taken when several nodes share a host. */
  public int hazelcastPort() { return hazelcastPort; }
  /** The event bus's TCP port (0: any free one). */
  public int eventBusPort() { return eventBusPort; }
  /** Where to look for the other nodes: "host" or "host:port", Hazelcast's TCP-IP members. */
  public List<String> members() { return members; }
}
