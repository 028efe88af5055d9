package io.ttvertx.blob;

import io.ttvertx.config.StorageOptions;
import io.vertx.core.Vertx;

import java.nio.file.Path;

/** Makes the storage the "storage" section configures. */
public final class BlobStorages {
  private BlobStorages() {
  }

  public static BlobStorage create(Vertx vertx, StorageOptions options) {
    if (StorageOptions.S3.equals(options.type())) {
      return new S3BlobStorage(vertx, options);
    }
    Path spool = options.spoolDirectory().isBlank() ? null : Path.of(options.spoolDirectory());
    return new DirectoryBlobStorage(vertx, Path.of(options.directory()), spool);
  }
}
