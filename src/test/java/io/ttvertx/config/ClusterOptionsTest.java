package io.ttvertx.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster section's security settings: what is refused at start and the name Hazelcast checks. */
class ClusterOptionsTest {
  static final String SECRET = "a secret of 16+ characters";

  private static ClusterOptions read(JsonObject cluster, Map<String, String> env) {
    return ServerOptions.read(new JsonObject().put("cluster", cluster), env).cluster();
  }

  @Test
  void theSecretDerivesTheHazelcastClusterNameWithoutShowingIt() {
    assertThat(read(new JsonObject(), Map.of()).hazelcastClusterName()).isEqualTo(ClusterOptions.DEFAULT_NAME);
    assertThat(read(new JsonObject().put("name", "prod"), Map.of()).hazelcastClusterName()).isEqualTo("prod");
    String derived = read(new JsonObject().put("name", "prod").put("secret", SECRET), Map.of()).hazelcastClusterName();
    assertThat(derived).matches("prod-[0-9a-f]{32}").doesNotContain(SECRET);
    assertThat(read(new JsonObject(), Map.of("TT_CLUSTER_NAME", "prod", "TT_CLUSTER_SECRET", SECRET))
        .hazelcastClusterName()).isEqualTo(derived);
    assertThat(read(new JsonObject().put("name", "prod").put("secret", SECRET + "!"), Map.of()).hazelcastClusterName())
        .startsWith("prod-").isNotEqualTo(derived);
    assertThat(read(new JsonObject().put("name", "staging").put("secret", SECRET), Map.of()).hazelcastClusterName())
        .doesNotEndWith(derived.substring("prod".length()));
  }

  @Test
  void aShortSecretIsRefused() {
    assertThatThrownBy(() -> read(new JsonObject().put("secret", "x".repeat(ClusterOptions.MIN_SECRET_LENGTH - 1)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.secret must have at least 16");
    assertThat(read(new JsonObject().put("secret", "x".repeat(ClusterOptions.MIN_SECRET_LENGTH)), Map.of()).hasSecret())
        .isTrue();
  }

  @Test
  void tlsIsAllOrNothingAndItsFilesMustBeReadable() throws IOException {
    Path directory = Files.createTempDirectory("tt-cluster-options");
    String certificate = Files.writeString(directory.resolve("node.pem"), "pem").toString();
    String key = Files.writeString(directory.resolve("node-key.pem"), "pem").toString();
    String ca = Files.writeString(directory.resolve("ca.pem"), "pem").toString();

    ClusterOptions full = read(new JsonObject().put("tls", new JsonObject().put("certificate", certificate)
        .put("key", key).put("ca", ca)), Map.of());
    assertThat(full.tlsEnabled()).isTrue();
    assertThat(full.tlsKey()).isEqualTo(key);
    assertThat(read(new JsonObject(), Map.of("TT_CLUSTER_TLS_CERTIFICATE", certificate, "TT_CLUSTER_TLS_KEY", key,
        "TT_CLUSTER_TLS_CA", ca)).tlsCa()).isEqualTo(ca);
    assertThat(read(new JsonObject(), Map.of()).tlsEnabled()).isFalse();

    assertThatThrownBy(() -> read(new JsonObject().put("tls", new JsonObject().put("certificate", certificate)
        .put("key", key)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.tls needs all of");
    assertThatThrownBy(() -> read(new JsonObject(), Map.of("TT_CLUSTER_TLS_CA", ca)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cluster.tls needs all of");
    assertThatThrownBy(() -> read(new JsonObject().put("tls", new JsonObject().put("certificate", certificate)
        .put("key", key).put("ca", directory.resolve("missing.pem").toString())), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read").hasMessageContaining("missing.pem");
    // a node that is not clustered ignores the section
    assertThat(ServerOptions.read(new JsonObject().put("cluster", new JsonObject().put("tls", new JsonObject()
        .put("ca", ca))), Map.of("TT_CLUSTER", "false")).cluster().enabled()).isFalse();
  }

  @Test
  void onlyALoopbackHostCountsAsUnexposed() {
    assertThat(read(new JsonObject().put("host", "127.0.0.1"), Map.of()).exposed()).isFalse();
    assertThat(read(new JsonObject().put("host", "10.0.0.5"), Map.of()).exposed()).isTrue();
  }
}
