package io.ttvertx.blob;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Files in a local directory, or a mount shared by every node that serves files. A file is kept by
 * renaming it into place, so a reader never sees half of one.
 */
public final class DirectoryBlobStorage implements BlobStorage {
  private static final String SPOOL = ".spool";
  private static final long STALE_SPOOL_MS = 24 * 3600_000L;

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
      Files.createDirectories(spool);
      removeStaleSpoolFiles();
      return null;
    }, false);
  }

  @Override
  public Future<Void> put(String key, Path file) {
    Path target = pathOf(key);
    return vertx.executeBlocking(() -> {
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
    }, false);
  }

  @Override
  public Future<BlobInfo> stat(String key) {
    Path path = pathOf(key);
    return vertx.executeBlocking(() -> {
      try {
        var attributes = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
        return attributes.isRegularFile() ? new BlobInfo(attributes.size(), attributes.lastModifiedTime().toMillis()) : null;
      } catch (NoSuchFileException e) {
        return null;
      }
    }, false);
  }

  @Override
  public Future<Buffer> read(String key, long offset, int length) {
    FileSystem fs = vertx.fileSystem();
    return fs.open(pathOf(key).toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .compose(file -> file.size()
            .compose(size -> {
              int count = (int) Math.max(0, Math.min(length, size - offset));
              return count == 0 ? Future.succeededFuture(Buffer.buffer())
                  : file.read(Buffer.buffer(count), 0, offset, count);
            })
            .eventually(file::close));
  }

  @Override
  public Path localFile(String key) {
    return pathOf(key);
  }

  @Override
  public Future<List<BlobEntry>> list(String prefix) {
    return vertx.executeBlocking(() -> {
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
            var attributes = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            entries.add(new BlobEntry(key, attributes.size(), attributes.lastModifiedTime().toMillis()));
          }
        }
      } catch (NoSuchFileException e) {
        // a file deleted while walking
      }
      return entries;
    }, false);
  }

  @Override
  public Future<Boolean> delete(String key) {
    Path path = pathOf(key);
    return vertx.executeBlocking(() -> Files.deleteIfExists(path), false);
  }

  @Override
  public Path spoolDirectory() {
    return spool;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** Uploads cut by a crash; a day old, so no upload of another node sharing the mount is still running. */
  private void removeStaleSpoolFiles() throws IOException {
    long cutoff = System.currentTimeMillis() - STALE_SPOOL_MS;
    try (var files = Files.list(spool)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toMillis() < cutoff) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Path pathOf(String key) {
    Path path = root.resolve(BlobStorage.checkKey(key)).normalize();
    if (!path.startsWith(root) || path.startsWith(spool)) {
      throw new IllegalArgumentException("invalid storage key: " + key);
    }
    return path;
  }
}
