package io.ttvertx.msg;

import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** With no file server anywhere, a file request gets result 1 (as from TeamTalk) and nothing is listed offline. */
class NoFileServerTest extends ServerTestBase {
  @BeforeAll
  static void start() {
    JsonObject config = TestServer.defaultConfig();
    config.remove("file");
    config.getJsonObject("msg").put("busTimeoutMs", 120_000);
    startServer(config);
  }

  @Test
  void fileRequestsGetResultOneAndNoOfflineFilesAreListed() {
    Session alice = loginPc("alice");
    IMFile.IMFileRsp response = ask(alice.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_REQUEST_VALUE,
        IMFile.IMFileReq.newBuilder().setFromUserId(0).setToUserId(userId("bob")).setFileName("a.txt")
            .setFileSize(10).setTransMode(TransferFileType.FILE_TYPE_OFFLINE).build(),
        FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.parser());
    assertThat(response.getResultCode()).isEqualTo(1);
    assertThat(response.getTaskId()).isEmpty();
    assertThat(response.getIpAddrListCount()).isZero();

    IMFile.IMFileHasOfflineRsp listed = ask(alice.client(), ServiceID.SID_FILE_VALUE,
        FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, IMFile.IMFileHasOfflineReq.newBuilder().setUserId(0).build(),
        FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser());
    assertThat(listed.getUserId()).isEqualTo(alice.userId());
    assertThat(listed.getOfflineFileListCount()).isZero();
  }
}
