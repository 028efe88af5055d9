package io.ttvertx.db;

import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.store.FileStore;
import io.ttvertx.store.OfflineFile;
import io.vertx.core.Future;

/**
 * Offline files (TeamTalk's IMTransmitFile): the list a user has waiting, recording an upload, and
 * forgetting one, which only its sender or receiver may, all for the acting user. msg has already
 * checked with the file server that the upload from that user is complete.
 */
final class FileAnswers implements DbCommand.Answers {
  private final FileStore files;

  FileAnswers(FileStore files) {
    this.files = files;
  }

  @Override
  public void register(DbCommand.Table commands) {
    commands.forUsers(FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, (user, body) -> offlineFiles(user.userId()));
    commands.forUsers(FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        (user, body) -> add(user.userId(), IMFile.IMFileAddOfflineReq.parseFrom(body)));
    commands.forUsers(FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE,
        (user, body) -> remove(user.userId(), TTInternal.OfflineFileRemoval.parseFrom(body)));
  }

  private Future<IMFile.IMFileHasOfflineRsp> offlineFiles(int userId) {
    return files.offlineFilesFor(userId).map(list -> {
      IMFile.IMFileHasOfflineRsp.Builder response = IMFile.IMFileHasOfflineRsp.newBuilder().setUserId(userId);
      list.forEach(file -> response.addOfflineFileList(info(file)));
      return response.build();
    });
  }

  /**
   * A file the acting user sent. The answer is the request, with that sender: recorded (a second
   * record of one task changes nothing).
   */
  private Future<IMFile.IMFileAddOfflineReq> add(int fromUserId, IMFile.IMFileAddOfflineReq body) {
    IMFile.IMFileAddOfflineReq request = body.toBuilder().setFromUserId(fromUserId).build();
    OfflineFile file = new OfflineFile(fromUserId, request.getToUserId(), request.getTaskId(),
        request.getFileName(), Integer.toUnsignedLong(request.getFileSize()), (int) (System.currentTimeMillis() / 1000));
    return files.addOfflineFile(file).map(request);
  }

  /** Only the file's sender or receiver may forget it: the store checks the record. */
  private Future<TTInternal.OfflineFileRemoved> remove(int userId, TTInternal.OfflineFileRemoval request) {
    return files.removeOfflineFile(userId, request.getTaskId()).map(file -> {
      TTInternal.OfflineFileRemoved.Builder removed = TTInternal.OfflineFileRemoved.newBuilder();
      if (file != null) {
        removed.setFile(info(file)).setToUserId(file.toUserId());
      }
      return removed.build();
    });
  }

  private static IMBaseDefine.OfflineFileInfo info(OfflineFile file) {
    return IMBaseDefine.OfflineFileInfo.newBuilder()
        .setFromUserId(file.fromUserId())
        .setTaskId(file.taskId())
        .setFileName(file.fileName())
        .setFileSize((int) file.fileSize())
        .build();
  }
}
