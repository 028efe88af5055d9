package io.ttvertx.msg;

import io.ttvertx.msfs.ClientUploads;
import io.ttvertx.msfs.RawHttp;
import io.ttvertx.msfs.TestPictures;
import io.ttvertx.support.S3TestServer;
import io.ttvertx.support.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file scenarios of {@link FileCommandsTest} with the files in an S3 bucket (S3Proxy started by
 * the test), and a picture uploaded to msfs and fetched back, with a thumbnail, from the same bucket.
 */
class S3FileCommandsTest extends FileCommandsTest {
  private static S3TestServer s3;

  @BeforeAll
  static void start() {
    s3 = S3TestServer.start();
    JsonObject config = TestServer.defaultConfig();
    config.put("storage", s3.storageSection());
    config.put("msfs", new JsonObject().put("host", "127.0.0.1").put("port", TestServer.freePort()));
    startServer(config);
  }

  @AfterAll
  static void stop() {
    stopServer();
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  protected List<String> storedFilesOf(String taskId) {
    return s3.objectNames(s3.bucket()).stream().filter(name -> name.contains(taskId)).toList();
  }

  @Test
  void aPictureIsKeptInTheBucketAndServedFromItWithItsThumbnail() {
    int port = server.config.getJsonObject("msfs").getInteger("port");
    byte[] picture = TestPictures.encode("png", 300, 200, 5);
    JsonObject answer = await(RawHttp.exchange(vertx, port, ClientUploads.android(port, "shot.png", picture))).json();
    assertThat(answer.getInteger("error_code")).isZero();
    String path = answer.getString("path");
    assertThat(s3.objectNames(s3.bucket())).anyMatch(name -> path.endsWith(name.substring(name.lastIndexOf('/'))));

    WebClient http = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> original = await(http.get(port, "127.0.0.1", "/" + path).send());
      assertThat(original.statusCode()).isEqualTo(200);
      assertThat(original.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(original.body().getBytes()).isEqualTo(picture);
      HttpResponse<Buffer> range = await(http.get(port, "127.0.0.1", "/" + path).putHeader("Range", "bytes=10-19").send());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(picture, 10, 20));
      HttpResponse<Buffer> thumbnail = await(http.get(port, "127.0.0.1", "/" + path + "_100x100.png").send());
      assertThat(thumbnail.statusCode()).isEqualTo(200);
      assertThat(TestPictures.decode(thumbnail.body().getBytes()).getWidth()).isEqualTo(100);
      assertThat(s3.objectNames(s3.bucket())).anyMatch(name -> name.contains("_100x100"));
    } finally {
      http.close();
    }
  }
}
