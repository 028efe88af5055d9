package io.ttvertx.db;

import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.store.FileStore;
import io.ttvertx.store.OfflineFile;
import io.vertx.core.Future;

import java.util.Map;

/**
 * Offline files (TeamTalk's IMTransmitFile): the list a user has waiting, recording an upload, and
 * forgetting one, which only its sender or receiver may. msg has already checked that the upload is
 * complete and set the logged-in user in each request.
 */
final class FileAnswers implements DbCommand.Answers {
  private final FileStore files;

  FileAnswers(FileStore files) {
    this.files = files;
  }

  @Override
  public void register(Map<Integer, DbCommand> commands) {
    commands.put(FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE,
        body -> offlineFiles(IMFile.IMFileHasOfflineReq.parseFrom(body)));
    commands.put(FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        body -> add(IMFile.IMFileAddOfflineReq.parseFrom(body)));
    commands.put(FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE,
        body -> remove(TTInternal.OfflineFileRemoval.parseFrom(body)));
  }

  private Future<IMFile.IMFileHasOfflineRsp> offlineFiles(IMFile.IMFileHasOfflineReq request) {
    return files.offlineFilesFor(request.getUserId()).map(list -> {
      IMFile.IMFileHasOfflineRsp.Builder response = IMFile.IMFileHasOfflineRsp.newBuilder()
          .setUserId(request.getUserId());
      list.forEach(file -> response.addOfflineFileList(info(file)));
      return response.build();
    });
  }

  /** The answer is the request: recorded (a second record of one task changes nothing). */
  private Future<IMFile.IMFileAddOfflineReq> add(IMFile.IMFileAddOfflineReq request) {
    OfflineFile file = new OfflineFile(request.getFromUserId(), request.getToUserId(), request.getTaskId(),
        request.getFileName(), Integer.toUnsignedLong(request.getFileSize()), (int) (System.currentTimeMillis() / 1000));
    return files.addOfflineFile(file).map(request);
  }

  private Future<TTInternal.OfflineFileRemoved> remove(TTInternal.OfflineFileRemoval request) {
    return files.removeOfflineFile(request.getUserId(), request.getTaskId()).map(file -> {
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
