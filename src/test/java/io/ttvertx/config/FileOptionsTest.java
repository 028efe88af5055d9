package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "file" section: its defaults, overrides, and the settings refused at start with the reason. */
class FileOptionsTest {

  @Test
  void theFileServerRunsByDefaultWithTeamTalksPort() {
    ServerOptions options = ServerOptions.read(ServerOptions.defaultConfig(), Map.of());
    assertThat(options.deploysFile()).isTrue();
    assertThat(options.file().port()).isEqualTo(FileOptions.DEFAULT_PORT).isEqualTo(8600);
    assertThat(options.file().maxFileSize()).isEqualTo(FileOptions.DEFAULT_MAX_FILE_SIZE);
    assertThat(options.fileConfig().getJsonObject("storage").getString("type")).isEqualTo(StorageOptions.DIRECTORY);
    assertThat(ServerOptions.read(new JsonObject().put("msg", new JsonObject()), Map.of()).deploysFile()).isFalse();
    assertThat(ServerOptions.read(new JsonObject().put("file", new JsonObject().put("instances", 0)), Map.of())
        .deploysFile()).isFalse();
  }

  @Test
  void moreThanOneInstanceIsRefused() {
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject().put("file", new JsonObject().put("instances", 2)),
        Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("file.instances must be 0 or 1");
  }

  @Test
  void addressesClientsCannotReachAreRefused() {
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_FILE_PRIOR_IP", "0.0.0.0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not 0.0.0.0");
    assertThatThrownBy(() -> FileOptions.fromJson(new JsonObject().put("addresses", new JsonArray().add("::"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FileOptions.fromJson(new JsonObject().put("addresses", "10.0.0.1:http")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    FileOptions options = ServerOptions.read(new JsonObject(), Map.of("TT_FILE_ADDRESSES", "10.0.0.1, 192.168.1.5:9600"))
        .file();
    assertThat(options.addresses()).isEqualTo(List.of("10.0.0.1", "192.168.1.5:9600"));
    assertThat(FileOptions.portOf("192.168.1.5:9600", 8600)).isEqualTo(9600);
    assertThat(FileOptions.portOf("10.0.0.1", 8600)).isEqualTo(8600);
    assertThat(FileOptions.hostOf("[fe80::1]:9600")).isEqualTo("[fe80::1]");
    assertThat(FileOptions.hostOf("fe80::1")).isEqualTo("fe80::1");
  }

  @Test
  void fileSizesStayWithinUint32AndLimitsArePositive() {
    assertThat(FileOptions.fromJson(new JsonObject().put("maxFileSize", FileOptions.LARGEST_FILE_SIZE)).maxFileSize())
        .isEqualTo(4294967295L);
    assertThatThrownBy(() -> FileOptions.fromJson(new JsonObject().put("maxFileSize", FileOptions.LARGEST_FILE_SIZE + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uint32");
    assertThatThrownBy(() -> ServerOptions.read(new JsonObject(), Map.of("TT_FILE_MAX_TASKS_PER_USER", "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxTasksPerUser");
    assertThatThrownBy(() -> FileOptions.fromJson(new JsonObject().put("maxFrameLength", 1024)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 KiB segment");
    assertThatThrownBy(() -> FileOptions.fromJson(new JsonObject().put("retentionDays", -1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retentionDays");
    FileOptions roundTrip = FileOptions.fromJson(FileOptions.fromJson(new JsonObject().put("taskIdleTimeoutSeconds", 9)
        .put("addresses", new JsonArray().add("10.0.0.2"))).toJson());
    assertThat(roundTrip.taskIdleTimeoutSeconds()).isEqualTo(9);
    assertThat(roundTrip.addresses()).containsExactly("10.0.0.2");
  }
}
