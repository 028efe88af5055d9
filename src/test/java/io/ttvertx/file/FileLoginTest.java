package io.ttvertx.file;

import io.ttvertx.support.FilePeer;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMOther;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.ttvertx.file.FileServerFixture.OFFLINE;
import static io.ttvertx.file.FileServerFixture.ONLINE;
import static io.ttvertx.file.FileServerFixture.randomBytes;
import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may join a task: its sender and its receiver, each once, in a role of the task's mode. Anyone
 * else gets LOGIN_RES 1 and is closed; anything but login and heartbeat before login closes.
 */
class FileLoginTest {
  static final int ALICE = 1;
  static final int BOB = 2;
  static final int MALLORY = 3;
  static final int MAX_FRAME = 40 * 1024;

  static Vertx vertx;
  static FileServerFixture files;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    files = FileServerFixture.start(vertx, new JsonObject().put("maxFrameLength", MAX_FRAME));
  }

  @AfterAll
  static void stop() {
    files.stop();
    await(vertx.close());
  }

  @Test
  void aStrangerIsRefusedInEveryRole() {
    String online = files.newTask(ALICE, BOB, 100, ONLINE);
    files.connect().loginRefused(MALLORY, online, ClientFileRole.CLIENT_REALTIME_RECVER);
    files.connect().loginRefused(MALLORY, online, ClientFileRole.CLIENT_REALTIME_SENDER);

    String offline = files.uploadOffline(ALICE, BOB, randomBytes(100, 7));
    files.connect().loginRefused(MALLORY, offline, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
    // the sender does not fetch its own upload either: it is for the receiver
    files.connect().loginRefused(ALICE, offline, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);

    // the task is untouched: its own users still get in
    FilePeer receiver = files.connect();
    assertThat(receiver.login(BOB, online, ClientFileRole.CLIENT_REALTIME_RECVER).getResultCode()).isZero();
    receiver.close();
  }

  @Test
  void aRoleOfTheOtherModeOrTheOtherSideIsRefused() {
    String online = files.newTask(ALICE, BOB, 100, ONLINE);
    files.connect().loginRefused(ALICE, online, ClientFileRole.CLIENT_OFFLINE_UPLOAD);
    files.connect().loginRefused(BOB, online, ClientFileRole.CLIENT_REALTIME_SENDER);
    files.connect().loginRefused(ALICE, online, ClientFileRole.CLIENT_REALTIME_RECVER);

    String offline = files.newTask(ALICE, BOB, 100, OFFLINE);
    files.connect().loginRefused(ALICE, offline, ClientFileRole.CLIENT_REALTIME_SENDER);
    files.connect().loginRefused(BOB, offline, ClientFileRole.CLIENT_REALTIME_RECVER);
    files.connect().loginRefused(BOB, offline, ClientFileRole.CLIENT_OFFLINE_UPLOAD);
    // not uploaded yet: nothing to download
    files.connect().loginRefused(BOB, offline, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
  }

  @Test
  void unknownTasksAndASecondSenderAreRefused() {
    files.connect().loginRefused(ALICE, "no-such-task", ClientFileRole.CLIENT_REALTIME_SENDER);
    files.connect().loginRefused(BOB, "../../etc/passwd", ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
    files.connect().loginRefused(BOB, java.util.UUID.randomUUID().toString(), ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);

    String online = files.newTask(ALICE, BOB, 100, ONLINE);
    FileServerFixture.OnlinePair pair = files.joinOnline(online, ALICE, BOB);
    files.connect().loginRefused(ALICE, online, ClientFileRole.CLIENT_REALTIME_SENDER);
    files.connect().loginRefused(BOB, online, ClientFileRole.CLIENT_REALTIME_RECVER);
    pair.receiver().close();
    // a side leaving ends the task: the other is closed too
    pair.sender().awaitClosed();
  }

  @Test
  void heartbeatsAreEchoedBeforeAndAfterLogin() {
    FilePeer peer = files.connect();
    Pdu echo = await(peer.client.request(ServiceID.SID_OTHER_VALUE, OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
        IMOther.IMHeartBeat.getDefaultInstance()));
    assertThat(echo.commandId()).isEqualTo(OtherCmdID.CID_OTHER_HEARTBEAT_VALUE);
    String online = files.newTask(ALICE, BOB, 100, ONLINE);
    assertThat(peer.login(ALICE, online, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
    echo = await(peer.client.request(ServiceID.SID_OTHER_VALUE, OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
        IMOther.IMHeartBeat.getDefaultInstance()));
    assertThat(echo.serviceId()).isEqualTo(ServiceID.SID_OTHER_VALUE);
    peer.close();
  }

  @Test
  void aTransferCommandBeforeLoginClosesTheConnection() {
    String online = files.newTask(ALICE, BOB, 100, ONLINE);
    FilePeer peer = files.connect();
    peer.sendPull(online, BOB, ONLINE, 0, 100);
    peer.awaitClosed();
    assertThat(peer.hasUnprompted()).isFalse();
  }

  @Test
  void aFrameOverTheLimitOrAnUndecodableLoginClosesTheConnection() {
    FilePeer big = files.connect();
    big.client.sendRaw(Buffer.buffer().appendUnsignedInt(MAX_FRAME + 1).appendUnsignedShort(1).appendUnsignedShort(0)
        .appendUnsignedShort(ServiceID.SID_FILE_VALUE).appendUnsignedShort(FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE)
        .appendUnsignedShort(1).appendUnsignedShort(0));
    big.awaitClosed();

    FilePeer garbage = files.connect();
    garbage.client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_REQ_VALUE,
        IMOther.IMHeartBeat.getDefaultInstance());
    garbage.awaitClosed();
  }

  @Test
  void anOnlinePullForMoreThanAFrameCarriesClosesTheReceiver() {
    String online = files.newTask(ALICE, BOB, 1_000_000, ONLINE);
    FileServerFixture.OnlinePair pair = files.joinOnline(online, ALICE, BOB);
    pair.receiver().sendPull(online, BOB, ONLINE, 0, MAX_FRAME);
    pair.receiver().awaitClosed();
    pair.sender().awaitClosed();
  }
}
