package io.ttvertx;

import io.ttvertx.admin.BackupCommand;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.msfs.TestPictures;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestCertificate;
import io.ttvertx.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole server with a certificate configured (a self-signed one made by keytool): login, msfs and
 * http_msg answer HTTPS only, msg serves the TeamTalk protocol over TLS on msg.tlsPort while its plain
 * port keeps serving native clients, and plain connections to the TLS ports get nothing.
 */
class TlsPortsTest extends ServerTestBase {
  static final String API_KEY = "tls-test-key";
  private static TestCertificate certificate;
  private static int msfsPort;
  private static int httpMsgPort;
  private static int msgTlsPort;
  private final List<WebClient> webClients = new ArrayList<>();
  private final List<TeamTalkClient> tlsClients = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    certificate = TestCertificate.create("EC");
    msfsPort = TestServer.freePort();
    httpMsgPort = TestServer.freePort();
    msgTlsPort = TestServer.freePort();
    JsonObject config = TestServer.defaultConfig()
        .put("tls", certificate.tlsSection())
        .put("msfs", new JsonObject().put("host", "127.0.0.1").put("port", msfsPort))
        .put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", httpMsgPort)
            .put("apiKeys", new JsonArray().add(API_KEY)));
    config.getJsonObject("msg").put("tlsPort", msgTlsPort);
    config.getJsonObject("store").getJsonObject("embedded")
        .put("backupDirectory", Files.createTempDirectory("tt-tls-backups").toString());
    startServer(config);
  }

  @AfterEach
  void closeOwnClients() {
    webClients.forEach(WebClient::close);
    webClients.clear();
    tlsClients.forEach(TeamTalkClient::close);
    tlsClients.clear();
  }

  /** A client that trusts the test certificate alone and checks the host name (127.0.0.1 is in it). */
  private WebClient https() {
    WebClient client = WebClient.create(vertx, certificate.webClientOptions());
    webClients.add(client);
    return client;
  }

  private WebClient plainHttp() {
    WebClient client = WebClient.create(vertx);
    webClients.add(client);
    return client;
  }

  private TeamTalkClient connectOverTls(int port) {
    TeamTalkClient client = await(TeamTalkClient.connect(vertx, certificate.netClientOptions(), "127.0.0.1", port));
    tlsClients.add(client);
    return client;
  }

  @Test
  void loginAnswersOverHttpsInTeamTalksShapeWithTheMsfsUrlInHttps() {
    JsonObject answer = null;
    for (int attempt = 0; attempt < 200; attempt++) {
      answer = await(https().get(server.loginPort, "127.0.0.1", "/msg_server").send()).bodyAsJsonObject();
      if (answer.getInteger("code") == 0 && !answer.getString("msfsPrior").isEmpty()) {
        break;
      }
      await(vertx.timer(50));
    }
    assertThat(answer.fieldNames()).containsExactlyInAnyOrder("code", "msg", "priorIP", "backupIP", "port",
        "msfsPrior", "msfsBackup", "discovery");
    assertThat(answer.getInteger("code")).isZero();
    // TeamTalk's answer has no field for a TLS port: its clients are handed the plain one
    assertThat(answer.getString("port")).isEqualTo(Integer.toString(server.msgPort));
    assertThat(answer.getString("msfsPrior")).startsWith("https://").endsWith(":" + msfsPort + "/");
    assertThat(answer.getString("msfsBackup")).isEqualTo(answer.getString("msfsPrior"));
  }

  @Test
  void plainHttpGetsNoAnswerFromAnyHttpsPort() {
    for (int port : new int[] {server.loginPort, msfsPort, httpMsgPort}) {
      Throwable failure = awaitFailure(plainHttp().get(port, "127.0.0.1", "/health").send());
      assertThat(failure).as("plain HTTP to port %d", port).isNotNull();
    }
  }

  @Test
  void aPictureUploadedOverHttpsIsHandedOutAsAnHttpsUrlAndDownloadsOverHttps() {
    byte[] picture = TestPictures.encode("png", 64, 48, 7);
    MultipartForm form = MultipartForm.create().binaryFileUpload("image", "image.png", Buffer.buffer(picture),
        "image/png");
    HttpResponse<Buffer> upload = await(https().post(msfsPort, "127.0.0.1", "/").sendMultipartForm(form));
    assertThat(upload.statusCode()).as(upload.bodyAsString()).isEqualTo(200);
    JsonObject answer = upload.bodyAsJsonObject();
    assertThat(answer.getInteger("error_code")).isZero();
    assertThat(answer.getString("url")).isEqualTo("https://127.0.0.1:" + msfsPort + "/" + answer.getString("path"));

    HttpResponse<Buffer> download = await(https().getAbs(answer.getString("url")).send());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body().getBytes()).isEqualTo(picture);
  }

  @Test
  void healthAndTheAdminApiAnswerOverHttps() {
    HttpResponse<Buffer> health = await(https().get(httpMsgPort, "127.0.0.1", "/health").send());
    assertThat(health.statusCode()).as(health.bodyAsString()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("status")).isEqualTo("UP");

    HttpResponse<Buffer> users = await(https().get(httpMsgPort, "127.0.0.1", "/api/v1/users")
        .bearerTokenAuthentication(API_KEY).send());
    assertThat(users.statusCode()).as(users.bodyAsString()).isEqualTo(200);
    assertThat(users.bodyAsJsonObject().getInteger("total")).isEqualTo(USER_NAMES.size());
  }

  @Test
  void aClientOnTheTlsPortChatsWithOneOnThePlainPort() {
    TeamTalkClient tlsClient = connectOverTls(msgTlsPort);
    IMLogin.IMLoginRes aliceLogin = await(tlsClient.login("alice", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(aliceLogin.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    Session alice = new Session(tlsClient, aliceLogin.getUserInfo().getUserId(), aliceLogin);
    Session bob = loginPc("bob");

    assertThat(sendText(alice, bob.userId(), "over TLS").getMsgId()).isPositive();
    IMMessage.IMMsgData toBob = receiveMessage(bob);
    assertThat(toBob.getFromUserId()).isEqualTo(alice.userId());
    assertThat(text(toBob.getMsgData())).isEqualTo("over TLS");

    assertThat(sendText(bob, alice.userId(), "over plain TCP").getMsgId()).isPositive();
    IMMessage.IMMsgData toAlice = receiveMessage(alice);
    assertThat(toAlice.getFromUserId()).isEqualTo(bob.userId());
    assertThat(text(toAlice.getMsgData())).isEqualTo("over plain TCP");
  }

  @Test
  void theWebPortServesTheWebClientOverHttpsAndItsWebSocketOverWss() {
    HttpResponse<Buffer> page = await(https().get(server.webPort, "127.0.0.1", "/").send());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("tt-protocol.js");
    TeamTalkClient browser = await(TeamTalkClient.connectWebSocket(vertx, new WebSocketClientOptions().setSsl(true)
        .setVerifyHost(true).setTrustOptions(certificate.trust()), "127.0.0.1", server.webPort,
        "https://127.0.0.1:" + server.webPort));
    tlsClients.add(browser);
    IMLogin.IMLoginRes login = await(browser.login("carol", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    Session carol = new Session(browser, login.getUserInfo().getUserId(), login);
    Session dave = loginPc("dave");
    sendText(dave, carol.userId(), "over WSS");
    assertThat(text(receiveMessage(carol).getMsgData())).isEqualTo("over WSS");

    assertThat(awaitFailure(plainHttp().get(server.webPort, "127.0.0.1", "/").send())).isNotNull();
    assertThat(awaitFailure(TeamTalkClient.connectWebSocket(vertx, "127.0.0.1", server.webPort, null))).isNotNull();
  }

  @Test
  void plainTcpToTheTlsPortGetsNoTeamTalkAnswer() {
    TeamTalkClient plain = await(TeamTalkClient.connect(vertx, "127.0.0.1", msgTlsPort));
    Throwable failure = awaitFailure(plain.login("alice", PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(failure).hasMessageContaining("connection closed");
    await(plain.closed());
  }

  @Test
  void theNativeClientsPortStaysPlain() {
    assertThat(awaitFailure(TeamTalkClient.connect(vertx, certificate.netClientOptions(), "127.0.0.1",
        server.msgPort))).isNotNull();
    Session plain = loginPc("carol");
    roundTrip(plain.client());
  }

  @Test
  void theBackupCommandReachesTheAdminApiOverHttps() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ServerOptions options = ServerOptions.read(server.config, Map.of());
    int code = await(BackupCommand.run(vertx, options, List.of("backup"),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("backup written by the running server");
    Path file = Path.of(out.toString(StandardCharsets.UTF_8).replaceAll("(?s).*server to (\\S+) .*", "$1"));
    assertThat(file).exists();
  }
}
