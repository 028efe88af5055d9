package io.ttvertx.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The msfs section: TeamTalk's defaults, environment overrides, and values that cannot work refused at start. */
class MsfsOptionsTest {

  @Test
  void defaultsAreTeamTalksAndRunWithoutAConfFile() {
    ServerOptions options = ServerOptions.read(ServerOptions.defaultConfig(), Map.of());
    assertThat(options.deploysMsfs()).isTrue();
    MsfsOptions msfs = options.msfs();
    assertThat(msfs.instances()).isEqualTo(1);
    assertThat(msfs.host()).isEqualTo("0.0.0.0");
    assertThat(msfs.port()).isEqualTo(8700);
    assertThat(msfs.publicUrl()).isEmpty();
    assertThat(msfs.maxUploadBytes()).isEqualTo(10 * 1024 * 1024);
    assertThat(msfs.maxThumbnailSide()).isEqualTo(2048);
    assertThat(options.msfsConfig().getJsonObject("storage").getString("directory"))
        .isEqualTo(StorageOptions.DEFAULT_DIRECTORY);

    assertThat(ServerOptions.read(new JsonObject(), Map.of()).deploysMsfs()).isFalse();
    assertThat(ServerOptions.read(new JsonObject().put("msfs", new JsonObject().put("instances", 0)), Map.of())
        .deploysMsfs()).isFalse();
  }

  @Test
  void environmentOverridesAndThePublicUrlEndsWithASlash() {
    MsfsOptions msfs = ServerOptions.read(new JsonObject().put("msfs", new JsonObject().put("port", 9000)),
        Map.of("TT_MSFS_PORT", "8701", "TT_MSFS_PUBLIC_URL", "https://files.example.com/tt",
            "TT_MSFS_MAX_UPLOAD_BYTES", "1000", "TT_MSFS_INSTANCES", "3")).msfs();
    assertThat(msfs.port()).isEqualTo(8701);
    assertThat(msfs.publicUrl()).isEqualTo("https://files.example.com/tt/");
    assertThat(msfs.maxUploadBytes()).isEqualTo(1000);
    assertThat(msfs.instances()).isEqualTo(3);
    assertThat(MsfsOptions.fromJson(msfs.toJson()).publicUrl()).isEqualTo("https://files.example.com/tt/");
  }

  @Test
  void impossibleValuesAreRefused() {
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_MSFS_PUBLIC_URL", "files.example.com")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msfs.publicUrl");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_MSFS_MAX_UPLOAD_BYTES", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msfs.maxUploadBytes");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_MSFS_MAX_THUMBNAIL_SIDE", "9000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msfs.maxThumbnailSide");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_MSFS_PORT", "70000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msfs.port");
  }
}
