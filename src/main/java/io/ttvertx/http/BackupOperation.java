package io.ttvertx.http;

import io.ttvertx.bus.Addresses;
import io.ttvertx.http.AdminOperations.Answer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.ValidatedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/backup}: asks the db proxy for an online backup of the embedded store into its
 * backup directory and answers {file, bytes, tookMs}; 409 with the store's reason on MySQL or while
 * another backup is being written.
 */
final class BackupOperation {
  private static final Logger log = LoggerFactory.getLogger(BackupOperation.class);
  /** A backup copies the whole database: far longer than any other request may take. */
  static final long BACKUP_TIMEOUT_MS = 30 * 60_000;

  private final Vertx vertx;

  BackupOperation(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Answer> backup(ValidatedRequest request) {
    return vertx.eventBus().<JsonObject>request(Addresses.DB_BACKUP, new JsonObject(),
            new DeliveryOptions().setSendTimeout(BACKUP_TIMEOUT_MS))
        .map(reply -> {
          log.info("admin API: backup written to {}", reply.body().getString("file"));
          return Answer.ok(reply.body());
        })
        .recover(failure -> Future.failedFuture(failure instanceof ReplyException refused
            && refused.failureType() == ReplyFailure.RECIPIENT_FAILURE && refused.failureCode() == 409
            ? new ApiError(409, ApiError.CONFLICT, refused.getMessage())
            : new ApiError(503, ApiError.UNAVAILABLE, "no backup: " + failure.getMessage())));
  }
}
