package io.ttvertx;

import com.hazelcast.config.Config;
import io.ttvertx.config.ClusterOptions;
import io.ttvertx.config.ServerOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How a cluster section becomes Hazelcast's configuration and the event bus's options (no network). */
class ServerVertxConfigTest {

  private static ClusterOptions cluster(JsonObject section) {
    return ServerOptions.read(new JsonObject().put("cluster", section), Map.of()).cluster();
  }

  @Test
  void hazelcastListensOnTheClusterHostOnlyUnderTheDerivedNameWithNoWayToRunCode() {
    ClusterOptions options = cluster(new JsonObject().put("host", "10.0.0.7").put("name", "prod")
        .put("secret", "0123456789abcdef"));
    Config config = ServerVertx.hazelcastConfig(options);
    assertThat(config.getClusterName()).isEqualTo(options.hazelcastClusterName()).startsWith("prod-");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.7");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.7");
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(config.getJetConfig().isEnabled()).isFalse();
    assertThat(config.getJetConfig().isResourceUploadEnabled()).isFalse();
    assertThat(config.getUserCodeDeploymentConfig().isEnabled()).isFalse();
  }

  @Test
  void theEventBusRequiresAClientCertificateOnlyWithTls() throws Exception {
    EventBusOptions plain = new EventBusOptions();
    ServerVertx.configureEventBus(plain, cluster(new JsonObject().put("host", "127.0.0.1").put("eventBusPort", 5710)));
    assertThat(plain.getHost()).isEqualTo("127.0.0.1");
    assertThat(plain.getPort()).isEqualTo(5710);
    assertThat(plain.isSsl()).isFalse();

    Path directory = Files.createTempDirectory("tt-bus-tls");
    JsonObject tls = new JsonObject();
    for (String file : new String[] {"certificate", "key", "ca"}) {
      tls.put(file, Files.writeString(directory.resolve(file + ".pem"), "pem").toString());
    }
    EventBusOptions secured = new EventBusOptions();
    ServerVertx.configureEventBus(secured, cluster(new JsonObject().put("tls", tls)));
    assertThat(secured.isSsl()).isTrue();
    assertThat(secured.getClientAuth()).isEqualTo(ClientAuth.REQUIRED);
    assertThat(secured.getEnabledSecureTransportProtocols()).containsExactly("TLSv1.3");
    assertThat(secured.isTrustAll()).isFalse();
  }
}
