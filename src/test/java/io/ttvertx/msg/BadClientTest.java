package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Misbehaving clients: each bad input closes that one connection, and a fresh client is still served,
 * as is a client that was connected all along.
 */
public class BadClientTest extends ServerTestBase {
  static final int MAX_FRAME = 4096;

  private Session bystander;

  @BeforeAll
  static void start() {
    JsonObject config = TestServer.defaultConfig();
    config.getJsonObject("msg").put("maxFrameLength", MAX_FRAME).put("loginTimeoutSeconds", 1)
        .put("pcIdleTimeoutSeconds", 2)
        // the stuck-reader case needs a sender far faster than the message rate lets a client be
        .put("limits", new JsonObject().put("messagesPerSecond", 0));
    startServer(config);
  }

  private void assertClosedAndServerStillServes(TeamTalkClient offender) {
    await(offender.closed());
    if (bystander == null || bystander.client().isClosed()) {
      bystander = login("walter", ClientType.CLIENT_TYPE_ANDROID);
    }
    roundTrip(bystander.client());
    Session fresh = loginPc("xavier");
    assertThat(sendText(fresh, bystander.userId(), "still here").getMsgId()).isPositive();
    assertThat(text(receiveMessage(bystander).getMsgData())).isEqualTo("still here");
    fresh.client().close();
  }

  private static Buffer header(long length, int service, int command) {
    return Buffer.buffer().appendUnsignedInt(length).appendUnsignedShort(1).appendUnsignedShort(0)
        .appendUnsignedShort(service).appendUnsignedShort(command).appendUnsignedShort(1).appendUnsignedShort(0);
  }

  @Test
  void aClientThatStopsReadingIsClosedOnceTooMuchWaitsForIt() {
    Session stuck = login("heidi", ClientType.CLIENT_TYPE_ANDROID);
    stuck.client().pauseReading();
    Session sender = loginPc("ivan");
    String text = "x".repeat(3_000);
    // 21 MB: the socket buffers on both sides take a few, then the server's limit is reached
    for (int i = 0; i < 7_000; i++) {
      sender.client().send(ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE,
          textMessage(sender, stuck.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, text));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (status(sender, stuck.userId()) != IMBaseDefine.UserStatType.USER_STATUS_OFFLINE) {
      assertThat(System.nanoTime()).as("the stuck client is still online").isLessThan(deadline);
      await(Future.future(promise -> vertx.setTimer(100, id -> promise.complete())));
    }
    // its messages were stored all the same: it finds them as unread when it comes back (the sender's
    // own request waits for its messages to be stored, and this class's login timeout is 1 s)
    unreadCount(sender, stuck.userId());
    Session back = login("heidi", ClientType.CLIENT_TYPE_ANDROID);
    assertThat(unreadCount(back, sender.userId())).isEqualTo(7_000);
  }

  static int unreadCount(Session session, int fromUserId) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        IMBaseDefine.MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser())
        .getUnreadinfoListList().stream().filter(u -> u.getSessionId() == fromUserId)
        .mapToInt(IMBaseDefine.UnreadInfo::getUnreadCnt).sum();
  }

  static IMBaseDefine.UserStatType status(Session asking, int userId) {
    IMBuddy.IMUsersStatRsp statuses = ask(asking.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE,
        IMBuddy.IMUsersStatReq.newBuilder().setUserId(0).addUserIdList(userId).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_RESPONSE_VALUE, IMBuddy.IMUsersStatRsp.parser());
    return statuses.getUserStatList(0).getStatus();
  }

  @Test
  void lengthUnderTheHeaderSizeCloses() {
    TeamTalkClient client = connect();
    client.sendRaw(header(15, 1, 0x0103));
    assertClosedAndServerStillServes(client);
  }

  @Test
  void lengthOverTheMaximumCloses() {
    TeamTalkClient client = connect();
    client.sendRaw(header(MAX_FRAME + 1, 1, 0x0103));
    assertClosedAndServerStillServes(client);
  }

  @Test
  void frameOfExactlyTheMaximumIsAcceptedAndOneMoreIsNot() {
    Session alice = loginPc("alice");
    alice.client().sendRaw(paddedTimeRequest(MAX_FRAME));
    Pdu answer = await(alice.client().nextPush(IMBaseDefine.MessageCmdID.CID_MSG_TIME_RESPONSE_VALUE));
    assertThat(answer.seq()).isEqualTo(0xBEEF);

    alice.client().sendRaw(paddedTimeRequest(MAX_FRAME + 1));
    assertClosedAndServerStillServes(alice.client());
  }

  /** A TIME request (seq 0xBEEF) whose body is padded with an unknown field to make the frame {@code length} long. */
  private static Buffer paddedTimeRequest(int length) {
    int bodyLength = length - Pdu.HEADER_LENGTH;
    for (int padding = bodyLength - 4; padding > 0; padding--) {
      byte[] body = com.google.protobuf.UnknownFieldSet.newBuilder()
          .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
              .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(new byte[padding])).build())
          .build().toByteArray();
      if (body.length == bodyLength) {
        return Buffer.buffer().appendUnsignedInt(length).appendUnsignedShort(1).appendUnsignedShort(0)
            .appendUnsignedShort(ServiceID.SID_MSG_VALUE)
            .appendUnsignedShort(IMBaseDefine.MessageCmdID.CID_MSG_TIME_REQUEST_VALUE)
            .appendUnsignedShort(0xBEEF).appendUnsignedShort(0).appendBytes(body);
      }
    }
    throw new IllegalArgumentException("cannot pad to " + length);
  }

  @Test
  void garbageCloses() {
    TeamTalkClient client = connect();
    client.sendRaw(Buffer.buffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII.name()));
    assertClosedAndServerStillServes(client);
  }

  @Test
  void undecodableBodyCloses() {
    TeamTalkClient client = connect();
    byte[] junk = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02};
    client.sendRaw(header(16 + junk.length, ServiceID.SID_LOGIN_VALUE, IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE)
        .appendBytes(junk));
    assertClosedAndServerStillServes(client);
  }

  @Test
  void loginMissingRequiredFieldsCloses() {
    TeamTalkClient client = connect();
    client.sendRaw(header(16, ServiceID.SID_LOGIN_VALUE, IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE));
    assertClosedAndServerStillServes(client);
  }

  @Test
  void commandBeforeLoginCloses() {
    TeamTalkClient client = connect();
    client.send(ServiceID.SID_BUDDY_LIST_VALUE, IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(1).setLatestUpdateTime(0).build());
    assertClosedAndServerStillServes(client);
  }

  @Test
  void undecodableBodyAfterLoginCloses() {
    Session bob = loginPc("bob");
    bob.client().sendRaw(header(16 + 3, ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE)
        .appendBytes(new byte[] {0x0a, 0x7f, 0x00}));
    assertClosedAndServerStillServes(bob.client());
  }

  @Test
  void noLoginWithinTheLoginTimeoutCloses() {
    TeamTalkClient client = connect();
    roundTrip(client);
    assertClosedAndServerStillServes(client);
  }

  @Test
  void silentLoggedInConnectionIsClosedAfterTheIdleTimeout() {
    Session carol = loginPc("carol");
    await(carol.client().closed());
  }
}
