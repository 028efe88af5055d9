package io.ttvertx.msfs;

import io.ttvertx.blob.BlobStorage;
import io.ttvertx.blob.DirectoryBlobStorage;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The msfs on a storage without local files (as a bucket is): downloads, ranges and thumbnails go
 * through {@link BlobStorage#read} in chunks instead of sendFile.
 */
class MsfsStreamingStorageTest {
  private static Vertx vertx;
  private static WebClient http;
  private static int port;

  /** A directory storage that does not admit to having local files. */
  private record NoLocalFiles(BlobStorage files) implements BlobStorage {
    @Override public Future<Void> start() { return files.start(); }
    @Override public Future<Void> put(String key, Path file) { return files.put(key, file); }
    @Override public Future<BlobInfo> stat(String key) { return files.stat(key); }
    @Override public Future<Buffer> read(String key, long offset, int length) { return files.read(key, offset, length); }
    @Override public Path localFile(String key) { return null; }
    @Override public Future<List<BlobEntry>> list(String prefix) { return files.list(prefix); }
    @Override public Future<Boolean> delete(String key) { return files.delete(key); }
    @Override public Path spoolDirectory() { return files.spoolDirectory(); }
    @Override public Future<Void> close() { return files.close(); }
  }

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    port = TestServer.freePort();
    BlobStorage storage = new NoLocalFiles(new DirectoryBlobStorage(vertx, Files.createTempDirectory("tt-msfs"), null));
    await(vertx.deployVerticle(new MsfsVerticle(storage),
        new DeploymentOptions().setConfig(new JsonObject().put("host", "127.0.0.1").put("port", port))));
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void downloadsRangesAndThumbnailsAreReadThroughTheStorage() {
    byte[] png = TestPictures.encode("png", 600, 450, 31);
    assertThat(png.length).isGreaterThan(3 * 64 * 1024);
    RawHttp.Response uploaded = await(RawHttp.exchange(vertx, port, ClientUploads.ios(port, png)));
    assertThat(uploaded.status()).isEqualTo(200);
    String path = "/" + uploaded.json().getString("path");

    HttpResponse<Buffer> whole = await(http.get(port, "127.0.0.1", path).send());
    assertThat(whole.getHeader("Content-Type")).isEqualTo("image/png");
    assertThat(whole.body().getBytes()).isEqualTo(png);

    HttpResponse<Buffer> range = await(http.get(port, "127.0.0.1", path).putHeader("Range", "bytes=65000-140000").send());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body().getBytes()).isEqualTo(Arrays.copyOfRange(png, 65000, 140001));

    HttpResponse<Buffer> thumbnail = await(http.get(port, "127.0.0.1", path + "_200x200.jpg").send());
    assertThat(thumbnail.getHeader("Content-Type")).isEqualTo("image/png");
    BufferedImage image = TestPictures.decode(thumbnail.body().getBytes());
    assertThat(image.getWidth()).isEqualTo(200);
    assertThat(image.getHeight()).isEqualTo(150);
  }
}
