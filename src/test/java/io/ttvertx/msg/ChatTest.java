package io.ttvertx.msg;

import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1:1 chat end to end over TCP on the embedded store: online and offline delivery, several devices,
 * unread counts, recent sessions, history and read acknowledgements. {@link MysqlChatTest} runs the
 * same on MySQL + Redis.
 */
public class ChatTest extends ServerTestBase {

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig());
  }

  @Test
  void onlineMessageIsAckedWithItsIdAndReachesEveryOtherDevice() {
    Session alicePc = loginPc("alice");
    Session aliceMobile = login("alice", ClientType.CLIENT_TYPE_ANDROID);
    Session bobPc = loginPc("bob");
    Session bobMobile = login("bob", ClientType.CLIENT_TYPE_IOS);

    IMMessage.IMMsgDataAck ack = sendText(alicePc, bobPc.userId(), "hello bob");
    assertThat(ack.getUserId()).isEqualTo(alicePc.userId());
    assertThat(ack.getSessionId()).isEqualTo(bobPc.userId());
    assertThat(ack.getSessionType()).isEqualTo(SessionType.SESSION_TYPE_SINGLE);
    assertThat(ack.getMsgId()).isEqualTo(1);

    for (Session receiver : List.of(bobPc, bobMobile, aliceMobile)) {
      IMMessage.IMMsgData copy = receiveMessage(receiver);
      assertThat(copy.getFromUserId()).isEqualTo(alicePc.userId());
      assertThat(copy.getToSessionId()).isEqualTo(bobPc.userId());
      assertThat(copy.getMsgId()).isEqualTo(1);
      assertThat(text(copy.getMsgData())).isEqualTo("hello bob");
      assertThat(copy.getCreateTime()).isPositive();
    }
    roundTrip(alicePc.client());
    assertThat(alicePc.client().pendingPushes()).noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);

    IMMessage.IMMsgDataAck reply = sendText(bobMobile, alicePc.userId(), "hi alice");
    assertThat(reply.getMsgId()).isEqualTo(2);
    assertThat(text(receiveMessage(alicePc).getMsgData())).isEqualTo("hi alice");
    assertThat(receiveMessage(bobPc).getMsgId()).isEqualTo(2);
  }

  @Test
  void theServerAssignsSenderTimeAndIdWhateverTheClientClaims() {
    Session carol = loginPc("carol");
    Session dave = loginPc("dave");
    IMMessage.IMMsgData forged = IMMessage.IMMsgData.newBuilder()
        .setFromUserId(dave.userId())
        .setToSessionId(dave.userId() + 0)
        .setMsgId(777)
        .setCreateTime(12)
        .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
        .setMsgData(com.google.protobuf.ByteString.copyFromUtf8("not from dave"))
        .build();
    IMMessage.IMMsgDataAck ack = ask(carol.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, forged,
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    assertThat(ack.getMsgId()).isEqualTo(1);
    IMMessage.IMMsgData copy = receiveMessage(dave);
    assertThat(copy.getFromUserId()).isEqualTo(carol.userId());
    assertThat(copy.getMsgId()).isEqualTo(1);
    assertThat(copy.getCreateTime()).isGreaterThan(1_600_000_000);
  }

  @Test
  void offlineMessagesWaitWithUnreadCountsSessionsAndHistory() {
    int frankId = userId("frank");
    Session erin = loginPc("erin");
    for (int i = 1; i <= 3; i++) {
      assertThat(sendText(erin, frankId, "message " + i).getMsgId()).isEqualTo(i);
    }

    Session frank = loginPc("frank");
    Session frankMobile = login("frank", ClientType.CLIENT_TYPE_ANDROID);
    IMMessage.IMUnreadMsgCntRsp unread = ask(frank.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(unread.getUserId()).isEqualTo(frank.userId());
    assertThat(unread.getTotalCnt()).isEqualTo(3);
    assertThat(unread.getUnreadinfoListList()).singleElement().satisfies(info -> {
      assertThat(info.getSessionId()).isEqualTo(erin.userId());
      assertThat(info.getSessionType()).isEqualTo(SessionType.SESSION_TYPE_SINGLE);
      assertThat(info.getUnreadCnt()).isEqualTo(3);
      assertThat(info.getLatestMsgId()).isEqualTo(3);
      assertThat(text(info.getLatestMsgData())).isEqualTo("message 3");
      assertThat(info.getLatestMsgFromUserId()).isEqualTo(erin.userId());
    });

    IMBuddy.IMRecentContactSessionRsp sessions = ask(frank.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        IMBuddy.IMRecentContactSessionReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE,
        IMBuddy.IMRecentContactSessionRsp.parser());
    assertThat(sessions.getContactSessionListList()).singleElement().satisfies(session -> {
      assertThat(session.getSessionId()).isEqualTo(erin.userId());
      assertThat(session.getLatestMsgId()).isEqualTo(3);
      assertThat(text(session.getLatestMsgData())).isEqualTo("message 3");
    });

    IMMessage.IMGetMsgListRsp newest = msgList(frank, erin.userId(), 0, 2);
    assertThat(newest.getMsgListList()).extracting(IMBaseDefine.MsgInfo::getMsgId).containsExactly(3, 2);
    assertThat(newest.getMsgList(0).getFromSessionId()).isEqualTo(erin.userId());
    IMMessage.IMGetMsgListRsp older = msgList(frank, erin.userId(), 1, 10);
    assertThat(older.getMsgListList()).extracting(IMBaseDefine.MsgInfo::getMsgId).containsExactly(1);
    assertThat(text(older.getMsgList(0).getMsgData())).isEqualTo("message 1");

    IMMessage.IMGetMsgByIdRsp byId = ask(frank.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE, IMMessage.IMGetMsgByIdReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_SINGLE).setSessionId(erin.userId()).addMsgIdList(2).build(),
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_RES_VALUE, IMMessage.IMGetMsgByIdRsp.parser());
    assertThat(byId.getMsgListList()).singleElement().satisfies(m -> assertThat(text(m.getMsgData())).isEqualTo("message 2"));

    IMMessage.IMGetLatestMsgIdRsp latest = ask(frank.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE, IMMessage.IMGetLatestMsgIdReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_SINGLE).setSessionId(erin.userId()).build(),
        MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_RSP_VALUE, IMMessage.IMGetLatestMsgIdRsp.parser());
    assertThat(latest.getLatestMsgId()).isEqualTo(3);

    // read ack: no reply, the count is cleared, the reader's other device is told
    frank.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(0).setSessionId(erin.userId()).setMsgId(3)
            .setSessionType(SessionType.SESSION_TYPE_SINGLE).build());
    IMMessage.IMMsgDataReadNotify notify = push(frankMobile.client(), MessageCmdID.CID_MSG_READ_NOTIFY_VALUE,
        IMMessage.IMMsgDataReadNotify.parser());
    assertThat(notify.getUserId()).isEqualTo(frank.userId());
    assertThat(notify.getSessionId()).isEqualTo(erin.userId());
    assertThat(notify.getMsgId()).isEqualTo(3);
    IMMessage.IMUnreadMsgCntRsp after = ask(frank.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(after.getTotalCnt()).isZero();
    assertThat(after.getUnreadinfoListList()).isEmpty();
    roundTrip(frank.client());
    // the reading connection itself is not told, and no message copy went astray
    assertThat(frank.client().pendingPushes()).extracting(io.ttvertx.protocol.Pdu::commandId)
        .doesNotContain(MessageCmdID.CID_MSG_READ_NOTIFY_VALUE, MessageCmdID.CID_MSG_DATA_VALUE);
  }

  @Test
  void aUserReadsOnlyTheirOwnConversationsWhateverUserIdTheyWrite() {
    Session grace = loginPc("grace");
    Session heidi = loginPc("heidi");
    Session ivan = loginPc("ivan");
    sendText(grace, heidi.userId(), "private to heidi");

    // ivan asks for "heidi's" conversation with grace by writing heidi's id as user_id
    IMMessage.IMGetMsgListReq spoofed = IMMessage.IMGetMsgListReq.newBuilder().setUserId(heidi.userId())
        .setSessionType(SessionType.SESSION_TYPE_SINGLE).setSessionId(grace.userId()).setMsgIdBegin(0).setMsgCnt(10)
        .build();
    IMMessage.IMGetMsgListRsp answer = ask(ivan.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
        spoofed, MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(ivan.userId());
    assertThat(answer.getMsgListList()).isEmpty();

    IMMessage.IMUnreadMsgCntRsp unread = ask(ivan.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder()
            .setUserId(heidi.userId()).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(unread.getTotalCnt()).isZero();
  }

  @Test
  void concurrentSendersGetDistinctConsecutiveIds() {
    Session judy = loginPc("judy");
    Session judyMobile = login("judy", ClientType.CLIENT_TYPE_ANDROID);
    Session mallory = loginPc("mallory");
    int perSender = 100;
    List<Session> senders = List.of(judy, judyMobile, mallory);
    Map<Session, List<io.vertx.core.Future<io.ttvertx.protocol.Pdu>>> acks = new java.util.LinkedHashMap<>();
    for (int i = 0; i < perSender; i++) {
      for (Session sender : senders) {
        int to = sender.userId() == judy.userId() ? mallory.userId() : judy.userId();
        acks.computeIfAbsent(sender, s -> new java.util.ArrayList<>()).add(sender.client().request(ServiceID.SID_MSG_VALUE,
            MessageCmdID.CID_MSG_DATA_VALUE,
            IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(to).setMsgId(0).setCreateTime(0)
                .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
                .setMsgData(com.google.protobuf.ByteString.copyFromUtf8("m" + i)).build()));
      }
    }
    List<Integer> all = new java.util.ArrayList<>();
    for (Session sender : senders) {
      List<Integer> ids = acks.get(sender).stream()
          .map(f -> io.ttvertx.client.TeamTalkClient.parse(io.ttvertx.support.Await.await(f),
              IMMessage.IMMsgDataAck.parser()).getMsgId())
          .toList();
      // each connection's messages keep the order it sent them in, though they are stored together
      assertThat(ids).isSorted().doesNotHaveDuplicates();
      all.addAll(ids);
    }
    assertThat(all.stream().sorted().toList())
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 3 * perSender).boxed().toList());
  }

  @Test
  void requestsOfOneConnectionTakeEffectInTheOrderSent() {
    Session oscar = loginPc("oscar");
    Session peggy = loginPc("peggy");
    List<io.vertx.core.Future<io.ttvertx.protocol.Pdu>> acks = new java.util.ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      acks.add(oscar.client().request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
          IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(peggy.userId()).setMsgId(0).setCreateTime(0)
              .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
              .setMsgData(com.google.protobuf.ByteString.copyFromUtf8("n" + i)).build()));
    }
    for (int i = 1; i <= 20; i++) {
      IMMessage.IMMsgDataAck ack = io.ttvertx.client.TeamTalkClient.parse(io.ttvertx.support.Await.await(acks.get(i - 1)),
          IMMessage.IMMsgDataAck.parser());
      assertThat(ack.getMsgId()).isEqualTo(i);
      IMMessage.IMMsgData copy = receiveMessage(peggy);
      assertThat(copy.getMsgId()).isEqualTo(i);
      assertThat(text(copy.getMsgData())).isEqualTo("n" + i);
    }
    // a read ack (no reply) followed at once by an unread request: the request sees the ack applied
    peggy.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(0).setSessionId(oscar.userId()).setMsgId(20)
            .setSessionType(SessionType.SESSION_TYPE_SINGLE).build());
    IMMessage.IMUnreadMsgCntRsp unread = ask(peggy.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(unread.getTotalCnt()).isZero();
  }

  @Test
  void audioIsStoredWholeAndShownAsTheVoicePlaceholderInUnreadCounts() {
    Session trent = loginPc("trent");
    int victorId = userId("victor");
    byte[] audio = new byte[2000];
    audio[3] = 5; // a 5-second clip
    for (int i = 4; i < audio.length; i++) {
      audio[i] = (byte) i;
    }
    IMMessage.IMMsgDataAck ack = ask(trent.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(victorId).setMsgId(0).setCreateTime(0)
            .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_AUDIO)
            .setMsgData(com.google.protobuf.ByteString.copyFrom(audio)).build(),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    assertThat(ack.getMsgId()).isEqualTo(1);

    // text longer than IMMessage.content allows is refused: no ack, and it is not stored
    trent.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(victorId).setMsgId(0).setCreateTime(0)
            .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
            .setMsgData(com.google.protobuf.ByteString.copyFromUtf8("y".repeat(4097))).build());
    assertThat(sendText(trent, victorId, "short one").getMsgId()).isEqualTo(2);

    Session victor = loginPc("victor");
    IMMessage.IMUnreadMsgCntRsp unread = ask(victor.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(unread.getTotalCnt()).isEqualTo(2);
    IMMessage.IMGetMsgListRsp history = msgList(victor, trent.userId(), 0, 10);
    assertThat(history.getMsgListList()).extracting(IMBaseDefine.MsgInfo::getMsgId).containsExactly(2, 1);
    assertThat(history.getMsgList(1).getMsgType()).isEqualTo(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_AUDIO);
    assertThat(history.getMsgList(1).getMsgData().toByteArray()).isEqualTo(audio);

    sendText(victor, trent.userId(), "ok");
    Session walter = loginPc("walter");
    ask(walter.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        IMMessage.IMMsgData.newBuilder().setFromUserId(0).setToSessionId(victorId).setMsgId(0).setCreateTime(0)
            .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_AUDIO)
            .setMsgData(com.google.protobuf.ByteString.copyFrom(audio)).build(),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    IMMessage.IMUnreadMsgCntRsp withAudio = ask(victor.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    IMBaseDefine.UnreadInfo fromWalter = withAudio.getUnreadinfoListList().stream()
        .filter(u -> u.getSessionId() == walter.userId()).findFirst().orElseThrow();
    assertThat(fromWalter.getLatestMsgType()).isEqualTo(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_AUDIO);
    // TeamTalk shows "[语音]", encrypted with the shared key, as the latest message of an audio session
    assertThat(new io.ttvertx.db.MessageCipherAccess().decrypt(fromWalter.getLatestMsgData().toByteArray()))
        .isEqualTo("[语音]");
  }

  private static IMMessage.IMGetMsgListRsp msgList(Session session, int peer, int begin, int count) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
        IMMessage.IMGetMsgListReq.newBuilder().setUserId(0).setSessionType(SessionType.SESSION_TYPE_SINGLE)
            .setSessionId(peer).setMsgIdBegin(begin).setMsgCnt(count).build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
  }
}
