package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code cluster} section: when present (or {@code TT_CLUSTER=true}), the node joins a Hazelcast
 * cluster and the event bus spans every node, so users on different nodes reach each other. Members
 * are found over TCP from the listed addresses (multicast is off: it rarely works between hosts).
 * A cluster is secured by a shared secret (only nodes holding it form one Hazelcast cluster) and by
 * mutual TLS on the event bus (PEM certificate, key and the cluster's CA in {@code cluster.tls}).
 */
public final class ClusterOptions {
  public static final String DEFAULT_NAME = "tt-vertx";
  /** A shorter secret could be found by trying candidates against the cluster name seen on the wire. */
  public static final int MIN_SECRET_LENGTH = 16;

  private final boolean enabled;
  private final String host;
  private final int hazelcastPort;
  private final int eventBusPort;
  private final List<String> members;
  private final String name;
  private final String secret;
  private final String tlsCertificate;
  private final String tlsKey;
  private final String tlsCa;

  private ClusterOptions(JsonObject root, Map<String, String> env) {
    ConfigReader reader = new ConfigReader(root, "cluster", env);
    String flag = env.get("TT_CLUSTER");
    this.enabled = flag != null && !flag.isBlank() ? Boolean.parseBoolean(flag.trim()) : root.containsKey("cluster");
    this.host = reader.string("host", "TT_CLUSTER_HOST", "127.0.0.1");
    this.hazelcastPort = reader.port("hazelcastPort", "TT_CLUSTER_PORT", 5701);
    this.eventBusPort = reader.port("eventBusPort", "TT_CLUSTER_BUS_PORT", 0);
    List<String> listed = reader.list("members", "TT_CLUSTER_MEMBERS");
    this.members = listed.isEmpty() ? List.of(host) : List.copyOf(listed);
    this.name = reader.string("name", "TT_CLUSTER_NAME", DEFAULT_NAME).trim();
    this.secret = reader.string("secret", "TT_CLUSTER_SECRET", "");
    JsonObject clusterJson = root.getJsonObject("cluster", new JsonObject());
    ConfigReader tls = new ConfigReader(clusterJson, "tls", env);
    this.tlsCertificate = tls.string("certificate", "TT_CLUSTER_TLS_CERTIFICATE", "").trim();
    this.tlsKey = tls.string("key", "TT_CLUSTER_TLS_KEY", "").trim();
    this.tlsCa = tls.string("ca", "TT_CLUSTER_TLS_CA", "").trim();
    if (enabled) {
      validate();
    }
  }

  private void validate() {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cluster.name must not be empty");
    }
    if (!secret.isEmpty() && secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("cluster.secret must have at least " + MIN_SECRET_LENGTH
          + " characters (or none), got " + secret.length());
    }
    long tlsFilesSet = Stream.of(tlsCertificate, tlsKey, tlsCa).filter(path -> !path.isEmpty()).count();
    if (tlsFilesSet != 0 && tlsFilesSet != 3) {
      throw new IllegalArgumentException("cluster.tls needs all of certificate, key and ca (a half-configured TLS"
          + " would leave the event bus open or the node unable to talk to the others); got certificate='"
          + tlsCertificate + "', key='" + tlsKey + "', ca='" + tlsCa + "'");
    }
    for (String path : List.of(tlsCertificate, tlsKey, tlsCa)) {
      if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
        throw new IllegalArgumentException("cluster.tls: cannot read " + Path.of(path).toAbsolutePath());
      }
    }
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
  /** The cluster's name as configured. */
  public String name() { return name; }
  public boolean hasSecret() { return !secret.isEmpty(); }
  /** Whether the event bus runs over mutual TLS. */
  public boolean tlsEnabled() { return !tlsCertificate.isEmpty(); }
  /** This node's certificate (PEM), presented both as server and as client. */
  public String tlsCertificate() { return tlsCertificate; }
  /** This node's private key (PEM, PKCS#8 or PKCS#1). */
  public String tlsKey() { return tlsKey; }
  /** The cluster's CA certificate (PEM): only peers with a certificate it signed are accepted. */
  public String tlsCa() { return tlsCa; }

  /**
   * The name Hazelcast checks when a node joins: the configured name, followed, with a secret, by an
   * HMAC-SHA256 of the name keyed with the secret. Hazelcast refuses a join request whose cluster name
   * differs, so a node with another secret forms no cluster with these; the secret itself never
   * leaves the node.
   */
  public String hazelcastClusterName() {
    if (secret.isEmpty()) {
      return name;
    }
    try {
      Mac hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] tag = hmac.doFinal(("tt-vertx cluster " + name).getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(tag, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }

  /** Whether the cluster's ports are reachable from other hosts (host is not a loopback address). */
  public boolean exposed() {
    try {
      return !InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }
}
