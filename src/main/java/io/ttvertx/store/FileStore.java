package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.List;

/** Offline files waiting for their receivers (TeamTalk's IMTransmitFile); the files themselves are in the blob storage. */
public interface FileStore {

  /** Records an uploaded offline file. Recording the same task again changes nothing. */
  Future<Void> addOfflineFile(OfflineFile file);

  /** The offline files left for {@code toUserId}, oldest first. */
  Future<List<OfflineFile>> offlineFilesFor(int toUserId);

  /**
   * Forgets the offline file of {@code taskId} when {@code userId} is its sender or receiver; completes
   * with the forgotten record, or null when there was none that user may forget.
   */
  Future<OfflineFile> removeOfflineFile(int userId, String taskId);

  /** Forgets the offline files recorded before {@code createdBefore} (epoch seconds); completes with how many. */
  Future<Integer> removeOfflineFilesBefore(int createdBefore);
}
