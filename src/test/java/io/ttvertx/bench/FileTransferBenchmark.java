package io.ttvertx.bench;

import com.google.protobuf.UnsafeByteOperations;
import io.ttvertx.bus.Addresses;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.file.FileVerticle;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the file server on loopback: an online transfer relayed between two clients (pulled
 * in the Windows client's 34,816-byte chunks, one at a time as it does, then with 8 pulls in flight),
 * an offline upload (the server pulls 32 KiB segments one at a time, as TeamTalk does) and an offline
 * download. The clients run in their own Vert.x. Run with
 * {@code mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt &&
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.ttvertx.bench.FileTransferBenchmark [MB]}.
 */
public final class FileTransferBenchmark {
  private static final int WINDOWS_CHUNK = 34816;
  private static final int SENDER = 1;
  private static final int RECEIVER = 2;
  private static final int MEASURED_ROUNDS = 3;

  private final Vertx serverVertx = Vertx.vertx();
  private final Vertx clientVertx = Vertx.vertx();
  /** Held here: Vert.x closes a net client nothing refers to any more, with its sockets. */
  private final NetClient netClient = clientVertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
  private final byte[] file;
  private final Map<String, List<Double>> rates = new LinkedHashMap<>();
  private int port;

  private FileTransferBenchmark(int megabytes) {
    file = new byte[megabytes * 1_000_000];
    new Random(1).nextBytes(file);
  }

  public static void main(String[] args) throws Exception {
    int megabytes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    FileTransferBenchmark bench = new FileTransferBenchmark(megabytes);
    try {
      bench.run();
    } finally {
      bench.clientVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      bench.serverVertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void run() throws Exception {
    Path storage = Files.createTempDirectory("tt-file-bench");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", port).put("priorIp", "127.0.0.1")
        .put("maxFileSize", 4_000_000_000L)
        .put("storage", new JsonObject().put("type", "directory").put("directory", storage.toString()));
    await(serverVertx.deployVerticle(FileVerticle.class.getName(), new DeploymentOptions().setConfig(config)));
    System.out.printf("file of %,d bytes, loopback, MB = 10^6 bytes%n", file.length);
    // a first round warms the JIT; the others are reported, then each transfer's median and best
    for (int round = 0; round <= MEASURED_ROUNDS; round++) {
      boolean report = round > 0;
      measure(report, "online relay, 1 pull in flight (Windows)", () -> online(1));
      measure(report, "online relay, 8 pulls in flight", () -> online(8));
      String[] taskId = new String[1];
      measure(report, "offline upload (32 KiB segments, 1 in flight)", () -> upload().map(id -> taskId[0] = id));
      measure(report, "offline download, 1 pull in flight", () -> download(taskId[0], 1));
      measure(report, "offline download, 8 pulls in flight", () -> download(taskId[0], 8));
    }
    System.out.printf("%nover %d rounds:%n", MEASURED_ROUNDS);
    rates.forEach((what, list) -> {
      List<Double> sorted = list.stream().sorted().toList();
      System.out.printf("%-48s median %6.1f MB/s, best %6.1f MB/s%n", what, sorted.get(sorted.size() / 2),
          sorted.get(sorted.size() - 1));
    });
  }

  private interface Transfer {
    Future<?> run() throws Exception;
  }

  private void measure(boolean report, String what, Transfer transfer) throws Exception {
    long start = System.nanoTime();
    await(transfer.run());
    double seconds = (System.nanoTime() - start) / 1e9;
    if (report) {
      double rate = file.length / 1e6 / seconds;
      rates.computeIfAbsent(what, k -> new ArrayList<>()).add(rate);
      System.out.printf("%-48s %8.1f MB/s (%.2f s)%n", what, rate, seconds);
    }
  }

  private String newTask(TransferFileType mode) throws Exception {
    JsonObject request = new JsonObject().put("from", SENDER).put("to", RECEIVER).put("fileName", "bench.bin")
        .put("fileSize", (long) file.length).put("transMode", mode.getNumber());
    return await(serverVertx.eventBus().<JsonObject>request(Addresses.FILE_TASK, request)).body().getString("taskId");
  }

  private Future<TeamTalkClient> login(int user, String taskId, ClientFileRole role) {
    return TeamTalkClient.connect(netClient, "127.0.0.1", port).compose(client -> client
        .request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_REQ_VALUE,
            IMFile.IMFileLoginReq.newBuilder().setUserId(user).setTaskId(taskId).setFileRole(role).build())
        .map(response -> {
          if (TeamTalkClient.parse(response, IMFile.IMFileLoginRsp.parser()).getResultCode() != 0) {
            throw new IllegalStateException("login refused");
          }
          return client;
        }));
  }

  /** Answers every pull request with the file's bytes. */
  private void serve(TeamTalkClient client) {
    client.pushHandler(pdu -> {
      if (pdu.commandId() == FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE) {
        IMFile.IMFilePullDataReq request = TeamTalkClient.parse(pdu, IMFile.IMFilePullDataReq.parser());
        int offset = request.getOffset();
        int end = (int) Math.min(file.length, (long) offset + request.getDataSize());
        client.send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE,
            IMFile.IMFilePullDataRsp.newBuilder().setResultCode(0).setTaskId(request.getTaskId()).setUserId(SENDER)
                .setOffset(offset).setFileData(UnsafeByteOperations.unsafeWrap(file, offset, end - offset)).build());
      }
    });
  }

  private Future<?> online(int inFlight) throws Exception {
    String taskId = newTask(TransferFileType.FILE_TYPE_ONLINE);
    TeamTalkClient sender = await(login(SENDER, taskId, ClientFileRole.CLIENT_REALTIME_SENDER));
    serve(sender);
    TeamTalkClient receiver = await(login(RECEIVER, taskId, ClientFileRole.CLIENT_REALTIME_RECVER));
    await(receiver.nextPush(FileCmdID.CID_FILE_STATE_VALUE));
    return pullAll(receiver, taskId, TransferFileType.FILE_TYPE_ONLINE, WINDOWS_CHUNK, inFlight)
        .eventually(() -> Future.all(sender.close(), receiver.close()));
  }

  private Future<String> upload() throws Exception {
    String taskId = newTask(TransferFileType.FILE_TYPE_OFFLINE);
    return TeamTalkClient.connect(netClient, "127.0.0.1", port).compose(client -> {
      serve(client);
      return client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_LOGIN_REQ_VALUE,
              IMFile.IMFileLoginReq.newBuilder().setUserId(SENDER).setTaskId(taskId)
                  .setFileRole(ClientFileRole.CLIENT_OFFLINE_UPLOAD).build())
          .compose(v -> client.closed());
    }).map(taskId);
  }

  private Future<?> download(String taskId, int inFlight) {
    return login(RECEIVER, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).compose(client ->
        pullAll(client, taskId, TransferFileType.FILE_TYPE_OFFLINE, 32768, inFlight)
            .compose(v -> client.closed()));
  }

  /** Pulls the whole file in {@code chunk}-byte requests, {@code inFlight} at a time, checking every byte. */
  private Future<Void> pullAll(TeamTalkClient client, String taskId, TransferFileType mode, int chunk, int inFlight) {
    Promise<Void> done = Promise.promise();
    long[] nextOffset = {0};
    long[] received = {0};
    Runnable[] pullNext = new Runnable[1];
    pullNext[0] = () -> {
      if (nextOffset[0] >= file.length) {
        return;
      }
      int offset = (int) nextOffset[0];
      int size = (int) Math.min(chunk, file.length - nextOffset[0]);
      nextOffset[0] += size;
      client.request(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE,
              IMFile.IMFilePullDataReq.newBuilder().setTaskId(taskId).setUserId(RECEIVER).setTransMode(mode)
                  .setOffset(offset).setDataSize(size).build())
          .onFailure(done::tryFail)
          .onSuccess(pdu -> {
            IMFile.IMFilePullDataRsp response = TeamTalkClient.parse(pdu, IMFile.IMFilePullDataRsp.parser());
            byte[] data = response.getFileData().toByteArray();
            int at = response.getOffset();
            if (at != offset || data.length != size
                || !Arrays.equals(data, 0, data.length, file, at, at + data.length)) {
              done.tryFail("wrong bytes at offset " + offset);
              return;
            }
            received[0] += data.length;
            if (received[0] == file.length) {
              done.tryComplete();
            } else {
              pullNext[0].run();
            }
          });
    };
    clientVertx.runOnContext(v -> {
      for (int i = 0; i < inFlight; i++) {
        pullNext[0].run();
      }
    });
    return done.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
