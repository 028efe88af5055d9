package io.ttvertx;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.ttvertx.config.ClusterOptions;
import io.ttvertx.config.MetricsOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VertxBuilder;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Vert.x a server node runs on: a plain one, or, with a cluster section, one whose event bus
 * spans every node of a Hazelcast cluster (found over TCP from the configured members). Either keeps
 * metrics (Vert.x's own and the JVM's, plus ours: {@link ServerMetrics}) for Prometheus.
 * A clustered node binds Hazelcast and the event bus to {@code cluster.host} only, joins only the
 * cluster whose name its secret derives, and, with {@code cluster.tls}, speaks to the other nodes'
 * event buses over mutual TLS.
 */
public final class ServerVertx {
  private static final Logger log = LoggerFactory.getLogger(ServerVertx.class);
  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private ServerVertx() {
  }

  /** A node keeping every metric but the event bus's. */
  public static Future<Vertx> create(ClusterOptions cluster) {
    return create(cluster, new MetricsOptions());
  }

  public static Future<Vertx> create(ClusterOptions cluster, MetricsOptions metrics) {
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    VertxBuilder builder = Vertx.builder();
    if (metrics.enabled()) {
      MicrometerMetricsOptions micrometer = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
          .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
      if (!metrics.eventBus()) {
        micrometer.addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
      }
      options.setMetricsOptions(micrometer);
      builder.withMetrics(new MicrometerMetricsFactory());
    }
    builder.with(options);
    if (!cluster.enabled()) {
      return Future.succeededFuture(builder.build());
    }
    configureEventBus(options.getEventBusOptions(), cluster);
    warnWhenOpen(cluster);
    return builder.withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster))).buildClustered();
  }

  private static void warnWhenOpen(ClusterOptions cluster) {
    if (!cluster.exposed() || cluster.tlsEnabled() && cluster.hasSecret()) {
      return;
    }
    String missing = !cluster.tlsEnabled() && !cluster.hasSecret() ? "cluster.tls and cluster.secret"
        : !cluster.tlsEnabled() ? "cluster.tls" : "cluster.secret";
    log.warn("INSECURE CLUSTER on {} without {}: any host reaching Hazelcast (port {}) and the event bus can join,"
        + " read and send every message; see the README, \"Securing a cluster\"", cluster.host(), missing,
        cluster.hazelcastPort());
  }

  static void configureEventBus(EventBusOptions eventBus, ClusterOptions cluster) {
    eventBus.setHost(cluster.host()).setPort(cluster.eventBusPort());
    if (cluster.tlsEnabled()) {
      // Vert.x's event-bus client verifies no host name (it sets the algorithm to ""): a peer is
      // trusted for holding a certificate the cluster's own CA signed, which is why that CA must sign
      // cluster nodes and nothing else. The event bus trusts every server by default: without
      // setTrustAll(false) a node would hand its messages to any TLS server that joined Hazelcast.
      eventBus.setSsl(true).setTrustAll(false)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cluster.tlsCertificate()).setKeyPath(cluster.tlsKey()))
          .setTrustOptions(new PemTrustOptions().addCertPath(cluster.tlsCa()))
          .setClientAuth(ClientAuth.REQUIRED)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"));
    }
  }

  static Config hazelcastConfig(ClusterOptions cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.hazelcastClusterName());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // the node leaves the cluster in Main's shutdown hook, after its connections are closed
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    // both off by default; said here because either would let any member run code on the others
    config.getJetConfig().setEnabled(false).setResourceUploadEnabled(false);
    config.getUserCodeDeploymentConfig().setEnabled(false);
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.hazelcastPort()).setPortAutoIncrement(true);
    if (IPV4_LITERAL.matcher(cluster.host()).matches()) {
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }
}
