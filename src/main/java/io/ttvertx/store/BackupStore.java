package io.ttvertx.store;

import io.vertx.core.Future;

import java.nio.file.Path;

/** A store that can copy itself to a file while it serves (the embedded store). */
public interface BackupStore {
  /**
   * Writes a consistent copy (a zip holding the database file) to {@code file} while the store goes on
   * serving; completes with the bytes written. Fails with a {@link StoreException} saying why when this
   * store cannot (MySQL: its own tools do it).
   */
  Future<Long> backupTo(Path file);
}
