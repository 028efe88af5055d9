package io.ttvertx.blob;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Files in a local directory, or a mount shared by every node that serves files. A file is kept by
 * renaming it into place, so a reader never sees half of one.
 */
public final class DirectoryBlobStorage implements BlobStorage {
  private static final String SPOOL = ".spool";

  private final Vertx vertx;
  private final Path root;
  private final Path spool;

  public DirectoryBlobStorage(Vertx vertx, Path root, Path spoolDirectory) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath().normalize();
    this.spool = spoolDirectory == null ? this.root.resolve(SPOOL) : spoolDirectory.toAbsolutePath().normalize();
  }

  @Override
  public Future<Void> start() {
    return vertx.executeBlocking(() -> {
      Files.createDirectories(root);
      SpoolFiles.prepare(spool);
      return null;
    }, false);
  }

  @Override
  public Future<Void> put(String key, Path file) {
    return blocking(() -> {
      Path target = pathOf(key);
      Files.createDirectories(target.getParent());
      try {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // another file system: copy beside the target, then rename
        Path copy = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".part");
        try {
          Files.copy(file, copy);
          Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(copy);
        }
        Files.deleteIfExists(file);
      }
      return null;
    });
  }

  @Override
  public Future<BlobInfo> stat(String key) {
    return blocking(() -> {
      BasicFileAttributes attributes = regularFile(key);
      return attributes == null ? null : new BlobInfo(attributes.size(), attributes.lastModifiedTime().toMillis());
    });
  }

  /** The attributes of the file holding {@code key}, or null when there is none (a folder is none). */
  private BasicFileAttributes regularFile(String key) throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(pathOf(key), BasicFileAttributes.class);
      return attributes.isRegularFile() ? attributes : null;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public Future<Buffer> read(String key, long offset, int length) {
    return blocking(() -> {
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("read of '" + key + "' at offset " + offset + ", length " + length);
      }
      if (regularFile(key) == null) {
        throw new NoSuchFileException(key, null, "not in the blob storage");
      }
      try (FileChannel channel = FileChannel.open(pathOf(key), StandardOpenOption.READ)) {
        int count = (int) Math.max(0, Math.min(length, channel.size() - offset));
        ByteBuffer bytes = ByteBuffer.allocate(count);
        while (bytes.hasRemaining()) {
          if (channel.read(bytes, offset + bytes.position()) < 0) {
            break;
          }
        }
        return Buffer.buffer(bytes.array()).slice(0, bytes.position());
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(key, null, "not in the blob storage");
      }
    });
  }

  @Override
  public Path localFile(String key) {
    return pathOf(key);
  }

  @Override
  public Future<List<BlobEntry>> list(String prefix) {
    return blocking(() -> {
      List<BlobEntry> entries = new ArrayList<>();
      if (!Files.isDirectory(root)) {
        return entries;
      }
      try (var files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (file.startsWith(spool) || !Files.isRegularFile(file)) {
            continue;
          }
          String key = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
          if (key.startsWith(prefix) && !key.endsWith(".part")) {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class);
            entries.add(new BlobEntry(key, attributes.size(), attributes.lastModifiedTime().toMillis()));
          }
        }
      } catch (NoSuchFileException e) {
        // a file deleted while walking
      }
      return entries;
    });
  }

  @Override
  public Future<Boolean> delete(String key) {
    return blocking(() -> regularFile(key) != null && Files.deleteIfExists(pathOf(key)));
  }

  @Override
  public Path spoolDirectory() {
    return spool;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Blocking file work on a worker thread; an invalid key fails the future like any other error. */
  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  private Path pathOf(String key) {
    Path path = root.resolve(BlobStorage.checkKey(key)).normalize();
    if (!path.startsWith(root) || path.startsWith(spool)) {
      throw new IllegalArgumentException("invalid storage key: " + key);
    }
    return path;
  }
}
