package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.UserStatType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Login, logout, heartbeats, kicks, presence and the buddy-list commands, over real TCP. */
public class LoginAndPresenceTest extends ServerTestBase {

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig());
  }

  @Test
  void loginAnswersWithUserInfoServerTimeAndTheRequestSeq() {
    TeamTalkClient client = connect();
    roundTrip(client); // heartbeats are allowed before login
    IMLogin.IMLoginReq request = IMLogin.IMLoginReq.newBuilder().setUserName("alice")
        .setPassword(TeamTalkClient.passwordDigest(PASSWORD)).setOnlineStatus(UserStatType.USER_STATUS_ONLINE)
        .setClientType(ClientType.CLIENT_TYPE_ANDROID).build();
    Pdu response = await(client.request(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE, request));
    assertThat(response.commandId()).isEqualTo(LoginCmdID.CID_LOGIN_RES_USERLOGIN_VALUE);
    assertThat(response.seq()).isEqualTo(2);
    IMLogin.IMLoginRes login = TeamTalkClient.parse(response, IMLogin.IMLoginRes.parser());
    assertThat(login.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    assertThat(login.getServerTime()).isCloseTo((int) (System.currentTimeMillis() / 1000), org.assertj.core.data.Offset.offset(5));
    assertThat(login.getOnlineStatus()).isEqualTo(UserStatType.USER_STATUS_ONLINE);
    assertThat(login.getUserInfo().getUserRealName()).isEqualTo("alice");
    assertThat(login.getUserInfo().getUserNickName()).isEqualTo("Alice");
    assertThat(login.getUserInfo().getDepartmentId()).isPositive();
  }

  @Test
  void wrongPasswordAndUnknownUserAreRefusedWithResult6AndClosed() {
    for (String[] attempt : List.of(new String[] {"bob", "not-the-password"}, new String[] {"nobody", PASSWORD},
        new String[] {"bob' OR '1'='1", PASSWORD})) {
      TeamTalkClient client = connect();
      IMLogin.IMLoginRes response = await(client.login(attempt[0], attempt[1], ClientType.CLIENT_TYPE_WINDOWS));
      assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED);
      assertThat(response.hasUserInfo()).isFalse();
      await(client.closed());
    }
    loginPc("bob");
  }

  @Test
  void heartbeatIsEchoedWithItsSeq() {
    Session carol = loginPc("carol");
    Pdu echo = await(carol.client().request(ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
        IMOther.IMHeartBeat.getDefaultInstance()));
    assertThat(echo.serviceId()).isEqualTo(ServiceID.SID_OTHER_VALUE);
    assertThat(echo.body().length()).isZero();
  }

  @Test
  void secondLoginOfTheSameClassKicksTheOlderConnectionOnly() {
    Session first = loginPc("dave");
    Session mobile = login("dave", ClientType.CLIENT_TYPE_ANDROID);
    Session second = login("dave", ClientType.CLIENT_TYPE_MAC);

    IMLogin.IMKickUser kick = push(first.client(), LoginCmdID.CID_LOGIN_KICK_USER_VALUE, IMLogin.IMKickUser.parser());
    assertThat(kick.getUserId()).isEqualTo(first.userId());
    assertThat(kick.getKickReason()).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_DUPLICATE_USER);
    await(first.client().closed());
    assertThat(mobile.client().isClosed()).isFalse();

    // the kicked connection no longer receives dave's traffic; the new PC and the mobile do
    Session erin = loginPc("erin");
    sendText(erin, second.userId(), "after the kick");
    assertThat(text(receiveMessage(second).getMsgData())).isEqualTo("after the kick");
    assertThat(text(receiveMessage(mobile).getMsgData())).isEqualTo("after the kick");
  }

  @Test
  void mobileCanKickThePcClient() {
    Session pc = loginPc("frank");
    Session mobile = login("frank", ClientType.CLIENT_TYPE_IOS);
    // a mobile logging in while the PC is online is told so (TeamTalk route_server does the same)
    assertThat(push(mobile.client(), BuddyListCmdID.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY_VALUE,
        IMBuddy.IMPCLoginStatusNotify.parser()).getLoginStat()).isEqualTo(UserStatType.USER_STATUS_ONLINE);
    IMLogin.IMKickPCClientRsp response = ask(mobile.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_KICKPCCLIENT_VALUE, IMLogin.IMKickPCClientReq.newBuilder().setUserId(0).build(),
        LoginCmdID.CID_LOGIN_RES_KICKPCCLIENT_VALUE, IMLogin.IMKickPCClientRsp.parser());
    assertThat(response.getResultCode()).isZero();
    IMLogin.IMKickUser kick = push(pc.client(), LoginCmdID.CID_LOGIN_KICK_USER_VALUE, IMLogin.IMKickUser.parser());
    assertThat(kick.getKickReason()).isEqualTo(IMBaseDefine.KickReasonType.KICK_REASON_MOBILE_KICK);
    await(pc.client().closed());
    IMBuddy.IMPCLoginStatusNotify pcOff = push(mobile.client(), BuddyListCmdID.CID_BUDDY_LIST_PC_LOGIN_STATUS_NOTIFY_VALUE,
        IMBuddy.IMPCLoginStatusNotify.parser());
    assertThat(pcOff.getLoginStat()).isEqualTo(UserStatType.USER_STATUS_OFFLINE);
  }

  @Test
  void pcLoginAndLogoutAreAnnouncedToOnlinePcClientsAndStatusIsQueryable() {
    Session watcher = loginPc("grace");
    Session heidi = loginPc("heidi");
    IMBuddy.IMUserStatNotify online = nextStatusOf(watcher, heidi.userId());
    assertThat(online.getUserStat().getStatus()).isEqualTo(UserStatType.USER_STATUS_ONLINE);

    IMBuddy.IMUsersStatRsp statuses = ask(watcher.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE, IMBuddy.IMUsersStatReq.newBuilder().setUserId(0)
            .addUserIdList(heidi.userId()).addUserIdList(999_999).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_RESPONSE_VALUE, IMBuddy.IMUsersStatRsp.parser());
    assertThat(statuses.getUserStatListList()).extracting(IMBaseDefine.UserStat::getStatus)
        .containsExactly(UserStatType.USER_STATUS_ONLINE, UserStatType.USER_STATUS_OFFLINE);

    IMLogin.IMLogoutRsp bye = ask(heidi.client(), ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_LOGINOUT_VALUE,
        IMLogin.IMLogoutReq.getDefaultInstance(), LoginCmdID.CID_LOGIN_RES_LOGINOUT_VALUE, IMLogin.IMLogoutRsp.parser());
    assertThat(bye.getResultCode()).isZero();
    await(heidi.client().closed());
    assertThat(nextStatusOf(watcher, heidi.userId()).getUserStat().getStatus())
        .isEqualTo(UserStatType.USER_STATUS_OFFLINE);
  }

  private static IMBuddy.IMUserStatNotify nextStatusOf(Session watcher, int userId) {
    while (true) {
      IMBuddy.IMUserStatNotify notify = push(watcher.client(), BuddyListCmdID.CID_BUDDY_LIST_STATUS_NOTIFY_VALUE,
          IMBuddy.IMUserStatNotify.parser());
      if (notify.getUserStat().getUserId() == userId) {
        return notify;
      }
    }
  }

  @Test
  void organisationIsBrowsable() {
    Session ivan = loginPc("ivan");
    IMBuddy.IMAllUserRsp all = ask(ivan.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE, IMBuddy.IMAllUserRsp.parser());
    assertThat(all.getUserId()).isEqualTo(ivan.userId());
    assertThat(all.getUserListList()).extracting(IMBaseDefine.UserInfo::getUserRealName)
        .containsAll(USER_NAMES);
    // the server's time, not the client's (TeamTalk echoes the request's: a bug)
    assertThat(all.getLatestUpdateTime()).isGreaterThan(1_600_000_000);

    IMBuddy.IMAllUserRsp sinceNow = ask(ivan.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(0).setLatestUpdateTime(all.getLatestUpdateTime() + 10).build(),
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE, IMBuddy.IMAllUserRsp.parser());
    assertThat(sinceNow.getUserListList()).isEmpty();

    IMBuddy.IMDepartmentRsp departments = ask(ivan.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE,
        IMBuddy.IMDepartmentReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_RESPONSE_VALUE, IMBuddy.IMDepartmentRsp.parser());
    assertThat(departments.getDeptListList()).extracting(IMBaseDefine.DepartInfo::getDeptName).contains("Dev", "Sales");

    int judyId = all.getUserListList().stream().filter(u -> u.getUserRealName().equals("judy")).findFirst()
        .orElseThrow().getUserId();
    IMBuddy.IMUsersInfoRsp info = ask(ivan.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        IMBuddy.IMUsersInfoReq.newBuilder().setUserId(0).addUserIdList(judyId).addUserIdList(888_888).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_RESPONSE_VALUE, IMBuddy.IMUsersInfoRsp.parser());
    assertThat(info.getUserInfoListList()).singleElement()
        .satisfies(u -> assertThat(u.getUserNickName()).isEqualTo("Judy"));
  }

  @Test
  void signInfoAndAvatarChangesAreStoredAnsweredAndAnnounced() {
    Session mallory = loginPc("mallory");
    Session malloryMobile = login("mallory", ClientType.CLIENT_TYPE_ANDROID);
    Session oscar = loginPc("oscar");

    IMBuddy.IMChangeSignInfoRsp signed = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE,
        IMBuddy.IMChangeSignInfoReq.newBuilder().setUserId(0).setSignInfo("out fishing").build(),
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE_VALUE, IMBuddy.IMChangeSignInfoRsp.parser());
    assertThat(signed.getResultCode()).isZero();
    for (Session observer : List.of(oscar, malloryMobile)) {
      IMBuddy.IMSignInfoChangedNotify notify = push(observer.client(),
          BuddyListCmdID.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY_VALUE, IMBuddy.IMSignInfoChangedNotify.parser());
      assertThat(notify.getChangedUserId()).isEqualTo(mallory.userId());
      assertThat(notify.getSignInfo()).isEqualTo("out fishing");
    }

    IMBuddy.IMChangeAvatarRsp avatar = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
        IMBuddy.IMChangeAvatarReq.newBuilder().setUserId(0).setAvatarUrl("http://img/m.png").build(),
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE_VALUE, IMBuddy.IMChangeAvatarRsp.parser());
    assertThat(avatar.getResultCode()).isZero();
    assertThat(push(oscar.client(), BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE,
        IMBuddy.IMAvatarChangedNotify.parser()).getAvatarUrl()).isEqualTo("http://img/m.png");

    IMBuddy.IMUsersInfoRsp info = ask(oscar.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        IMBuddy.IMUsersInfoReq.newBuilder().setUserId(0).addUserIdList(mallory.userId()).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_RESPONSE_VALUE, IMBuddy.IMUsersInfoRsp.parser());
    assertThat(info.getUserInfoList(0).getSignInfo()).isEqualTo("out fishing");
    assertThat(info.getUserInfoList(0).getAvatarUrl()).isEqualTo("http://img/m.png");
  }

  @Test
  void removedSessionDisappearsForThatUserAndTheirOtherDevicesAreTold() {
    Session peggy = loginPc("peggy");
    Session peggyMobile = login("peggy", ClientType.CLIENT_TYPE_ANDROID);
    Session trent = loginPc("trent");
    sendText(trent, peggy.userId(), "hi peggy");

    IMBuddy.IMRemoveSessionRsp removed = ask(peggy.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE, IMBuddy.IMRemoveSessionReq.newBuilder().setUserId(0)
            .setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE).setSessionId(trent.userId()).build(),
        BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_RES_VALUE, IMBuddy.IMRemoveSessionRsp.parser());
    assertThat(removed.getResultCode()).isZero();
    assertThat(removed.getSessionId()).isEqualTo(trent.userId());
    IMBuddy.IMRemoveSessionNotify notify = push(peggyMobile.client(),
        BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY_VALUE, IMBuddy.IMRemoveSessionNotify.parser());
    assertThat(notify.getSessionId()).isEqualTo(trent.userId());

    assertThat(recentSessions(peggy)).isEmpty();
    // removing a session clears its unread count, as TeamTalk does
    IMMessage.IMUnreadMsgCntRsp unread = ask(peggy.client(), ServiceID.SID_MSG_VALUE,
        IMBaseDefine.MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        IMBaseDefine.MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(unread.getTotalCnt()).isZero();
    assertThat(recentSessions(trent)).extracting(IMBaseDefine.ContactSessionInfo::getSessionId)
        .containsExactly(peggy.userId());
    sendText(trent, peggy.userId(), "are you there?");
    assertThat(recentSessions(peggy)).extracting(IMBaseDefine.ContactSessionInfo::getSessionId)
        .containsExactly(trent.userId());
  }

  @Test
  void mobileDeviceTokenIsStoredAndAnsweredWithTheUserId() {
    Session mobile = login("xavier", ClientType.CLIENT_TYPE_ANDROID);
    IMLogin.IMDeviceTokenRsp answer = ask(mobile.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE, IMLogin.IMDeviceTokenReq.newBuilder().setUserId(0)
            .setDeviceToken("android-token-1").build(),
        LoginCmdID.CID_LOGIN_RES_DEVICETOKEN_VALUE, IMLogin.IMDeviceTokenRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mobile.userId());

    // a PC client gets no answer, as from TeamTalk
    Session pc = loginPc("xavier");
    pc.client().send(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE,
        IMLogin.IMDeviceTokenReq.newBuilder().setUserId(0).setDeviceToken("pc").build());
    roundTrip(pc.client());
    assertThat(pc.client().pendingPushes()).extracting(Pdu::commandId)
        .doesNotContain(LoginCmdID.CID_LOGIN_RES_DEVICETOKEN_VALUE);
  }

  @Test
  void unsupportedCommandsAfterLoginAreIgnored() {
    Session victor = loginPc("victor");
    // a command id no TeamTalk service defines, and an unknown service
    victor.client().send(ServiceID.SID_BUDDY_LIST_VALUE, 0x02ff, IMOther.IMHeartBeat.getDefaultInstance());
    victor.client().send(0x7f, 0x7f01, IMOther.IMHeartBeat.getDefaultInstance());
    IMMessage.IMClientTimeRsp time = ask(victor.client(), ServiceID.SID_MSG_VALUE,
        IMBaseDefine.MessageCmdID.CID_MSG_TIME_REQUEST_VALUE, IMMessage.IMClientTimeReq.getDefaultInstance(),
        IMBaseDefine.MessageCmdID.CID_MSG_TIME_RESPONSE_VALUE, IMMessage.IMClientTimeRsp.parser());
    assertThat(time.getServerTime()).isGreaterThan(1_600_000_000);
  }

  private static List<IMBaseDefine.ContactSessionInfo> recentSessions(Session session) {
    return ask(session.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        IMBuddy.IMRecentContactSessionReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE,
        IMBuddy.IMRecentContactSessionRsp.parser()).getContactSessionListList();
  }
}
