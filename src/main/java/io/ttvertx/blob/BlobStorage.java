package io.ttvertx.blob;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.nio.file.Path;
import java.util.List;

/**
 * Where stored files live: msfs pictures and their thumbnails, offline files. Keys are relative,
 * '/'-separated names that the server makes up (never a client's file name); a stored key never
 * changes, so readers may cache. Everything completes on the caller's context.
 *
 * <p>Failures are the same whatever the implementation: a key that {@link #checkKey} refuses fails the
 * future with an {@link IllegalArgumentException}; reading a key that is not stored fails it with a
 * {@link java.nio.file.NoSuchFileException} whose file is the key; anything else (disk, network, a
 * refusing S3 server) with an {@link java.io.IOException} that says what went wrong.
 */
public interface BlobStorage {

  /** Size and modification time of a stored key. */
  record BlobInfo(long size, long lastModifiedMillis) {
  }

  /** One stored key, as {@link #list} finds it. */
  record BlobEntry(String key, long size, long lastModifiedMillis) {
  }

  /** Opens the storage (creates the directory, checks the bucket). */
  Future<Void> start();

  /**
   * Stores the complete local file {@code file} under {@code key} (replacing what was there) and
   * removes the local file. Readers see either nothing or the whole file, never a part of it. When the
   * put fails the local file stays, for the caller to retry or delete.
   */
  Future<Void> put(String key, Path file);

  /** Size and modification time of {@code key}, or null when nothing is stored under it. */
  Future<BlobInfo> stat(String key);

  /**
   * Up to {@code length} bytes of {@code key} from {@code offset}: fewer at its end, none from past
   * its end; fails with {@link java.nio.file.NoSuchFileException} when the key is not stored.
   */
  Future<Buffer> read(String key, long offset, int length);

  /** The file holding {@code key} when the storage is a local directory (to send it without copying), else null. */
  Path localFile(String key);

  /** Every key that starts with {@code prefix} (a folder such as "offline/"), in no given order, for sweeps of old files. */
  Future<List<BlobEntry>> list(String prefix);

  /** Deletes {@code key}; true when something was deleted. */
  Future<Boolean> delete(String key);

  /**
   * A directory for files being received (on the same file system as a directory storage, so
   * {@link #put} is a rename). Callers delete what they leave there.
   */
  Path spoolDirectory();

  Future<Void> close();

  /** Refuses keys that could leave the storage's root: empty parts, "." and "..", backslashes, NULs. */
  static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.indexOf('\\') >= 0
        || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid storage key: " + key);
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid storage key: " + key);
      }
    }
    return key;
  }
}
