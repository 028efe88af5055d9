package io.ttvertx.blob;

import io.ttvertx.support.ChildProcesses;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The contract on a local directory, plus what only a directory does. */
class DirectoryBlobStorageTest extends BlobStorageContractTest {
  private Path root;

  @Override
  protected BlobStorage freshStorage(Vertx vertx) {
    try {
      root = Files.createTempDirectory("tt-blobs");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DirectoryBlobStorage(vertx, root.resolve("files"), null);
  }

  @AfterEach
  void deleteDirectory() {
    ChildProcesses.deleteDirectory(root);
  }

  @Test
  void keysAreFilesUnderTheRootAndTheSpoolIsNotListed() throws IOException {
    put("pictures/00/a.png", "picture");
    Files.writeString(storage.spoolDirectory().resolve("half-upload"), "partial");

    Path file = storage.localFile("pictures/00/a.png");
    assertThat(file).isEqualTo(root.resolve("files/pictures/00/a.png"));
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("picture");
    assertThat(storage.spoolDirectory()).isEqualTo(root.resolve("files/.spool"));
    assertThat(await(storage.list(""))).extracting(BlobStorage.BlobEntry::key).containsExactly("pictures/00/a.png");
  }
}
