package io.ttvertx.file;

import com.google.protobuf.UnsafeByteOperations;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.IMOther;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.buffer.Buffer;

/** The frames the file server writes, encoded. */
final class FileFrames {
  static final int LOGIN_OK = 0;
  static final int LOGIN_REFUSED = 1;

  private FileFrames() {
  }

  static Buffer heartbeat(int seq) {
    return Pdu.encode(ServiceID.SID_OTHER_VALUE, OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, seq,
        IMOther.IMHeartBeat.getDefaultInstance());
  }

  static Buffer loginResult(int seq, int resultCode, String taskId) {
    return Pdu.encode(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_RES_VALUE, seq,
        IMFile.IMFileLoginRsp.newBuilder().setResultCode(resultCode).setTaskId(taskId).build());
  }

  static Buffer state(ClientFileState state, String taskId, int userId) {
    return Pdu.encode(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_STATE_VALUE, 0,
        IMFile.IMFileState.newBuilder().setState(state).setTaskId(taskId).setUserId(userId).build());
  }

  /** The server asking an offline uploader for a segment (TeamTalk: user_id is the uploader, mode offline). */
  static Buffer pullRequest(String taskId, int userId, long offset, int size) {
    return Pdu.encode(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE, 0,
        IMFile.IMFilePullDataReq.newBuilder().setTaskId(taskId).setUserId(userId)
            .setTransMode(TransferFileType.FILE_TYPE_OFFLINE).setOffset((int) offset).setDataSize(size).build());
  }

  static Buffer pullResponse(int seq, String taskId, int userId, long offset, byte[] data) {
    return Pdu.encode(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE, seq,
        IMFile.IMFilePullDataRsp.newBuilder().setResultCode(0).setTaskId(taskId).setUserId(userId)
            .setOffset((int) offset).setFileData(UnsafeByteOperations.unsafeWrap(data)).build());
  }

  /** {@code frame} as received, with another seq (a relayed pull answer takes its request's seq). */
  static Buffer withSeq(Pdu frame, int seq) {
    return new Pdu(frame.version(), frame.flag(), frame.serviceId(), frame.commandId(), seq, frame.reserved(),
        frame.body()).encode();
  }
}
