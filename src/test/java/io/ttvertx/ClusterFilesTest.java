package io.ttvertx;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.msfs.ClientUploads;
import io.ttvertx.msfs.RawHttp;
import io.ttvertx.msfs.TestPictures;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.IpAddr;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.support.ClusterNodes;
import io.ttvertx.support.FilePeer;
import io.ttvertx.support.Poll;
import io.ttvertx.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pictures and files on three clustered nodes sharing one storage directory (as a shared mount would
 * be): node 1 runs the db proxy, login, msg, msfs and a file server, node 2 msg and a file server,
 * node 3 msg, msfs and a file server. A picture uploaded to one msfs is served, with its thumbnail, by
 * the other; a file goes online from a user on node 2 to one on node 3; an offline file uploaded
 * through node 2 is downloaded through node 3.
 */
class ClusterFilesTest {
  static final String PASSWORD = "secret";
  static final int HAZELCAST_PORT = 16101;

  private static final ClusterNodes cluster = new ClusterNodes(HAZELCAST_PORT);
  private static WebClient http;
  private final List<TeamTalkClient> clients = new ArrayList<>();

  @BeforeAll
  static void startThreeNodes() throws Exception {
    cluster.createUsers(List.of("alice", "bob", "carol", "dave"), PASSWORD);
    JsonObject storage = new JsonObject().put("type", "directory")
        .put("directory", Files.createTempDirectory("tt-cluster-files").resolve("files").toString());
    for (int node = 1; node <= 3; node++) {
      boolean withLogin = node == 1;
      boolean withMsfs = node != 2;
      cluster.start(config -> {
        config.getJsonObject("route").put("peerTimeoutMs", 3_000);
        config.put("file", new JsonObject().put("host", "127.0.0.1").put("port", TestServer.freePort())
                .put("priorIp", "127.0.0.1"))
            .put("storage", storage);
        if (withLogin) {
          config.put("login", new JsonObject().put("host", "127.0.0.1").put("port", TestServer.freePort()));
        }
        if (withMsfs) {
          int msfsPort = TestServer.freePort();
          config.put("msfs", new JsonObject().put("host", "127.0.0.1").put("port", msfsPort)
              .put("publicUrl", "http://127.0.0.1:" + msfsPort + "/"));
        }
        return config;
      });
    }
    http = WebClient.create(cluster.get(0).vertx());
  }

  @AfterAll
  static void stopNodes() {
    if (http != null) {
      http.close();
    }
    cluster.stopAll();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  private static int port(int node, String role) {
    return cluster.get(node - 1).port(role);
  }

  private record Session(TeamTalkClient client, int userId) {
  }

  private Session login(int node, String name, ClientType type) {
    TeamTalkClient client = await(TeamTalkClient.connect(cluster.get(0).vertx(), "127.0.0.1", port(node, "msg")));
    clients.add(client);
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, type));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId());
  }

  private static <T> T ask(Session session, int command, com.google.protobuf.MessageLite body, int expected,
                           com.google.protobuf.Parser<T> parser) {
    Pdu response = await(session.client().request(ServiceID.SID_FILE_VALUE, command, body));
    assertThat(response.commandId()).isEqualTo(expected);
    return TeamTalkClient.parse(response, parser);
  }

  private static IMFile.IMFileRsp requestFile(Session from, int to, int size, TransferFileType mode) {
    return ask(from, FileCmdID.CID_FILE_REQUEST_VALUE, IMFile.IMFileReq.newBuilder().setFromUserId(0).setToUserId(to)
            .setFileName("C:/share/data.bin").setFileSize(size).setTransMode(mode).build(),
        FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.parser());
  }

  private FilePeer fileConnection(IpAddr address) {
    TeamTalkClient client = await(TeamTalkClient.connect(cluster.get(0).vertx(), address.getIp(), address.getPort()));
    clients.add(client);
    return new FilePeer(client);
  }

  private static byte[] randomFile(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static HttpResponse<Buffer> get(int port, String path) {
    return await(http.get(port, "127.0.0.1", path).send());
  }

  @Test
  void aPictureUploadedToOneMsfsIsServedWithItsThumbnailByTheOther() {
    byte[] picture = TestPictures.encode("jpg", 640, 480, 7);
    int msfs1 = port(1, "msfs");
    RawHttp.Response upload = await(RawHttp.exchange(cluster.get(0).vertx(), msfs1,
        ClientUploads.android(msfs1, "IMG_0001.jpg", picture)));
    JsonObject answer = upload.json();
    assertThat(answer.getInteger("error_code")).isZero();
    assertThat(answer.getString("url")).isEqualTo("http://127.0.0.1:" + msfs1 + "/" + answer.getString("path"));

    HttpResponse<Buffer> original = get(port(3, "msfs"), "/" + answer.getString("path"));
    assertThat(original.statusCode()).isEqualTo(200);
    assertThat(original.getHeader("Content-Type")).isEqualTo("image/jpeg");
    assertThat(original.body().getBytes()).isEqualTo(picture);
    HttpResponse<Buffer> thumbnail = get(port(3, "msfs"), "/" + answer.getString("path") + "_100x100.jpg");
    assertThat(thumbnail.statusCode()).isEqualTo(200);
    BufferedImage small = TestPictures.decode(thumbnail.body().getBytes());
    assertThat(small.getWidth()).isEqualTo(100);
    assertThat(small.getHeight()).isEqualTo(75);

    // login hands out its own node's msfs
    JsonObject msgServer = get(port(1, "login"), "/msg_server").bodyAsJsonObject();
    assertThat(msgServer.getString("msfsPrior")).isEqualTo("http://127.0.0.1:" + msfs1 + "/");
  }

  @Test
  void anOnlineFileGoesFromAUserOnOneNodeToAUserOnAnother() {
    Session alice = login(2, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    Session bob = login(3, "bob", ClientType.CLIENT_TYPE_MAC);
    byte[] file = randomFile(2 * 1024 * 1024 + 99, 11);

    IMFile.IMFileRsp response = requestFile(alice, bob.userId(), file.length, TransferFileType.FILE_TYPE_ONLINE);
    assertThat(response.getResultCode()).isZero();
    assertThat(response.getTransMode()).isEqualTo(TransferFileType.FILE_TYPE_ONLINE);
    // the file server of the requester's node
    assertThat(response.getIpAddrList(0).getPort()).isEqualTo(port(2, "file"));
    Pdu notifyPdu = await(bob.client().nextPush(FileCmdID.CID_FILE_NOTIFY_VALUE));
    IMFile.IMFileNotify notify = TeamTalkClient.parse(notifyPdu, IMFile.IMFileNotify.parser());
    assertThat(notify.getTaskId()).isEqualTo(response.getTaskId());

    String taskId = response.getTaskId();
    FilePeer sender = fileConnection(response.getIpAddrList(0));
    sender.serve(file, alice.userId());
    assertThat(sender.login(alice.userId(), taskId, ClientFileRole.CLIENT_REALTIME_SENDER).getResultCode()).isZero();
    FilePeer receiver = fileConnection(notify.getIpAddrList(0));
    assertThat(receiver.login(bob.userId(), taskId, ClientFileRole.CLIENT_REALTIME_RECVER).getResultCode()).isZero();
    assertThat(receiver.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_PEER_READY);
    assertThat(receiver.pullAll(taskId, bob.userId(), TransferFileType.FILE_TYPE_ONLINE_VALUE, file.length, 34816))
        .isEqualTo(file);
    receiver.sendState(ClientFileState.CLIENT_FILE_DONE, taskId, bob.userId());
    assertThat(sender.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
  }

  @Test
  void anOfflineFileUploadedThroughOneNodeIsDownloadedThroughAnother() {
    Session alice = login(2, "alice", ClientType.CLIENT_TYPE_WINDOWS);
    int dave = 4;
    byte[] file = randomFile(1024 * 1024 + 5, 12);
    IMFile.IMFileRsp response = requestFile(alice, dave, file.length, TransferFileType.FILE_TYPE_OFFLINE);
    assertThat(response.getResultCode()).isZero();
    String taskId = response.getTaskId();
    FilePeer uploader = fileConnection(response.getIpAddrList(0));
    uploader.serve(file, alice.userId());
    assertThat(uploader.login(alice.userId(), taskId, ClientFileRole.CLIENT_OFFLINE_UPLOAD).getResultCode()).isZero();
    assertThat(uploader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    alice.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        IMFile.IMFileAddOfflineReq.newBuilder().setFromUserId(0).setToUserId(dave).setTaskId(taskId)
            .setFileName("data.bin").setFileSize(file.length).build());

    Session daveOnNode3 = login(3, "dave", ClientType.CLIENT_TYPE_WINDOWS);
    assertThat(daveOnNode3.userId()).isEqualTo(dave);
    IMFile.IMFileHasOfflineReq hasOffline = IMFile.IMFileHasOfflineReq.newBuilder().setUserId(0).build();
    Poll.until(Duration.ofSeconds(10), () -> "the offline file listed for dave",
        () -> ask(daveOnNode3, FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, hasOffline,
            FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser()).getOfflineFileListCount() == 1);
    IMFile.IMFileHasOfflineRsp listed = ask(daveOnNode3, FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, hasOffline,
        FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser());
    assertThat(listed.getOfflineFileList(0).getTaskId()).isEqualTo(taskId);
    // the file server of the receiver's node serves it, from the shared storage
    assertThat(listed.getIpAddrList(0).getPort()).isEqualTo(port(3, "file"));

    FilePeer downloader = fileConnection(listed.getIpAddrList(0));
    assertThat(downloader.login(dave, taskId, ClientFileRole.CLIENT_OFFLINE_DOWNLOAD).getResultCode()).isZero();
    assertThat(downloader.pullAll(taskId, dave, TransferFileType.FILE_TYPE_OFFLINE_VALUE, file.length, 32768))
        .isEqualTo(file);
    assertThat(downloader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
  }
}
