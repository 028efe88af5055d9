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

  /**
   * A client of the file port. Pull requests the server (or the peer through it) sends are answered by
   * the pull answerer, when one is set; other unprompted frames wait in a queue for the test.
   */
  static final class FilePeer {
    final TeamTalkClient client;
    private final LinkedBlockingQueue<Pdu> unprompted = new LinkedBlockingQueue<>();
    private volatile Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answerer;

    FilePeer(TeamTalkClient client) {
      this.client = client;
      client.pushHandler(pdu -> {
        Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answer = answerer;
        if (pdu.commandId() == FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE && answer != null) {
          IMFile.IMFilePullDataRsp response = answer.apply(TeamTalkClient.parse(pdu, IMFile.IMFilePullDataReq.parser()));
          if (response == null) {
            client.close();
          } else {
            client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE, response);
          }
        } else {
          unprompted.add(pdu);
        }
      });
    }

    IMFile.IMFileLoginRsp login(int userId, String taskId, ClientFileRole role) {
      Pdu response = await(client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_REQ_VALUE,
          IMFile.IMFileLoginReq.newBuilder().setUserId(userId).setTaskId(taskId).setFileRole(role).build()));
      assertThat(response.commandId()).isEqualTo(FileCmdID.CID_FILE_LOGIN_RES_VALUE);
      return TeamTalkClient.parse(response, IMFile.IMFileLoginRsp.parser());
    }

    /** Logs in and expects to be refused: LOGIN_RES 1, then the connection closed. */
    void loginRefused(int userId, String taskId, ClientFileRole role) {
      IMFile.IMFileLoginRsp response = login(userId, taskId, role);
      assertThat(response.getResultCode()).isEqualTo(1);
      assertThat(response.getTaskId()).isEqualTo(taskId);
      awaitClosed();
    }

    /** Answers pull requests with {@code file}'s bytes, as a sending client does. */
    void serve(byte[] file, int userId) {
      answerWith(request -> answer(request.getTaskId(), userId, request.getOffset(),
          slice(file, request.getOffset(), request.getDataSize())));
    }

    void answerWith(Function<IMFile.IMFilePullDataReq, IMFile.IMFilePullDataRsp> answer) {
      this.answerer = answer;
    }

    static IMFile.IMFilePullDataRsp answer(String taskId, int userId, long offset, byte[] data) {
      return IMFile.IMFilePullDataRsp.newBuilder().setResultCode(0).setTaskId(taskId).setUserId(userId)
          .setOffset((int) offset).setFileData(ByteString.copyFrom(data)).build();
    }

    static byte[] slice(byte[] file, long offset, int size) {
      int from = (int) Math.min(offset, file.length);
      return java.util.Arrays.copyOfRange(file, from, (int) Math.min(file.length, from + (long) size));
    }

    static IMFile.IMFilePullDataReq pullRequest(String taskId, int userId, int mode, long offset, int size) {
      return IMFile.IMFilePullDataReq.newBuilder().setTaskId(taskId).setUserId(userId)
          .setTransMode(TransferFileType.forNumber(mode)).setOffset((int) offset).setDataSize(size).build();
    }

    /** Sends a pull request without waiting for an answer (one that should close the connection). */
    void sendPull(String taskId, int userId, int mode, long offset, int size) {
      client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE,
          pullRequest(taskId, userId, mode, offset, size));
    }

    /** Sends a pull request and returns the answer (the frame echoing its seq). */
    IMFile.IMFilePullDataRsp pull(String taskId, int userId, int mode, long offset, int size) {
      Pdu response = await(client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE,
          pullRequest(taskId, userId, mode, offset, size)));
      assertThat(response.commandId()).isEqualTo(FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE);
      return TeamTalkClient.parse(response, IMFile.IMFilePullDataRsp.parser());
    }

    /** Pulls a whole file of {@code size} bytes in {@code chunk}-byte requests, checking each answer's offset. */
    byte[] pullAll(String taskId, int userId, int mode, long size, int chunk) {
      byte[] file = new byte[(int) size];
      int offset = 0;
      while (offset < size) {
        IMFile.IMFilePullDataRsp response = pull(taskId, userId, mode, offset, (int) Math.min(chunk, size - offset));
        assertThat(response.getResultCode()).isZero();
        assertThat(response.getOffset()).isEqualTo(offset);
        assertThat(response.getFileData().size()).isPositive();
        response.getFileData().copyTo(file, offset);
        offset += response.getFileData().size();
      }
      return file;
    }

    void sendState(ClientFileState state, String taskId, int userId) {
      client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_STATE_VALUE,
          IMFile.IMFileState.newBuilder().setState(state).setTaskId(taskId).setUserId(userId).build());
    }

    /** The next unprompted frame, which must be a STATE. */
    IMFile.IMFileState nextState() {
      Pdu pdu = nextUnprompted();
      assertThat(pdu.commandId()).as("command of %s", pdu.describe()).isEqualTo(FileCmdID.CID_FILE_STATE_VALUE);
      return TeamTalkClient.parse(pdu, IMFile.IMFileState.parser());
    }

    Pdu nextUnprompted() {
      try {
        Pdu pdu = unprompted.poll(io.ttvertx.support.Await.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (pdu == null) {
          throw new AssertionError("no frame within " + io.ttvertx.support.Await.TIMEOUT_SECONDS + " s");
        }
        return pdu;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }

    boolean hasUnprompted() {
      return !unprompted.isEmpty();
    }

    void awaitClosed() {
      await(client.closed());
    }

    void close() {
      client.close();
    }
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
