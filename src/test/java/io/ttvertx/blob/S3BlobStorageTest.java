package io.ttvertx.blob;

import io.ttvertx.config.StorageOptions;
import io.ttvertx.support.S3TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.NoSuchFileException;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a real S3 server (S3Proxy), each test in a bucket of its own, plus what only S3 does. */
class S3BlobStorageTest extends BlobStorageContractTest {
  private static S3TestServer s3;
  private String bucket;

  @BeforeAll
  static void startS3() {
    s3 = S3TestServer.start();
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Override
  protected BlobStorage freshStorage(Vertx vertx) {
    bucket = s3.createBucket();
    return BlobStorages.create(vertx, StorageOptions.fromJson(s3.storageSection(bucket, "")));
  }

  private BlobStorage storageWith(JsonObject section) {
    return BlobStorages.create(vertx, StorageOptions.fromJson(section));
  }

  @Test
  void isMadeForTypeS3AndHasNoLocalFiles() {
    assertThat(storage).isInstanceOf(S3BlobStorage.class);
    put("pictures/00/a.png", "picture");
    assertThat(storage.localFile("pictures/00/a.png")).isNull();
    assertThat(storage.spoolDirectory()).isDirectory();
  }

  @Test
  void thePrefixIsAFolderOfTheBucketAndListsWithoutIt() {
    BlobStorage prefixed = storageWith(s3.storageSection(bucket, "/node-set-a"));
    await(prefixed.start());
    try {
      await(prefixed.put("offline/aa/one", spooled(new byte[] {1, 2, 3})));
      put("offline/aa/unprefixed", "x");

      assertThat(s3.objectNames(bucket)).containsExactlyInAnyOrder("node-set-a/offline/aa/one", "offline/aa/unprefixed");
      assertThat(await(prefixed.list("offline/"))).extracting(BlobStorage.BlobEntry::key).containsExactly("offline/aa/one");
      assertThat(await(prefixed.read("offline/aa/one", 1, 10)).getBytes()).containsExactly(2, 3);
      assertThat(await(prefixed.stat("offline/aa/unprefixed"))).isNull();
      // the unprefixed storage sees the prefixed object under its full name
      assertThat(await(storage.stat("node-set-a/offline/aa/one")).size()).isEqualTo(3);
    } finally {
      await(prefixed.close());
    }
  }

  @Test
  void thePrefixIsReadAsAFolderName() {
    assertThat(S3BlobStorage.folderPrefix("")).isEmpty();
    assertThat(S3BlobStorage.folderPrefix("/")).isEmpty();
    assertThat(S3BlobStorage.folderPrefix("tt")).isEqualTo("tt/");
    assertThat(S3BlobStorage.folderPrefix("/tt/a/")).isEqualTo("tt/a/");
    assertThatThrownBy(() -> S3BlobStorage.folderPrefix("tt/../other")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("storage.s3.prefix");
  }

  @Test
  void startFailsClearlyWhenTheBucketDoesNotExist() {
    BlobStorage missing = storageWith(s3.storageSection("no-such-bucket", ""));

    assertThat(awaitFailure(missing.start())).isInstanceOf(IOException.class)
        .hasMessageContaining("'no-such-bucket'").hasMessageContaining("does not exist");
  }

  @Test
  void startFailsClearlyWithWrongCredentials() {
    JsonObject section = s3.storageSection(bucket, "");
    section.getJsonObject("s3").put("secretKey", "wrong");

    assertThat(awaitFailure(storageWith(section).start())).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 403");
  }

  @Test
  void startFailsClearlyWhenNothingListensAtTheEndpoint() throws IOException {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    JsonObject section = s3.storageSection(bucket, "");
    section.getJsonObject("s3").put("endpoint", "http://127.0.0.1:" + closedPort);

    assertThat(awaitFailure(storageWith(section).start())).isInstanceOf(IOException.class)
        .hasMessageContaining("could not be checked").hasMessageContaining("127.0.0.1:" + closedPort);
  }

  @Test
  void operationsFailClearlyWhenTheBucketGoesAway() {
    put("offline/aa/one", "x");
    await(storage.delete("offline/aa/one"));
    s3.deleteBucket(bucket);

    assertThat(awaitFailure(storage.read("offline/aa/one", 0, 10))).isInstanceOf(IOException.class)
        .isNotInstanceOf(NoSuchFileException.class).hasMessageContaining("NoSuchBucket");
  }
}
