package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMOther;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The msg role's WebSocket: a browser-style client speaking the real PDUs, one per binary message,
 * logs in, chats with a native TCP client both ways, is kicked like a PC client, and a bad frame or a
 * foreign Origin costs only that connection.
 */
public class WebSocketTest extends ServerTestBase {
  static final int MAX_FRAME = 4096;
  private final List<TeamTalkClient> webClients = new ArrayList<>();

  @BeforeAll
  static void start() {
    JsonObject config = TestServer.defaultConfig();
    config.getJsonObject("msg").put("maxFrameLength", MAX_FRAME)
        // the stuck-reader case needs a sender far faster than the message rate lets a client be
        .put("limits", new JsonObject().put("messagesPerSecond", 0));
    startServer(config);
  }

  @AfterEach
  void closeWebClients() {
    webClients.forEach(TeamTalkClient::close);
    webClients.clear();
  }

  private String ownOrigin() {
    return "http://127.0.0.1:" + server.webPort;
  }

  private TeamTalkClient connectWeb() {
    TeamTalkClient client = await(TeamTalkClient.connectWebSocket(vertx, "127.0.0.1", server.webPort, ownOrigin()));
    webClients.add(client);
    return client;
  }

  private Session loginWeb(String name) {
    TeamTalkClient client = connectWeb();
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, ClientType.CLIENT_TYPE_WINDOWS));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId(), response);
  }

  @Test
  void aWebSocketClientLogsInAndChatsWithATcpClientBothWays() {
    Session web = loginWeb("alice");
    Session tcp = loginPc("bob");
    assertThat(web.login().getUserInfo().getUserRealName()).isEqualTo("alice");

    assertThat(sendText(web, tcp.userId(), "from the browser").getMsgId()).isPositive();
    assertThat(text(receiveMessage(tcp).getMsgData())).isEqualTo("from the browser");

    sendText(tcp, web.userId(), "from the app");
    assertThat(text(receiveMessage(web).getMsgData())).isEqualTo("from the app");
    roundTrip(web.client());
  }

  @Test
  void browsersGetDeliveryAndReadReceiptsThatNativeClientsNeverSee() {
    Session browser = loginWeb("oscar");
    Session phone = login("peggy", ClientType.CLIENT_TYPE_ANDROID);
    Session nativeSender = loginPc("trent");

    // a browser's 1:1 message that reached the receiver: a DATA_ACK pushed with the receiver as user and session
    IMMessage.IMMsgDataAck stored = sendText(browser, phone.userId(), "did you get it?");
    IMMessage.IMMsgDataAck receipt = push(browser.client(), IMBaseDefine.MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.parser());
    assertThat(receipt.getUserId()).isEqualTo(phone.userId());
    assertThat(receipt.getSessionId()).isEqualTo(phone.userId());
    assertThat(receipt.getMsgId()).isEqualTo(stored.getMsgId());
    IMMessage.IMMsgData copy = receiveMessage(phone);

    // the receiver reads it: the browser is told, naming the reader as user and session
    phone.client().send(IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(phone.userId()).setSessionId(browser.userId())
            .setMsgId(copy.getMsgId()).setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE).build());
    IMMessage.IMMsgDataReadNotify read = push(browser.client(), IMBaseDefine.MessageCmdID.CID_MSG_READ_NOTIFY_VALUE,
        IMMessage.IMMsgDataReadNotify.parser());
    assertThat(read.getUserId()).isEqualTo(phone.userId());
    assertThat(read.getSessionId()).isEqualTo(phone.userId());
    assertThat(read.getMsgId()).isEqualTo(copy.getMsgId());

    // a native PC sender gets neither: its messages, and reads of them, bring it nothing new
    sendText(nativeSender, phone.userId(), "from the app");
    IMMessage.IMMsgData fromApp = receiveMessage(phone);
    phone.client().send(IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(phone.userId()).setSessionId(nativeSender.userId())
            .setMsgId(fromApp.getMsgId()).setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE).build());
    // the browser's next receipt comes after anything route would have sent the native sender
    sendText(browser, phone.userId(), "again");
    push(browser.client(), IMBaseDefine.MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    roundTrip(nativeSender.client());
    assertThat(nativeSender.client().pendingPushes()).extracting(Pdu::commandId)
        .doesNotContain(IMBaseDefine.MessageCmdID.CID_MSG_DATA_ACK_VALUE,
            IMBaseDefine.MessageCmdID.CID_MSG_READ_NOTIFY_VALUE);
  }

  @Test
  void twoBrowsersChatWithEachOther() {
    Session first = loginWeb("grace");
    Session second = loginWeb("heidi");
    sendText(first, second.userId(), "browser to browser");
    assertThat(text(receiveMessage(second).getMsgData())).isEqualTo("browser to browser");
    sendText(second, first.userId(), "and back");
    assertThat(text(receiveMessage(first).getMsgData())).isEqualTo("and back");
  }

  @Test
  void aSecondPcLoginKicksTheBrowserAndAMobileLoginDoesNot() {
    Session web = loginWeb("carol");
    Session mobile = login("carol", ClientType.CLIENT_TYPE_ANDROID);
    roundTrip(web.client());
    assertThat(web.client().isClosed()).isFalse();

    loginPc("carol");
    IMLogin.IMKickUser kick = push(web.client(), LoginCmdID.CID_LOGIN_KICK_USER_VALUE, IMLogin.IMKickUser.parser());
    assertThat(kick.getKickReason()).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
    await(web.client().closed());
    roundTrip(mobile.client());
  }

  @Test
  void aFrameWhoseHeaderLengthDisagreesClosesOnlyThatConnection() {
    Session bystander = loginWeb("dave");
    TeamTalkClient offender = connectWeb();
    Buffer heartbeat = Pdu.encode(IMBaseDefine.ServiceID.SID_OTHER_VALUE,
        IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, 1, IMOther.IMHeartBeat.getDefaultInstance());
    offender.sendRaw(heartbeat.copy().appendByte((byte) 0));
    await(offender.closed());
    assertThat(offender.closeReason()).contains("malformed frame").contains("header says 16");
    roundTrip(bystander.client());
  }

  @Test
  void twoPdusInOneMessageAreRefusedToo() {
    TeamTalkClient offender = connectWeb();
    Buffer heartbeat = Pdu.encode(IMBaseDefine.ServiceID.SID_OTHER_VALUE,
        IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, 1, IMOther.IMHeartBeat.getDefaultInstance());
    offender.sendRaw(heartbeat.copy().appendBuffer(heartbeat));
    await(offender.closed());
    assertThat(offender.closeReason()).contains("malformed frame");
  }

  @Test
  void aTextMessageClosesThatConnectionWithAReason() {
    Session bystander = loginWeb("erin");
    WebSocketClient raw = vertx.createWebSocketClient();
    try {
      WebSocket socket = await(raw.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.webPort)
          .setURI("/ws")));
      Promise<Void> closed = Promise.promise();
      socket.closeHandler(v -> closed.complete());
      socket.writeTextMessage("hello");
      await(closed.future());
      assertThat(socket.closeReason()).contains("text message");
    } finally {
      raw.close();
    }
    roundTrip(bystander.client());
  }

  @Test
  void aMessageOverTheFrameLimitIsRefusedAndAtTheLimitIsServed() {
    Session web = loginWeb("frank");
    // a heartbeat of exactly MAX_FRAME bytes: its body one unknown length-delimited field (15) the parser skips
    int fieldLength = MAX_FRAME - Pdu.HEADER_LENGTH - 3;
    Buffer atLimit = Buffer.buffer().appendUnsignedInt(MAX_FRAME).appendUnsignedShort(1).appendUnsignedShort(0)
        .appendUnsignedShort(IMBaseDefine.ServiceID.SID_OTHER_VALUE)
        .appendUnsignedShort(IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE).appendUnsignedShort(7)
        .appendUnsignedShort(0)
        .appendByte((byte) (15 << 3 | 2)).appendByte((byte) (fieldLength & 0x7f | 0x80))
        .appendByte((byte) (fieldLength >> 7)).appendBytes(new byte[fieldLength]);
    assertThat(atLimit.length()).isEqualTo(MAX_FRAME);
    web.client().sendRaw(atLimit);
    Pdu echo = await(web.client().nextPush(IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE));
    assertThat(echo.seq()).isEqualTo(7);

    TeamTalkClient offender = connectWeb();
    Buffer tooBig = Buffer.buffer(new byte[MAX_FRAME + 1]);
    tooBig.setUnsignedInt(0, MAX_FRAME + 1);
    offender.sendRaw(tooBig);
    await(offender.closed());
    roundTrip(web.client());
  }

  /** The back-pressure of TCP clients ({@link BadClientTest}) holds for a browser that stops reading. */
  @Test
  void aBrowserThatStopsReadingIsClosedOnceTooMuchWaitsForIt() {
    Session stuck = loginWeb("judy");
    stuck.client().pauseReading();
    Session sender = loginPc("ivan");
    String text = "x".repeat(3_000);
    for (int i = 0; i < 7_000; i++) {
      sender.client().send(IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE,
          textMessage(sender, stuck.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, text));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (BadClientTest.status(sender, stuck.userId()) != IMBaseDefine.UserStatType.USER_STATUS_OFFLINE) {
      assertThat(System.nanoTime()).as("the stuck browser is still online").isLessThan(deadline);
      await(Future.future(promise -> vertx.setTimer(100, id -> promise.complete())));
    }
    BadClientTest.unreadCount(sender, stuck.userId());
    Session back = loginWeb("judy");
    assertThat(BadClientTest.unreadCount(back, sender.userId())).isEqualTo(7_000);
  }

  @Test
  void aPageFromAnotherOriginIsRefusedWith403() {
    assertThatThrownBy(() -> await(TeamTalkClient.connectWebSocket(vertx, "127.0.0.1", server.webPort,
        "http://elsewhere.example")))
        .hasRootCauseInstanceOf(UpgradeRejectedException.class)
        .satisfies(e -> assertThat(((UpgradeRejectedException) rootCause(e)).getStatus()).isEqualTo(403));
    assertThatThrownBy(() -> await(TeamTalkClient.connectWebSocket(vertx, "127.0.0.1", server.webPort,
        "http://127.0.0.1:" + (server.webPort + 1))))
        .hasRootCauseInstanceOf(UpgradeRejectedException.class);
  }

  @Test
  void theWebPortServesTheClientItsLibrariesProtoFilesAndConfig() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.webPort;
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("tt-protocol.js", "/webjars/vue/");
    HttpResponse<String> proto = http.send(HttpRequest.newBuilder(URI.create(base + "/proto/IM.Message.proto")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(proto.body()).contains("message IMMsgData");
    HttpResponse<String> vue = http.send(HttpRequest.newBuilder(
        URI.create(base + "/webjars/vue/3.5.22/dist/vue.global.prod.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(vue.statusCode()).isEqualTo(200);
    HttpResponse<String> config = http.send(HttpRequest.newBuilder(URI.create(base + "/web-config.json")).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonObject answer = new JsonObject(config.body());
    assertThat(answer.getString("aesKey")).isEqualTo(io.ttvertx.db.MessageCipher.DEFAULT_KEY);
    assertThat(answer.getString("webSocketPath")).isEqualTo("/ws");
    assertThat(answer.getInteger("maxFrameLength")).isEqualTo(MAX_FRAME);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/nothing-here")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  @Test
  void originsAreMatchedAgainstTheListOrTheHostWhenTheListIsEmpty() {
    assertThat(WebEndpoint.originAllowed("http://chat.example.com", "x:1", List.of("https://chat.example.com"))).isFalse();
    assertThat(WebEndpoint.originAllowed("https://chat.example.com", "x:1", List.of("https://chat.example.com/")))
        .isTrue();
    assertThat(WebEndpoint.originAllowed("https://any.example", "x:1", List.of("*"))).isTrue();
    assertThat(WebEndpoint.originAllowed("http://host:8900", "host:8900", List.of())).isTrue();
    assertThat(WebEndpoint.originAllowed("http://host:8901", "host:8900", List.of())).isFalse();
    assertThat(WebEndpoint.originAllowed("null", "host:8900", List.of())).isFalse();
    assertThat(WebEndpoint.originAllowed(null, "host:8900", List.of())).isTrue();
  }

  static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
