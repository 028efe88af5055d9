package io.ttvertx.msg;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PictureText;
import io.ttvertx.support.HeadlessChromium;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client's protocol layer (webclient/tt-protocol.js) run in headless Chromium against the
 * server's own encoding: frames and PDUs encoded on one side are the same bytes, or decode to the
 * same fields, on the other; the text cipher agrees with {@link MessageCipher} both ways.
 */
public class WebProtocolBrowserTest extends ServerTestBase {
  private static ChromeDriver browser;

  @BeforeAll
  static void start() {
    HeadlessChromium.assumeInstalled();
    startServer(TestServer.defaultConfig());
    browser = HeadlessChromium.start();
    browser.get("http://127.0.0.1:" + server.webPort + "/");
    Object loaded = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "TT.loadProtocol('/proto/').then(p => { window.protocol = p; done('loaded'); })"
        + ".catch(e => done('failed: ' + e));");
    assertThat(loaded).isEqualTo("loaded");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    stopServer();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Object js(String script, Object... args) {
    return browser.executeScript(script, args);
  }

  private static final String TO_BASE64 = "const b64 = bytes => btoa(String.fromCharCode(...bytes));";
  private static final String FROM_BASE64 = "const bytes = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));";

  @Test
  void aMessagePduEncodedInTheBrowserIsTheServersBytes() {
    byte[] text = "some encrypted text".getBytes(StandardCharsets.US_ASCII);
    IMMessage.IMMsgData message = IMMessage.IMMsgData.newBuilder().setFromUserId(7).setToSessionId(9).setMsgId(0)
        .setCreateTime(0).setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT).setMsgData(ByteString.copyFrom(text))
        .build();
    byte[] java = Pdu.encode(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, 513, message).getBytes();
    Object browserFrame = js(TO_BASE64 + FROM_BASE64 + "const ids = protocol.ids;"
        + "return b64(protocol.encode(ids.SID_MSG, ids.CID_MSG_DATA, 513, 'IM.Message.IMMsgData', {fromUserId: 7,"
        + " toSessionId: 9, msgId: 0, createTime: 0, msgType: ids.MSG_TYPE_SINGLE_TEXT, msgData: bytes(arguments[0])}));",
        base64(text));
    assertThat(browserFrame).isEqualTo(base64(java));
  }

  @Test
  void aLoginRequestEncodedInTheBrowserIsTheServersBytes() {
    IMLogin.IMLoginReq login = IMLogin.IMLoginReq.newBuilder().setUserName("小明").setPassword(
            TeamTalkClient.passwordDigest("pässword")).setOnlineStatus(IMBaseDefine.UserStatType.USER_STATUS_ONLINE)
        .setClientType(IMBaseDefine.ClientType.CLIENT_TYPE_WINDOWS).setClientVersion("tt-vertx-web").build();
    byte[] java = Pdu.encode(ServiceID.SID_LOGIN_VALUE, IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE, 1, login)
        .getBytes();
    Object browserFrame = js(TO_BASE64 + "const ids = protocol.ids;"
        + "return b64(protocol.encode(ids.SID_LOGIN, ids.CID_LOGIN_REQ_USERLOGIN, 1, 'IM.Login.IMLoginReq', {"
        + " userName: '小明', password: TT.passwordDigest('pässword'), onlineStatus: ids.USER_STATUS_ONLINE,"
        + " clientType: ids.CLIENT_TYPE_WINDOWS, clientVersion: 'tt-vertx-web'}));");
    assertThat(browserFrame).isEqualTo(base64(java));
  }

  @Test
  @SuppressWarnings("unchecked")
  void aFrameTheServerEncodesIsDecodedInTheBrowser() {
    IMGroup.IMGroupInfoListRsp groups = IMGroup.IMGroupInfoListRsp.newBuilder().setUserId(3)
        .addGroupInfoList(IMBaseDefine.GroupInfo.newBuilder().setGroupId(42).setVersion(2).setGroupName("研发 team")
            .setGroupAvatar("").setGroupCreatorId(3).setGroupType(IMBaseDefine.GroupType.GROUP_TYPE_TMP)
            .setShieldStatus(0).addGroupMemberList(3).addGroupMemberList(70000))
        .build();
    byte[] java = Pdu.encode(ServiceID.SID_GROUP_VALUE, IBaseIds.GROUP_INFO_RESPONSE, 65535, groups).getBytes();
    Map<String, Object> decoded = (Map<String, Object>) js(FROM_BASE64
        + "const frame = TT.decodeFrame(bytes(arguments[0]));"
        + "const body = protocol.decodeBody('IM.Group.IMGroupInfoListRsp', frame.body);"
        + "return {length: frame.length, serviceId: frame.serviceId, commandId: frame.commandId, seq: frame.seq,"
        + " group: body.groupInfoList[0]};", base64(java));
    assertThat(decoded).containsEntry("length", (long) java.length).containsEntry("serviceId", 4L)
        .containsEntry("commandId", (long) IBaseIds.GROUP_INFO_RESPONSE).containsEntry("seq", 65535L);
    Map<String, Object> group = (Map<String, Object>) decoded.get("group");
    assertThat(group).containsEntry("groupId", 42L).containsEntry("groupName", "研发 team")
        .containsEntry("groupType", 2L);
    assertThat((List<Object>) group.get("groupMemberList")).containsExactly(3L, 70000L);
  }

  /** Command ids as numbers, where the generated enum's name is long. */
  private static final class IBaseIds {
    static final int GROUP_INFO_RESPONSE = IMBaseDefine.GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE;
  }

  @Test
  void aFrameWhoseHeaderLengthDisagreesIsRefusedInTheBrowser() {
    byte[] frame = Pdu.encode(ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, 1,
        io.ttvertx.proto.IMOther.IMHeartBeat.getDefaultInstance()).appendByte((byte) 0).getBytes();
    Object error = js(FROM_BASE64 + "try { TT.decodeFrame(bytes(arguments[0])); return 'accepted'; }"
        + " catch (e) { return e.message; }", base64(frame));
    assertThat(error).isEqualTo("header says 16 bytes, the frame has 17");
  }

  @Test
  void theTextCipherAgreesWithTheServersBothWays() {
    MessageCipher cipher = new MessageCipher(MessageCipher.DEFAULT_KEY);
    js("window.cipher = new TT.TextCipher(arguments[0]);", MessageCipher.DEFAULT_KEY);
    // lengths around the padding rule: 0, 12 and 13 bytes left in the last block, whole blocks
    for (String text : List.of("", "hello world!", "hello world!!", "0123456789abcdef", "你好，TeamTalk 😀",
        PictureText.of("http://127.0.0.1:8700/g0/000/000/1.png"), "x".repeat(1000))) {
      String fromBrowser = (String) js("return cipher.encrypt(arguments[0]);", text);
      String fromServer = new String(cipher.encrypt(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
      assertThat(fromBrowser).as("encrypted \"%s\"", text).isEqualTo(fromServer);
      assertThat(new String(cipher.decrypt(fromBrowser.getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8))
          .isEqualTo(text);
      assertThat(js("return cipher.decrypt(arguments[0]);", fromServer)).isEqualTo(text);
    }
    assertThat(js("try { cipher.decrypt('bm90IGEgY2lwaGVy'); return 'accepted'; } catch (e) { return 'refused'; }"))
        .isEqualTo("refused");
  }

  @Test
  void thePasswordDigestIsTheNativeClientsOne() {
    assertThat(js("return TT.passwordDigest(arguments[0]);", "pässwörd 密码"))
        .isEqualTo(TeamTalkClient.passwordDigest("pässwörd 密码"));
  }

  @Test
  void pictureTextIsReadAndWrittenAsTheServerDoes() {
    String url = "http://127.0.0.1:8700/g0/000/000/1.png";
    assertThat(js("return TT.PictureText.of(arguments[0]);", url)).isEqualTo(PictureText.of(url));
    assertThat(js("return TT.PictureText.urlOf(arguments[0]);", PictureText.of(url))).isEqualTo(url);
    assertThat(js("return TT.PictureText.urlOf('plain text');")).isNull();
  }
}
