package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * File service (0x05) on the msg side: a transfer is set up here and runs on a file server. A request
 * becomes a task on a file server, answered to the sender with the task id and the server's addresses,
 * and announced to the receiver's devices. An online request stays online only when the receiver has a
 * PC client online anywhere (TeamTalk's rule, without counting a phone as a PC); otherwise it becomes
 * an offline one, which the receiver hears of only once the upload is complete (ADD_OFFLINE), so its
 * client never tries to download half a file.
 */
final class FileCommands extends CommandHandlers {
  private static final Logger log = LoggerFactory.getLogger(FileCommands.class);
  /** IMTransmitFile.fileName is varchar(255); Windows sends the whole local path. */
  static final int MAX_FILE_NAME_LENGTH = 1024;

  private final FileServerClient files;

  FileCommands(MsgVerticle server, FileServerClient files) {
    super(server);
    this.files = files;
  }

  void handleRequest(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMFile.IMFileReq request = pdu.parse(IMFile.IMFileReq.parser());
    int from = connection.userId();
    int to = request.getToUserId();
    long fileSize = Integer.toUnsignedLong(request.getFileSize());
    String refusal = to == from ? "a file to oneself"
        : to == 0 ? "no receiver"
        : request.getFileName().isEmpty() || request.getFileName().length() > MAX_FILE_NAME_LENGTH ? "a bad file name"
        : fileSize == 0 ? "an empty file"
        : null;
    if (refusal != null) {
      log.info("connection {} (user {}): file request refused: {}", connection.id(), from, refusal);
      replyFileResponse(connection, pdu, request, 1, "", new JsonArray(), request.getTransMode());
      return;
    }
    Future<TransferFileType> mode = request.getTransMode() == TransferFileType.FILE_TYPE_ONLINE
        ? route(connection).hasPc(to)
            .map(pc -> pc ? TransferFileType.FILE_TYPE_ONLINE : TransferFileType.FILE_TYPE_OFFLINE)
        : Future.succeededFuture(TransferFileType.FILE_TYPE_OFFLINE);
    mode.compose(transMode -> files.createTask(from, to, request.getFileName(), fileSize, transMode.getNumber())
            .map(task -> new CreatedTask(transMode, task.getString("taskId"),
                task.getJsonArray("addresses", new JsonArray()))))
        .onComplete(ar -> {
          if (ar.failed()) {
            server.failureLog().warn(String.valueOf(ar.cause().getMessage()), "connection " + connection.id()
                + " (user " + from + "): file request to " + to + " refused: " + ar.cause().getMessage());
            replyFileResponse(connection, pdu, request, 1, "", new JsonArray(), request.getTransMode());
            return;
          }
          CreatedTask task = ar.result();
          replyFileResponse(connection, pdu, request, 0, task.taskId(), task.addresses(), task.transMode());
          if (task.transMode() == TransferFileType.FILE_TYPE_ONLINE) {
            notifyReceiver(connection, to, request.getFileName(), request.getFileSize(), task.taskId(), task.addresses(),
                task.transMode(), 0);
          }
        });
  }

  private record CreatedTask(TransferFileType transMode, String taskId, JsonArray addresses) {
  }

  private static void replyFileResponse(MsgConnection connection, Pdu pdu, IMFile.IMFileReq request, int result,
                                        String taskId, JsonArray addresses, TransferFileType transMode) {
    connection.reply(pdu, ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.newBuilder()
        .setResultCode(result)
        .setFromUserId(connection.userId())
        .setToUserId(request.getToUserId())
        .setFileName(request.getFileName())
        .setTaskId(taskId)
        .addAllIpAddrList(ipAddresses(addresses))
        .setTransMode(transMode)
        .build());
  }

  private void notifyReceiver(MsgConnection connection, int to, String fileName, int fileSize, String taskId,
                              JsonArray addresses, TransferFileType transMode, int offlineReady) {
    IMFile.IMFileNotify notify = IMFile.IMFileNotify.newBuilder()
        .setFromUserId(connection.userId())
        .setToUserId(to)
        .setFileName(fileName)
        .setFileSize(fileSize)
        .setTaskId(taskId)
        .addAllIpAddrList(ipAddresses(addresses))
        .setTransMode(transMode)
        .setOfflineReady(offlineReady)
        .build();
    route(connection).deliver(List.of(to),
        Pdu.encode(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_NOTIFY_VALUE, 0, notify), connection.id());
  }

  /** The user's waiting offline files, with where to download them (none listed when no file server runs). */
  void handleHasOffline(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMFile.IMFileHasOfflineReq request = pdu.parse(IMFile.IMFileHasOfflineReq.parser()).toBuilder()
        .clearAttachData().build();
    ask(connection, pdu, FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, request, Order.READ)
        .compose(answer -> files.offlineAddresses().map(addresses -> {
          IMFile.IMFileHasOfflineRsp listed = parseAnswer(IMFile.IMFileHasOfflineRsp.parser(), answer);
          return listed.toBuilder().addAllIpAddrList(ipAddresses(addresses)).build();
        }).recover(noFileServer -> {
          log.info("connection {} (user {}): no file server for the offline files: {}", connection.id(),
              connection.userId(), noFileServer.getMessage());
          return Future.succeededFuture(IMFile.IMFileHasOfflineRsp.newBuilder().setUserId(connection.userId()).build());
        }))
        .onSuccess(response -> connection.reply(pdu, ServiceID.SID_FILE_VALUE,
            FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, response));
  }

  /**
   * The sender's upload is done: recorded for the receiver, who is told it is ready. Only an upload
   * the file server holds complete, from this user to that receiver, is recorded. No answer (TeamTalk
   * sends none).
   */
  void handleAddOffline(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMFile.IMFileAddOfflineReq request = pdu.parse(IMFile.IMFileAddOfflineReq.parser());
    int from = connection.userId();
    files.offlineStatus(request.getTaskId())
        .compose(status -> {
          if (!status.getBoolean("complete", false) || status.getInteger("from", 0) != from
              || status.getInteger("to", 0) != request.getToUserId()) {
            return Future.failedFuture("no complete upload of task " + request.getTaskId() + " from user " + from
                + " to " + request.getToUserId());
          }
          IMFile.IMFileAddOfflineReq record = request.toBuilder()
              .setFileName(request.getFileName().isEmpty() ? status.getString("fileName", "") : request.getFileName())
              .setFileSize((int) status.getLong("fileSize").longValue())
              .build();
          return ask(connection, pdu, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE, record, Order.CHANGE)
              .compose(answer -> files.offlineAddresses())
              .onSuccess(addresses -> notifyReceiver(connection, record.getToUserId(), record.getFileName(),
                  record.getFileSize(), record.getTaskId(), addresses, TransferFileType.FILE_TYPE_OFFLINE, 1));
        })
        .onFailure(failure -> log.info("connection {} (user {}): offline file not recorded: {}", connection.id(), from,
            failure.getMessage()));
  }

  /** Forgets an offline file and deletes it, when this user is its sender or receiver. No answer (as TeamTalk). */
  void handleDelOffline(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMFile.IMFileDelOfflineReq request = pdu.parse(IMFile.IMFileDelOfflineReq.parser());
    TTInternal.OfflineFileRemoval removal = TTInternal.OfflineFileRemoval.newBuilder()
        .setTaskId(request.getTaskId()).build();
    ask(connection, pdu, FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE, removal, Order.CHANGE).onSuccess(answer -> {
      TTInternal.OfflineFileRemoved removed = parseAnswer(TTInternal.OfflineFileRemoved.parser(), answer);
      if (!removed.hasFile()) {
        log.info("connection {} (user {}): refused to delete offline file {}: not theirs or gone", connection.id(),
            connection.userId(), request.getTaskId());
        return;
      }
      files.deleteOffline(request.getTaskId()).onFailure(failure -> log.warn(
          "offline file {} forgotten but not deleted from the storage: {}", request.getTaskId(), failure.getMessage()));
    });
  }

  private static List<IMBaseDefine.IpAddr> ipAddresses(JsonArray addresses) {
    List<IMBaseDefine.IpAddr> list = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      JsonObject address = addresses.getJsonObject(i);
      list.add(IMBaseDefine.IpAddr.newBuilder().setIp(address.getString("ip")).setPort(address.getInteger("port")).build());
    }
    return list;
  }
}
