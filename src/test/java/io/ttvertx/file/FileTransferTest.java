package io.ttvertx.file;

import io.ttvertx.support.FilePeer;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMFile;
import io.ttvertx.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.ttvertx.file.FileServerFixture.OFFLINE;
import static io.ttvertx.file.FileServerFixture.ONLINE;
import static io.ttvertx.file.FileServerFixture.WINDOWS_CHUNK;
import static io.ttvertx.file.FileServerFixture.randomBytes;
import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Files sent online (relayed) and offline (stored, then fetched), byte for byte. */
class FileTransferTest {
  static final int ALICE = 1;
  static final int BOB = 2;

  static Vertx vertx;
  static FileServerFixture files;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    files = FileServerFixture.start(vertx, new JsonObject());
  }

  @AfterAll
  static void stop() {
    files.stop();
    await(vertx.close());
  }

  @Test
  void anOnlineFileIsRelayedByteForByteAndBothSidesAreClosedAfterDone() {
    byte[] file = randomBytes(5 * 1024 * 1024 + 12345, 1);
    String taskId = files.newTask(ALICE, BOB, file.length, ONLINE);

    FilePeer receiver = files.connect();
    assertThat(receiver.login(BOB, taskId, ClientFileRole.CLIENT_REALTIME_RECVER).getResultCode()).isZero();
    FilePeer sender = files.connect();
    sender.serve(file, ALICE);
    IMFile.IMFileLoginRsp login = sender.login(ALICE, taskId, ClientFileRole.CLIENT_REALTIME_SENDER);
    assertThat(login.getResultCode()).isZero();
    assertThat(login.getTaskId()).isEqualTo(taskId);

    IMFile.IMFileState ready = receiver.nextState();
    assertThat(ready.getState()).isEqualTo(ClientFileState.CLIENT_FILE_PEER_READY);
    assertThat(ready.getUserId()).isEqualTo(ALICE);
    assertThat(ready.getTaskId()).isEqualTo(taskId);

    byte[] received = receiver.pullAll(taskId, BOB, ONLINE, file.length, WINDOWS_CHUNK);
    assertThat(received).isEqualTo(file);

    receiver.sendState(ClientFileState.CLIENT_FILE_DONE, taskId, BOB);
    IMFile.IMFileState done = sender.nextState();
    assertThat(done.getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    assertThat(done.getUserId()).isEqualTo(BOB);
    sender.awaitClosed();
    receiver.awaitClosed();
    // the task is over: nobody may join it again
    files.connect().loginRefused(BOB, taskId, ClientFileRole.CLIENT_REALTIME_RECVER);
  }

  @Test
  void aRefusalIsRelayedToTheSenderAndEndsTheTask() {
    String taskId = files.newTask(ALICE, BOB, 1000, ONLINE);
    FileServerFixture.OnlinePair pair = files.joinOnline(taskId, ALICE, BOB);
    pair.receiver().sendState(ClientFileState.CLIENT_FILE_REFUSE, taskId, BOB);
    assertThat(pair.sender().nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_REFUSE);
    pair.sender().awaitClosed();
    pair.receiver().awaitClosed();
  }

  @Test
  void anOfflineFileIsStoredOnceCompleteAndDownloadedTwiceByteForByte() throws Exception {
    byte[] file = randomBytes(3 * 32768 + 777, 2);
    String taskId = files.uploadOffline(ALICE, BOB, file);

    assertThat(files.status(taskId)).isEqualTo(new JsonObject().put("complete", true).put("from", ALICE)
        .put("to", BOB).put("fileName", "C:/Users/someone/report.bin").put("fileSize", (long) file.length));
    Path stored = files.storageDirectory.resolve("offline").resolve(taskId.substring(0, 2)).resolve(taskId);
    assertThat(Files.readAllBytes(stored)).isEqualTo(file);
    JsonObject description = new JsonObject(Files.readString(stored.resolveSibling(taskId + ".json")));
    assertThat(description.getString("sha256")).hasSize(64);
    assertThat(description.getLong("created")).isPositive();

    // TeamTalk ignores the size a download asks and returns the next 32 KiB segment
    assertThat(files.downloadOffline(taskId, ALICE, BOB, file.length, 1000)).isEqualTo(file);
    assertThat(files.downloadOffline(taskId, ALICE, BOB, file.length, WINDOWS_CHUNK)).isEqualTo(file);

    assertThat(files.ask(Addresses.FILE_OFFLINE_DELETE, new JsonObject().put("taskId", taskId)))
        .isEqualTo(new JsonObject().put("deleted", true));
    assertThat(files.status(taskId)).isEqualTo(new JsonObject().put("complete", false));
    assertThat(Files.exists(stored)).isFalse();
    files.connect().loginRefused(BOB, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
    assertThat(files.ask(Addresses.FILE_OFFLINE_DELETE, new JsonObject().put("taskId", taskId)))
        .isEqualTo(new JsonObject().put("deleted", false));
  }

  @Test
  void aDamagedStoredFileIsNotConfirmedAndATruncatedOneNotServed() throws Exception {
    byte[] file = randomBytes(2 * 32768 + 10, 6);
    String taskId = files.uploadOffline(ALICE, BOB, file);
    Path stored = files.storageDirectory.resolve("offline").resolve(taskId.substring(0, 2)).resolve(taskId);
    byte[] damaged = file.clone();
    damaged[40000] ^= 1;
    Files.write(stored, damaged);

    FilePeer downloader = files.connect();
    assertThat(downloader.login(BOB, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).getResultCode()).isZero();
    assertThat(downloader.pullAll(taskId, BOB, OFFLINE, file.length, 32768)).isEqualTo(damaged);
    downloader.awaitClosed();
    assertThat(downloader.hasUnprompted()).isFalse();

    Files.write(stored, java.util.Arrays.copyOf(file, file.length - 1));
    files.connect().loginRefused(BOB, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
  }

  @Test
  void aFileOfExactlyOneSegmentAndOfOneByte() {
    for (int size : new int[] {32768, 1}) {
      byte[] file = randomBytes(size, size);
      String taskId = files.uploadOffline(ALICE, BOB, file);
      assertThat(files.downloadOffline(taskId, ALICE, BOB, size, 32768)).isEqualTo(file);
    }
  }

  @Test
  void aCutUploadLeavesNothing() {
    byte[] file = randomBytes(5 * 32768, 3);
    String taskId = files.newTask(ALICE, BOB, file.length, OFFLINE);
    FilePeer uploader = files.connect();
    int[] answered = {0};
    // answers two segments, then the connection drops
    uploader.answerWith(request -> ++answered[0] > 2 ? null : FilePeer.answer(taskId, ALICE, request.getOffset(),
        FilePeer.slice(file, request.getOffset(), request.getDataSize())));
    assertThat(uploader.login(ALICE, taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    uploader.awaitClosed();

    // the spool file goes once the server has seen the close; then the task is gone too
    io.ttvertx.support.Poll.until(java.time.Duration.ofSeconds(10), () -> "files left: " + files.filesOf(taskId),
        () -> files.filesOf(taskId).isEmpty());
    assertThat(files.status(taskId)).isEqualTo(new JsonObject().put("complete", false));
    files.connect().loginRefused(ALICE, taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD);
    files.connect().loginRefused(BOB, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD);
  }

  @Test
  void anUploadSegmentAtTheWrongOffsetOrOfTheWrongLengthClosesTheUpload() {
    byte[] file = randomBytes(3 * 32768, 4);
    String wrongOffset = files.newTask(ALICE, BOB, file.length, OFFLINE);
    FilePeer uploader = files.connect();
    uploader.answerWith(request -> FilePeer.answer(wrongOffset, ALICE, request.getOffset() + 32768,
        FilePeer.slice(file, request.getOffset(), request.getDataSize())));
    assertThat(uploader.login(ALICE, wrongOffset, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    uploader.awaitClosed();

    String shortSegment = files.newTask(ALICE, BOB, file.length, OFFLINE);
    FilePeer shortUploader = files.connect();
    shortUploader.answerWith(request -> FilePeer.answer(shortSegment, ALICE, request.getOffset(),
        FilePeer.slice(file, request.getOffset(), request.getDataSize() - 1)));
    assertThat(shortUploader.login(ALICE, shortSegment, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode())
        .isZero();
    shortUploader.awaitClosed();

    assertThat(files.status(wrongOffset).getBoolean("complete")).isFalse();
    assertThat(files.status(shortSegment).getBoolean("complete")).isFalse();
  }

  @Test
  void aDownloadAskingAnythingButTheNextOffsetIsClosed() {
    byte[] file = randomBytes(2 * 32768 + 5, 5);
    String taskId = files.uploadOffline(ALICE, BOB, file);
    FilePeer downloader = files.connect();
    assertThat(downloader.login(BOB, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).getResultCode()).isZero();
    assertThat(downloader.pull(taskId, BOB, OFFLINE, 0, 32768).getFileData().size()).isEqualTo(32768);
    downloader.sendPull(taskId, BOB, OFFLINE, 2 * 32768, 32768);
    downloader.awaitClosed();
    // a fresh download still works
    assertThat(files.downloadOffline(taskId, ALICE, BOB, file.length, 32768)).isEqualTo(file);
  }
}
