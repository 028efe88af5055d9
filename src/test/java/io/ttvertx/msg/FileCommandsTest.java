package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.IpAddr;
import io.ttvertx.proto.IMBaseDefine.OfflineFileInfo;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.support.FilePeer;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files sent as the Windows client sends them, through msg and the file server: FILE_REQUEST, the
 * peer's NOTIFY, both sides on the file port; offline files uploaded, recorded with ADD_OFFLINE,
 * listed by HAS_OFFLINE after the receiver logs in, downloaded (twice) and deleted.
 */
class FileCommandsTest extends ServerTestBase {
  static final int WINDOWS_CHUNK = 34816;

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig());
  }

  private static byte[] randomFile(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static IMFile.IMFileRsp requestFile(Session from, int to, String fileName, int size, TransferFileType mode) {
    return ask(from.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_REQUEST_VALUE,
        IMFile.IMFileReq.newBuilder().setFromUserId(0).setToUserId(to).setFileName(fileName).setFileSize(size)
            .setTransMode(mode).build(),
        FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.parser());
  }

  private FilePeer fileConnection(List<IpAddr> addresses) {
    assertThat(addresses).isNotEmpty();
    IpAddr address = addresses.get(0);
    assertThat(address.getIp()).isEqualTo("127.0.0.1");
    return new FilePeer(await(TeamTalkClient.connect(vertx, address.getIp(), address.getPort())));
  }

  private static IMFile.IMFileHasOfflineRsp offlineFiles(Session session) {
    return ask(session.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE,
        IMFile.IMFileHasOfflineReq.newBuilder().setUserId(0).build(),
        FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser());
  }

  /** The stored files (or objects) whose names have {@code taskId}. */
  protected List<String> storedFilesOf(String taskId) {
    Path storage = Path.of(server.config.getJsonObject("storage").getString("directory"));
    try (Stream<Path> files = Files.walk(storage)) {
      return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
          .filter(name -> name.contains(taskId)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void anOnlineFileGoesToThePcOfTheReceiverByteForByte() {
    Session alice = loginPc("alice");
    Session bob = loginPc("bob");
    byte[] file = randomFile(3 * 1024 * 1024 + 12_345, 1);

    IMFile.IMFileRsp response = requestFile(alice, bob.userId(), "C:/Users/alice/design.psd", file.length,
        TransferFileType.FILE_TYPE_ONLINE);
    assertThat(response.getResultCode()).isZero();
    assertThat(response.getFromUserId()).isEqualTo(alice.userId());
    assertThat(response.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_ONLINE);
    assertThat(response.getTaskId()).hasSize(36);
    assertThat(response.getIpAddrListList()).containsExactly(
        IpAddr.newBuilder().setIp("127.0.0.1").setPort(server.filePort).build());

    IMFile.IMFileNotify notify = push(bob.client(), FileCmdID.CID_FILE_NOTIFY_VALUE, IMFile.IMFileNotify.parser());
    assertThat(notify.getFromUserId()).isEqualTo(alice.userId());
    assertThat(notify.getToUserId()).isEqualTo(bob.userId());
    assertThat(notify.getTaskId()).isEqualTo(response.getTaskId());
    assertThat(notify.getFileSize()).isEqualTo(file.length);
    assertThat(notify.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_ONLINE);
    assertThat(notify.getOfflineReady()).isZero();

    String taskId = response.getTaskId();
    FilePeer sender = fileConnection(response.getIpAddrListList());
    sender.serve(file, alice.userId());
    assertThat(sender.login(alice.userId(), taskId, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
    FilePeer stranger = fileConnection(notify.getIpAddrListList());
    stranger.loginRefused(userId("carol"), taskId, ClientFileRole.CLIENT_REALTIME_RECVER);
    FilePeer receiver = fileConnection(notify.getIpAddrListList());
    assertThat(receiver.login(bob.userId(), taskId, ClientFileRole.CLIENT_REALTIME_RECVER).getResultCode()).isZero();
    assertThat(receiver.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_PEER_READY);

    byte[] received = receiver.pullAll(taskId, bob.userId(), TransferFileType.FILE_TYPE_ONLINE_VALUE, file.length,
        WINDOWS_CHUNK);
    assertThat(received).isEqualTo(file);
    receiver.sendState(ClientFileState.CLIENT_FILE_DONE, taskId, bob.userId());
    assertThat(sender.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    sender.awaitClosed();
    receiver.awaitClosed();
    assertThat(storedFilesOf(taskId)).isEmpty();
  }

  @Test
  void anOnlineRequestToAUserWithOnlyAPhoneBecomesAnOfflineFile() {
    Session alice = loginPc("alice");
    Session carolPhone = login("carol", ClientType.CLIENT_TYPE_ANDROID);
    IMFile.IMFileRsp response = requestFile(alice, carolPhone.userId(), "notes.txt", 10,
        TransferFileType.FILE_TYPE_ONLINE);
    assertThat(response.getResultCode()).isZero();
    assertThat(response.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_OFFLINE);
    // a message sent after the request takes the same way to carol as a NOTIFY would have: once it is
    // there, a NOTIFY sent before it would be too
    sendText(alice, carolPhone.userId(), "after the file request");
    assertThat(text(receiveMessage(carolPhone).getMsgData())).isEqualTo("after the file request");
    assertThat(carolPhone.client().pendingPushes()).noneMatch(pdu -> pdu.commandId() == FileCmdID.CID_FILE_NOTIFY_VALUE);
  }

  @Test
  void anOfflineFileWaitsForItsReceiverWhoDownloadsItTwiceAndDeletesIt() {
    Session alice = loginPc("alice");
    int dave = userId("dave");
    byte[] file = randomFile(2 * 1024 * 1024 + 777, 2);

    IMFile.IMFileRsp response = requestFile(alice, dave, "C:/tmp/年报.pdf", file.length,
        TransferFileType.FILE_TYPE_ONLINE);
    assertThat(response.getResultCode()).isZero();
    assertThat(response.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_OFFLINE);
    String taskId = response.getTaskId();

    FilePeer uploader = fileConnection(response.getIpAddrListList());
    uploader.serve(file, alice.userId());
    assertThat(uploader.login(alice.userId(), taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    assertThat(uploader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    uploader.awaitClosed();
    alice.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        IMFile.IMFileAddOfflineReq.newBuilder().setFromUserId(0).setToUserId(dave).setTaskId(taskId)
            .setFileName("年报.pdf").setFileSize(file.length).build());

    Session daveOnPc = loginPc("dave");
    Poll.until(Duration.ofSeconds(10), () -> "the offline file listed for dave",
        () -> offlineFiles(daveOnPc).getOfflineFileListCount() == 1);
    IMFile.IMFileHasOfflineRsp listed = offlineFiles(daveOnPc);
    assertThat(listed.getOfflineFileListList()).containsExactly(OfflineFileInfo.newBuilder()
        .setFromUserId(alice.userId()).setTaskId(taskId).setFileName("年报.pdf").setFileSize(file.length).build());
    assertThat(offlineFiles(alice).getOfflineFileListCount()).isZero();

    for (int round = 0; round < 2; round++) {
      FilePeer downloader = fileConnection(listed.getIpAddrListList());
      assertThat(downloader.login(dave, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).getResultCode()).isZero();
      assertThat(downloader.pullAll(taskId, dave, TransferFileType.FILE_TYPE_OFFLINE_VALUE, file.length, 32768))
          .isEqualTo(file);
      assertThat(downloader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
      downloader.awaitClosed();
    }
    FilePeer stranger = fileConnection(listed.getIpAddrListList());
    stranger.loginRefused(userId("erin"), taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);

    Session erin = loginPc("erin");
    IMFile.IMFileDelOfflineReq delete = IMFile.IMFileDelOfflineReq.newBuilder().setFromUserId(alice.userId())
        .setToUserId(dave).setTaskId(taskId).build();
    erin.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE, delete);
    roundTrip(erin.client());
    assertThat(offlineFiles(daveOnPc).getOfflineFileListCount()).isEqualTo(1);
    assertThat(storedFilesOf(taskId)).isNotEmpty();

    daveOnPc.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE, delete);
    assertThat(offlineFiles(daveOnPc).getOfflineFileListCount()).isZero();
    Poll.until(Duration.ofSeconds(10), () -> "the offline file deleted from the storage",
        () -> storedFilesOf(taskId).isEmpty());
  }

  @Test
  void anOfflineFileIsAnnouncedToItsReceiverOnlineWhenItsUploadIsComplete() {
    Session alice = loginPc("alice");
    Session frank = login("frank", ClientType.CLIENT_TYPE_ANDROID);
    byte[] file = randomFile(100_000, 3);
    IMFile.IMFileRsp response = requestFile(alice, frank.userId(), "photo.raw", file.length,
        TransferFileType.FILE_TYPE_OFFLINE);
    String taskId = response.getTaskId();
    IMFile.IMFileAddOfflineReq add = IMFile.IMFileAddOfflineReq.newBuilder().setFromUserId(0)
        .setToUserId(frank.userId()).setTaskId(taskId).setFileName("photo.raw").setFileSize(file.length).build();

    // announced before its upload: not recorded, nobody told
    alice.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE, add);
    roundTrip(alice.client());
    assertThat(offlineFiles(frank).getOfflineFileListCount()).isZero();

    // a cut upload leaves nothing either
    FilePeer cut = fileConnection(response.getIpAddrListList());
    cut.answerWith(request -> null);
    assertThat(cut.login(alice.userId(), taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    cut.awaitClosed();
    alice.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE, add);
    roundTrip(alice.client());
    assertThat(offlineFiles(frank).getOfflineFileListCount()).isZero();
    Poll.until(Duration.ofSeconds(10), () -> "nothing of the cut upload stored", () -> storedFilesOf(taskId).isEmpty());

    IMFile.IMFileRsp second = requestFile(alice, frank.userId(), "photo.raw", file.length,
        TransferFileType.FILE_TYPE_OFFLINE);
    FilePeer uploader = fileConnection(second.getIpAddrListList());
    uploader.serve(file, alice.userId());
    assertThat(uploader.login(alice.userId(), second.getTaskId(), ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode())
        .isZero();
    assertThat(uploader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    alice.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        add.toBuilder().setTaskId(second.getTaskId()).build());
    IMFile.IMFileNotify ready = push(frank.client(), FileCmdID.CID_FILE_NOTIFY_VALUE, IMFile.IMFileNotify.parser());
    assertThat(ready.getTaskId()).isEqualTo(second.getTaskId());
    assertThat(ready.getOfflineReady()).isEqualTo(1);
    assertThat(ready.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_OFFLINE);
    assertThat(ready.getFileSize()).isEqualTo(file.length);
    assertThat(ready.getIpAddrListCount()).isEqualTo(1);
    // the refused announcements went the same way before this one: they recorded nothing
    assertThat(offlineFiles(frank).getOfflineFileListList()).extracting(OfflineFileInfo::getTaskId)
        .containsExactly(second.getTaskId());
  }

  @Test
  void requestsThatCannotBeServedAreRefusedWithResultOne() {
    Session alice = loginPc("alice");
    assertThat(requestFile(alice, alice.userId(), "self.txt", 10, TransferFileType.FILE_TYPE_OFFLINE).getResultCode())
        .isEqualTo(1);
    assertThat(requestFile(alice, userId("bob"), "empty.txt", 0, TransferFileType.FILE_TYPE_OFFLINE).getResultCode())
        .isEqualTo(1);
    IMFile.IMFileRsp huge = requestFile(alice, userId("bob"), "huge.iso", -1, TransferFileType.FILE_TYPE_OFFLINE);
    assertThat(huge.getResultCode()).isEqualTo(1);
    assertThat(huge.getTaskId()).isEmpty();
  }
}
