package io.ttvertx.blob;

import io.ttvertx.blob.BlobStorage.BlobEntry;
import io.ttvertx.blob.BlobStorage.BlobInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** What every blob storage must do; run against each implementation by a subclass. */
public abstract class BlobStorageContractTest {
  private static final int MULTI_MEGABYTE = 5 * 1024 * 1024 + 123;

  protected Vertx vertx;
  protected BlobStorage storage;

  /** A storage over a fresh, empty directory or bucket; not started yet. */
  protected abstract BlobStorage freshStorage(Vertx vertx);

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    storage = freshStorage(vertx);
    await(storage.start());
  }

  @AfterEach
  void close() {
    if (storage != null) {
      await(storage.close());
    }
    await(vertx.close());
  }

  /** A new file in the storage's spool directory holding {@code content}, as an upload leaves it. */
  protected Path spooled(byte[] content) {
    try {
      return Files.write(storage.spoolDirectory().resolve(UUID.randomUUID() + ".upload"), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected void put(String key, byte[] content) {
    await(storage.put(key, spooled(content)));
  }

  protected void put(String key, String content) {
    put(key, content.getBytes(StandardCharsets.UTF_8));
  }

  protected String read(String key, long offset, int length) {
    return await(storage.read(key, offset, length)).toString(StandardCharsets.UTF_8);
  }

  private static byte[] digits(int count) {
    byte[] bytes = new byte[count];
    for (int i = 0; i < count; i++) {
      bytes[i] = (byte) ('0' + i % 10);
    }
    return bytes;
  }

  @Test
  void putStoresTheFileAndRemovesTheSpoolFile() {
    Path upload = spooled("a picture".getBytes(StandardCharsets.UTF_8));
    long before = System.currentTimeMillis();
    await(storage.put("pictures/00/a.png", upload));

    assertThat(upload).doesNotExist();
    BlobInfo info = await(storage.stat("pictures/00/a.png"));
    assertThat(info.size()).isEqualTo(9);
    // a second's leeway: S3 and some file systems keep whole seconds
    assertThat(info.lastModifiedMillis()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
    assertThat(read("pictures/00/a.png", 0, 1000)).isEqualTo("a picture");
  }

  @Test
  void readsRangesFromTheStartMiddleAndEndAndNothingPastTheEnd() {
    put("offline/ab/task", digits(1000));

    assertThat(read("offline/ab/task", 0, 10)).isEqualTo("0123456789");
    assertThat(read("offline/ab/task", 503, 4)).isEqualTo("3456");
    assertThat(read("offline/ab/task", 995, 10)).isEqualTo("56789");
    assertThat(read("offline/ab/task", 999, 1)).isEqualTo("9");
    assertThat(read("offline/ab/task", 1000, 10)).isEmpty();
    assertThat(read("offline/ab/task", 5000, 10)).isEmpty();
    assertThat(read("offline/ab/task", 10, 0)).isEmpty();
    assertThat(await(storage.read("offline/ab/task", 0, 1000)).getBytes()).isEqualTo(digits(1000));
  }

  @Test
  void anEmptyFileIsStoredAndReadsAsNothing() {
    put("offline/empty", new byte[0]);

    assertThat(await(storage.stat("offline/empty")).size()).isZero();
    assertThat(read("offline/empty", 0, 10)).isEmpty();
  }

  @Test
  void aSecondPutReplacesTheFirst() {
    put("pictures/k", "first version");
    put("pictures/k", "second");

    assertThat(await(storage.stat("pictures/k")).size()).isEqualTo(6);
    assertThat(read("pictures/k", 0, 100)).isEqualTo("second");
  }

  @Test
  void missingKeysAreNullToStatNoSuchFileToReadAndFalseToDelete() {
    put("offline/ab/present", "x");

    assertThat(await(storage.stat("offline/ab/absent"))).isNull();
    assertThat(awaitFailure(storage.read("offline/ab/absent", 0, 10)))
        .isInstanceOfSatisfying(NoSuchFileException.class, e -> assertThat(e.getFile()).isEqualTo("offline/ab/absent"));
    assertThat(await(storage.delete("offline/ab/absent"))).isFalse();
    // a folder of stored keys is not a key itself
    assertThat(await(storage.stat("offline/ab"))).isNull();
    assertThat(awaitFailure(storage.read("offline/ab", 0, 10))).isInstanceOf(NoSuchFileException.class);
    assertThat(awaitFailure(storage.read("offline/ab", 0, 0))).isInstanceOf(NoSuchFileException.class);
    assertThat(await(storage.delete("offline/ab"))).isFalse();
    assertThat(read("offline/ab/present", 0, 10)).isEqualTo("x");
  }

  @Test
  void listsTheKeysUnderAPrefixWithTheirSizes() {
    put("offline/aa/one", "1");
    put("offline/bb/two", "22");
    put("pictures/00/three", "333");
    put("offlinex", "4444");

    assertThat(await(storage.list("offline/"))).extracting(BlobEntry::key, BlobEntry::size)
        .containsExactlyInAnyOrder(tuple("offline/aa/one", 1L),
            tuple("offline/bb/two", 2L));
    assertThat(await(storage.list(""))).extracting(BlobEntry::key)
        .containsExactlyInAnyOrder("offline/aa/one", "offline/bb/two", "pictures/00/three", "offlinex");
    assertThat(await(storage.list("offline"))).extracting(BlobEntry::key)
        .containsExactlyInAnyOrder("offline/aa/one", "offline/bb/two", "offlinex");
    assertThat(await(storage.list("nothing/"))).isEmpty();
    assertThat(await(storage.list("offline/aa/"))).singleElement()
        .satisfies(entry -> assertThat(entry.lastModifiedMillis()).isPositive());
  }

  @Test
  void deleteRemovesTheKeyOnce() {
    put("offline/cc/gone", "bytes");
    put("offline/cc/kept", "bytes");

    assertThat(await(storage.delete("offline/cc/gone"))).isTrue();
    assertThat(await(storage.stat("offline/cc/gone"))).isNull();
    assertThat(awaitFailure(storage.read("offline/cc/gone", 0, 10))).isInstanceOf(NoSuchFileException.class);
    assertThat(await(storage.delete("offline/cc/gone"))).isFalse();
    assertThat(await(storage.list("offline/"))).extracting(BlobEntry::key).containsExactly("offline/cc/kept");
  }

  @Test
  void keysThatCouldLeaveTheStorageAreRefusedAndTheSpoolFileStays() {
    List<String> invalid = List.of("", "/abs", "dir/", "a//b", "..", "../escape", "a/../../escape", ".",
        "a/./b", "back\\slash", "nul\0byte");
    Path upload = spooled("payload".getBytes(StandardCharsets.UTF_8));
    for (String key : invalid) {
      List<Function<String, Future<?>>> operations = List.of(
          k -> storage.put(k, upload), storage::stat, k -> storage.read(k, 0, 10), storage::delete);
      for (Function<String, Future<?>> operation : operations) {
        assertThat(awaitFailure(operation.apply(key))).as("key '%s'", key)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid storage key");
      }
    }
    assertThat(upload).exists();
    assertThat(await(storage.list(""))).isEmpty();
  }

  @Test
  void aMultiMegabyteFileReadsBackIdentical() {
    byte[] content = new byte[MULTI_MEGABYTE];
    new Random(42).nextBytes(content);
    put("offline/big/file", content);

    assertThat(await(storage.stat("offline/big/file")).size()).isEqualTo(MULTI_MEGABYTE);
    // read back the way the file server sends it: in chunks, the last one short
    int chunk = 1024 * 1024;
    Buffer whole = Buffer.buffer(MULTI_MEGABYTE);
    for (long offset = 0; offset < MULTI_MEGABYTE; offset += chunk) {
      whole.appendBuffer(await(storage.read("offline/big/file", offset, chunk)));
    }
    assertThat(whole.getBytes()).isEqualTo(content);
    assertThat(await(storage.read("offline/big/file", 0, MULTI_MEGABYTE + 10)).getBytes()).isEqualTo(content);
  }
}
