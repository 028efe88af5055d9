package io.ttvertx.file;

import io.ttvertx.blob.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Offline files in the shared storage: the data under {@code offline/<taskId[0:2]>/<taskId>} and a
 * small JSON description beside it ({@code .json}), written after the data, so a description means
 * a complete upload. Keys come from the server's own task ids only, checked before use.
 */
final class OfflineFiles {
  private static final Logger log = LoggerFactory.getLogger(OfflineFiles.class);

  static final String PREFIX = "offline/";
  private static final String METADATA_SUFFIX = ".json";
  /** A description holds a file name of at most {@link FileVerticle#MAX_FILE_NAME_LENGTH} characters. */
  private static final int MAX_METADATA_LENGTH = 16 * 1024;
  private static final Pattern TASK_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /** What is kept beside an offline file. */
  record Description(String taskId, int from, int to, String fileName, long fileSize, String sha256, long created) {
    JsonObject toJson() {
      return new JsonObject().put("taskId", taskId).put("from", from).put("to", to).put("fileName", fileName)
          .put("fileSize", fileSize).put("sha256", sha256).put("created", created);
    }

    static Description fromJson(JsonObject json) {
      return new Description(json.getString("taskId"), json.getInteger("from"), json.getInteger("to"),
          json.getString("fileName"), json.getLong("fileSize"), json.getString("sha256"), json.getLong("created"));
    }
  }

  private final Vertx vertx;
  private final BlobStorage storage;

  OfflineFiles(Vertx vertx, BlobStorage storage) {
    this.vertx = vertx;
    this.storage = storage;
  }

  /** A task id as this server makes them (a random UUID's text); anything else names no file. */
  static boolean isTaskId(String text) {
    return text != null && TASK_ID.matcher(text).matches();
  }

  static String newTaskId() {
    return UUID.randomUUID().toString();
  }

  static String dataKey(String taskId) {
    if (!isTaskId(taskId)) {
      throw new IllegalArgumentException("not a task id: " + taskId);
    }
    return PREFIX + taskId.substring(0, 2) + "/" + taskId;
  }

  static String metadataKey(String taskId) {
    return dataKey(taskId) + METADATA_SUFFIX;
  }

  BlobStorage storage() {
    return storage;
  }

  /** Keeps a complete upload: the data (moved from {@code spoolFile}), then its description. */
  Future<Void> keep(Description description, Path spoolFile) {
    Path metadataFile = storage.spoolDirectory().resolve("meta-" + UUID.randomUUID());
    return storage.put(dataKey(description.taskId()), spoolFile)
        .compose(v -> vertx.fileSystem().writeFile(metadataFile.toString(), description.toJson().toBuffer()))
        .compose(v -> storage.put(metadataKey(description.taskId()), metadataFile))
        .onFailure(e -> vertx.fileSystem().delete(metadataFile.toString()).otherwiseEmpty());
  }

  /** The description of a complete offline file, or null when there is none (missing, cut or deleted). */
  Future<Description> describe(String taskId) {
    if (!isTaskId(taskId)) {
      return Future.succeededFuture();
    }
    String key = metadataKey(taskId);
    return storage.stat(key).compose(info -> {
      if (info == null) {
        return Future.succeededFuture();
      }
      if (info.size() > MAX_METADATA_LENGTH) {
        log.warn("offline file {}: description of {} bytes ignored", taskId, info.size());
        return Future.succeededFuture();
      }
      return storage.read(key, 0, (int) info.size()).map(bytes -> {
        try {
          Description description = Description.fromJson(bytes.toJsonObject());
          return taskId.equals(description.taskId()) ? description : null;
        } catch (DecodeException | ClassCastException | NullPointerException e) {
          log.warn("offline file {}: unreadable description: {}", taskId, e.getMessage());
          return null;
        }
      });
    });
  }

  /** The description when the data beside it has its size; null otherwise. */
  Future<Description> describeComplete(String taskId) {
    return describe(taskId).compose(description -> description == null ? Future.succeededFuture()
        : storage.stat(dataKey(taskId)).map(info -> info != null && info.size() == description.fileSize()
            ? description : null));
  }

  /** Deletes the description (so the file stops being offered), then the data; true when either existed. */
  Future<Boolean> delete(String taskId) {
    if (!isTaskId(taskId)) {
      return Future.succeededFuture(false);
    }
    return storage.delete(metadataKey(taskId))
        .compose(metadata -> storage.delete(dataKey(taskId)).map(data -> metadata || data));
  }

  /** Deletes every offline key last modified before {@code cutoffMillis}; completes with how many. */
  Future<Integer> deleteOlderThan(long cutoffMillis) {
    return storage.list(PREFIX).compose(entries -> {
      Future<Integer> deleted = Future.succeededFuture(0);
      for (BlobStorage.BlobEntry entry : entries) {
        if (entry.lastModifiedMillis() < cutoffMillis) {
          deleted = deleted.compose(count -> storage.delete(entry.key()).map(gone -> gone ? count + 1 : count));
        }
      }
      return deleted;
    });
  }
}
