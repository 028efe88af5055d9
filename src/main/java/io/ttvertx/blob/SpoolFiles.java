package io.ttvertx.blob;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The spool directory every storage keeps uploads in while they arrive. */
final class SpoolFiles {
  /** A day: no upload still running on another node sharing the directory is that old. */
  static final long STALE_SPOOL_MS = 24 * 3600_000L;

  private SpoolFiles() {
  }

  /** Creates the spool directory and removes the files of uploads cut by a crash. Blocking. */
  static void prepare(Path spool) throws IOException {
    Files.createDirectories(spool);
    long cutoff = System.currentTimeMillis() - STALE_SPOOL_MS;
    try (var files = Files.list(spool)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(file) && Files.getLastModifiedTime(file).toMillis() < cutoff) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
