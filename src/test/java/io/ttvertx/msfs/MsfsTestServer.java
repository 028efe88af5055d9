package io.ttvertx.msfs;

import io.ttvertx.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole server with an msfs on a free port, its storage a fresh directory ({@code root/files}). */
final class MsfsTestServer {
  final Vertx vertx;
  final TestServer server;
  final WebClient http;
  final int msfsPort;
  final Path root;
  final Path storageDir;

  private MsfsTestServer(Vertx vertx, TestServer server, int msfsPort, Path root) {
    this.vertx = vertx;
    this.server = server;
    this.http = WebClient.create(vertx);
    this.msfsPort = msfsPort;
    this.root = root;
    this.storageDir = root.resolve("files");
  }

  /** Starts it with {@code msfs} as the msfs section (host and port added); {@code adjust} may change the rest. */
  static MsfsTestServer start(JsonObject msfs, Consumer<JsonObject> adjust) {
    try {
      Vertx vertx = Vertx.vertx();
      Path root = Files.createTempDirectory("tt-msfs");
      int port = TestServer.freePort();
      JsonObject config = TestServer.defaultConfig();
      config.put("msfs", msfs.copy().put("host", "127.0.0.1").put("port", port));
      config.put("storage", new JsonObject().put("directory", root.resolve("files").toString()));
      adjust.accept(config);
      return new MsfsTestServer(vertx, await(TestServer.start(vertx, config, List.of())), port, root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void stop() {
    await(server.stop());
    await(vertx.close());
  }

  /** GET /msg_server once a msg server has reported its load (code 0). */
  JsonObject msgServerAnswer() {
    JsonObject answer = null;
    for (int attempt = 0; attempt < 200; attempt++) {
      answer = await(http.get(server.loginPort, "127.0.0.1", "/msg_server").send()).bodyAsJsonObject();
      if (answer.getInteger("code") == 0) {
        break;
      }
      await(vertx.timer(50));
    }
    assertThat(answer.getInteger("code")).isZero();
    return answer;
  }
}
