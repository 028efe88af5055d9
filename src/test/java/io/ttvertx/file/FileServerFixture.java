package io.ttvertx.file;

import com.google.protobuf.ByteString;
import io.ttvertx.bus.Addresses;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.support.FilePeer;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file verticle deployed alone on a free port and a directory storage of its own, with what a
 * test does to it: tasks over the bus contract msg uses, clients over real sockets speaking the
 * file protocol as TeamTalk's clients do.
 */
final class FileServerFixture {
  static final int ONLINE = TransferFileType.FILE_TYPE_ONLINE_VALUE;
  static final int OFFLINE = TransferFileType.FILE_TYPE_OFFLINE_VALUE;
  /** The Windows client pulls online files in chunks of this size. */
  static final int WINDOWS_CHUNK = 34816;

  final Vertx vertx;
  final Path storageDirectory;
  final int port;
  private final String deploymentId;
  /** Held here: Vert.x closes a net client nothing refers to any more, with its sockets. */
  private final NetClient netClient;

  private FileServerFixture(Vertx vertx, Path storageDirectory, int port, String deploymentId) {
    this.vertx = vertx;
    this.netClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
    this.storageDirectory = storageDirectory;
    this.port = port;
    this.deploymentId = deploymentId;
  }

  static FileServerFixture start(Vertx vertx, JsonObject fileOverrides) {
    try {
      return start(vertx, Files.createTempDirectory("tt-files"), fileOverrides);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FileServerFixture start(Vertx vertx, Path storageDirectory, JsonObject fileOverrides) {
    int port = TestServer.freePort();
    JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", port).put("priorIp", "127.0.0.1")
        .mergeIn(fileOverrides)
        .put("storage", new JsonObject().put("type", "directory").put("directory", storageDirectory.toString()));
    String id = await(vertx.deployVerticle(FileVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    return new FileServerFixture(vertx, storageDirectory, port, id);
  }

  void stop() {
    await(netClient.close());
    await(vertx.undeploy(deploymentId));
  }

  JsonObject ask(String address, JsonObject body) {
    return await(vertx.eventBus().<JsonObject>request(address, body)).body();
  }

  ReplyException refused(String address, Object body) {
    Throwable failure = awaitFailure(vertx.eventBus().request(address, body));
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  static JsonObject task(int from, int to, String fileName, long fileSize, int mode) {
    return new JsonObject().put("from", from).put("to", to).put("fileName", fileName).put("fileSize", fileSize)
        .put("transMode", mode);
  }

  String newTask(int from, int to, long fileSize, int mode) {
    JsonObject reply = ask(Addresses.FILE_TASK, task(from, to, "C:/Users/someone/report.bin", fileSize, mode));
    assertThat(reply.getJsonArray("addresses").getJsonObject(0))
        .isEqualTo(new JsonObject().put("ip", "127.0.0.1").put("port", port));
    return reply.getString("taskId");
  }

  JsonObject status(String taskId) {
    return ask(Addresses.FILE_OFFLINE_STATUS, new JsonObject().put("taskId", taskId));
  }

  FilePeer connect() {
    return new FilePeer(await(TeamTalkClient.connect(netClient, "127.0.0.1", port)));
  }

  /** Every file under the storage directory (the spool folder included) whose name has {@code taskId}. */
  List<Path> filesOf(String taskId) {
    try (Stream<Path> files = Files.walk(storageDirectory)) {
      return files.filter(Files::isRegularFile).filter(file -> file.getFileName().toString().contains(taskId)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new java.util.Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** Both sides of an online task, logged in (the sender first); the receiver has had PEER_READY. */
  record OnlinePair(FilePeer sender, FilePeer receiver) {
  }

  OnlinePair joinOnline(String taskId, int from, int to) {
    FilePeer sender = connect();
    assertThat(sender.login(from, taskId, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
    FilePeer receiver = connect();
    assertThat(receiver.login(to, taskId, ClientFileRole.CLIENT_REALTIME_RECVER).getResultCode()).isZero();
    IMFile.IMFileState ready = receiver.nextState();
    assertThat(ready.getState()).isEqualTo(ClientFileState.CLIENT_FILE_PEER_READY);
    assertThat(ready.getUserId()).isEqualTo(from);
    return new OnlinePair(sender, receiver);
  }

  /** An offline upload from {@code from}, complete: logs in as uploader, serves the file, gets DONE. */
  String uploadOffline(int from, int to, byte[] file) {
    String taskId = newTask(from, to, file.length, OFFLINE);
    FilePeer uploader = connect();
    uploader.serve(file, from);
    assertThat(uploader.login(from, taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    IMFile.IMFileState done = uploader.nextState();
    assertThat(done.getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    assertThat(done.getUserId()).isEqualTo(from);
    assertThat(done.getTaskId()).isEqualTo(taskId);
    uploader.awaitClosed();
    return taskId;
  }

  /** A whole offline download by {@code to}: every segment, then DONE with the sender's id, then closed. */
  byte[] downloadOffline(String taskId, int from, int to, long size, int requestedSize) {
    FilePeer downloader = connect();
    assertThat(downloader.login(to, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).getResultCode()).isZero();
    byte[] file = downloader.pullAll(taskId, to, OFFLINE, size, requestedSize);
    IMFile.IMFileState done = downloader.nextState();
    assertThat(done.getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    assertThat(done.getUserId()).isEqualTo(from);
    downloader.awaitClosed();
    return file;
  }
}
