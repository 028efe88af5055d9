package io.ttvertx.db;

import io.ttvertx.bus.Addresses;
import io.ttvertx.store.BackupFiles;
import io.ttvertx.store.BackupStore;
import io.ttvertx.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;

/**
 * Online backups on {@link Addresses#DB_BACKUP}: the store copies itself into a new file of the
 * configured backup directory (the caller never names the path), written as {@code .part} and renamed
 * when complete, so a file with the final name is always a whole backup. One backup at a time.
 */
final class BackupAnswers {
  private static final Logger log = LoggerFactory.getLogger(BackupAnswers.class);
  static final String PART = ".part";

  private final Vertx vertx;
  private final BackupStore store;
  private final Path directory;
  private MessageConsumer<JsonObject> consumer;
  private boolean running;

  BackupAnswers(Vertx vertx, BackupStore store, String directory) {
    this.vertx = vertx;
    this.store = store;
    this.directory = Path.of(directory).toAbsolutePath();
  }

  Future<Void> start() {
    consumer = vertx.eventBus().consumer(Addresses.DB_BACKUP, this::handleBackup);
    return consumer.completion();
  }

  Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Request {}; reply {file, bytes, tookMs}; fails 409 when the store cannot or a backup is running. */
  private void handleBackup(Message<JsonObject> message) {
    if (DbCommand.refusedToUser(message)) {
      return;
    }
    if (running) {
      message.fail(409, "a backup is already being written");
      return;
    }
    running = true;
    long startedAt = System.nanoTime();
    Path file = BackupFiles.fileFor(directory, Instant.now());
    Path part = Path.of(file + PART);
    vertx.fileSystem().mkdirs(directory.toString())
        .compose(v -> store.backupTo(part))
        .compose(bytes -> vertx.fileSystem().move(part.toString(), file.toString()).map(bytes))
        .onComplete(ar -> {
          running = false;
          long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
          if (ar.succeeded()) {
            log.info("backup written to {} ({} bytes in {} ms)", file, ar.result(), tookMs);
            message.reply(new JsonObject().put("file", file.toString()).put("bytes", ar.result()).put("tookMs", tookMs));
          } else if (ar.cause() instanceof StoreException refused) {
            message.fail(409, refused.getMessage());
          } else {
            log.warn("backup to {} failed: {}", file, ar.cause().getMessage());
            vertx.fileSystem().delete(part.toString()).otherwiseEmpty();
            message.fail(500, "the backup failed: " + ar.cause().getMessage());
          }
        });
  }
}
