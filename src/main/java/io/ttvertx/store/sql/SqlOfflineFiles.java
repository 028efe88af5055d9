package io.ttvertx.store.sql;

import io.ttvertx.store.FileStore;
import io.ttvertx.store.OfflineFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.List;

/**
 * TeamTalk's IMTransmitFile on both databases (status 0 = waiting). TeamTalk deletes by the ids in the
 * request; here only the task's sender or receiver can.
 */
public final class SqlOfflineFiles implements FileStore {
  /** IMTransmitFile.fileName is varchar(255). */
  static final int MAX_FILE_NAME_LENGTH = 255;
  private static final String COLUMNS = "fromId, toId, taskId, fileName, size, created";

  private final SqlDatabase db;

  public SqlOfflineFiles(SqlDatabase db) {
    this.db = db;
  }

  @Override
  public Future<Void> addOfflineFile(OfflineFile file) {
    String name = file.fileName().length() > MAX_FILE_NAME_LENGTH
        ? file.fileName().substring(0, MAX_FILE_NAME_LENGTH) : file.fileName();
    return db.pool().preparedQuery("INSERT INTO IMTransmitFile (fromId, toId, fileName, size, taskId, status, created,"
            + " updated) SELECT ?, ?, ?, ?, ?, 0, ?, ? FROM (SELECT 1) AS one"
            + " WHERE NOT EXISTS (SELECT 1 FROM IMTransmitFile WHERE taskId = ?)")
        .execute(Tuple.of(file.fromUserId(), file.toUserId(), name, file.fileSize(), file.taskId(), file.created(),
            file.created(), file.taskId()))
        .mapEmpty();
  }

  @Override
  public Future<List<OfflineFile>> offlineFilesFor(int toUserId) {
    return db.pool().preparedQuery("SELECT " + COLUMNS + " FROM IMTransmitFile WHERE toId = ? AND status = 0"
            + " ORDER BY created, id")
        .execute(Tuple.of(toUserId))
        .map(rows -> {
          List<OfflineFile> files = new java.util.ArrayList<>();
          rows.forEach(row -> files.add(offlineFile(row)));
          return files;
        });
  }

  @Override
  public Future<OfflineFile> removeOfflineFile(int userId, String taskId) {
    return db.inTransaction(connection -> connection
        .preparedQuery("SELECT " + COLUMNS + " FROM IMTransmitFile WHERE taskId = ? AND (fromId = ? OR toId = ?)"
            + " FOR UPDATE")
        .execute(Tuple.of(taskId, userId, userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          OfflineFile file = offlineFile(rows.iterator().next());
          return connection.preparedQuery("DELETE FROM IMTransmitFile WHERE taskId = ?").execute(Tuple.of(taskId))
              .map(deleted -> file);
        }));
  }

  @Override
  public Future<Integer> removeOfflineFilesBefore(int createdBefore) {
    return db.pool().preparedQuery("DELETE FROM IMTransmitFile WHERE created < ?")
        .execute(Tuple.of(createdBefore))
        .map(result -> result.rowCount());
  }

  private static OfflineFile offlineFile(Row row) {
    return new OfflineFile(row.getInteger(0), row.getInteger(1), row.getString(2), row.getString(3),
        row.getNumeric(4).longValue(), row.getInteger(5));
  }
}
