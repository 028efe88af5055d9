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
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The Vert.x a server node runs on: a plain one, or, with a cluster section, one whose event bus
 * spans every node of a Hazelcast cluster (found over TCP from the configured members). Either keeps
 * metrics (Vert.x's own and the JVM's, plus ours: {@link ServerMetrics}) for Prometheus.
 */
public final class ServerVertx {
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
    options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort());
    return builder.withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster))).buildClustered();
  }

  static Config hazelcastConfig(ClusterOptions cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName("tt-vertx");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // the node leaves the cluster in Main's shutdown hook, after its connections are closed
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.hazelcastPort()).setPortAutoIncrement(true);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return config;
  }
}
