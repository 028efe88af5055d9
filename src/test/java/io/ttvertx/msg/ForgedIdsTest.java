package io.ttvertx.msg;

import com.google.protobuf.ByteString;
import com.google.protobuf.ProtocolMessageEnum;
import io.ttvertx.bus.Addresses;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.GroupType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMBaseDefine.SwitchServiceCmdID;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMFile;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMSwitchService;
import io.ttvertx.support.FilePeer;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client command msg handles, sent by mallory with alice's ids written wherever the body has a
 * user id (user_id, from_user_id) and naming alice's sessions, group and offline file. Each one either
 * acts as mallory (the answer is mallory's) or is refused, and afterwards alice's unread counts, recent
 * sessions, history, group, shields, profile, device token and offline file are as they were.
 * {@link #everyDispatchedCommandHasACase()} compares the cases with CommandDispatcher's switch, so a new
 * command without a case here fails. {@link MysqlForgedIdsTest} runs the same on MySQL + Redis.
 */
public class ForgedIdsTest extends ServerTestBase {
  private static final Path DISPATCHER = Path.of("src/main/java/io/ttvertx/msg/CommandDispatcher.java");
  private static final String SECRET = "secret for alice";
  private static final String GROUP_SECRET = "group secret";
  private static final String VICTIM_TOKEN = "alice-device-token";

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig());
  }

  /** What the cases share: alice (the victim) with her state, bob her contact, mallory the forger. */
  private Session alice;
  private Session aliceMobile;
  private Session bob;
  private Session mallory;
  private Session malloryMobile;
  private int dave;
  private int groupId;
  private String offlineTaskId;
  private AliceState before;

  private record AliceState(int unreadTotal, List<Integer> recentSessions, List<String> historyWithBob,
                            List<String> groupHistory, int pushShield, JsonArray pushTargets, String avatar,
                            String signInfo, List<Integer> groupMembers, int groupShield, List<String> offlineFiles) {
  }

  @Test
  void everyDispatchedCommandHasACase() throws IOException {
    assertThat(cases().keySet()).containsExactlyInAnyOrderElementsOf(dispatchedCommands());
  }

  @TestFactory
  List<DynamicTest> forgedIdsActAsTheRealUserOrAreRefused() {
    setUpAlice();
    List<DynamicTest> tests = new ArrayList<>();
    cases().forEach((command, check) -> tests.add(DynamicTest.dynamicTest(
        "0x" + Integer.toHexString(command) + " with alice's ids", check::run)));
    tests.add(DynamicTest.dynamicTest("alice's data is as it was", () -> {
      assertThat(aliceState()).isEqualTo(before);
      roundTrip(alice.client());
      roundTrip(aliceMobile.client());
    }));
    return tests;
  }

  /** One command sent with forged ids, with what must come of it. */
  @FunctionalInterface
  private interface Case {
    void run();
  }

  private Map<Integer, Case> cases() {
    Map<Integer, Case> cases = new LinkedHashMap<>();
    cases.put(LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE, this::secondLoginOnAConnection);
    cases.put(LoginCmdID.CID_LOGIN_REQ_LOGINOUT_VALUE, this::logout);
    cases.put(LoginCmdID.CID_LOGIN_REQ_KICKPCCLIENT_VALUE, this::kickPcClient);
    cases.put(LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE, this::deviceToken);
    cases.put(LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE, this::pushShield);
    cases.put(LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE, this::queryPushShield);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE, this::recentSessions);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE, this::usersInfo);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE, this::removeSession);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE, this::allUsers);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE, this::usersStatus);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE, this::changeAvatar);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE, this::departments);
    cases.put(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE, this::changeSignInfo);
    cases.put(MessageCmdID.CID_MSG_DATA_VALUE, this::messageData);
    cases.put(MessageCmdID.CID_MSG_DATA_ACK_VALUE, this::deliveryAck);
    cases.put(MessageCmdID.CID_MSG_READ_ACK_VALUE, this::readAck);
    cases.put(MessageCmdID.CID_MSG_TIME_REQUEST_VALUE, this::time);
    cases.put(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, this::unreadCounts);
    cases.put(MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, this::messageList);
    cases.put(MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE, this::latestMessageId);
    cases.put(MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE, this::messagesById);
    cases.put(GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, this::normalGroups);
    cases.put(GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE, this::groupInfo);
    cases.put(GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, this::createGroup);
    cases.put(GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE, this::changeMembers);
    cases.put(GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE, this::groupShield);
    cases.put(FileCmdID.CID_FILE_REQUEST_VALUE, this::fileRequest);
    cases.put(FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, this::hasOfflineFiles);
    cases.put(FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE, this::addOfflineFile);
    cases.put(FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE, this::deleteOfflineFile);
    cases.put(SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE, this::p2pCommand);
    return cases;
  }

  /** The command ids of CommandDispatcher's switch ({@code case XxxCmdID.CID_..._VALUE ->}). */
  private static Set<Integer> dispatchedCommands() throws IOException {
    Matcher cases = Pattern.compile("case\\s+(\\w+)\\.(CID_\\w+)_VALUE\\s*->").matcher(Files.readString(DISPATCHER));
    Set<Integer> ids = new TreeSet<>();
    while (cases.find()) {
      try {
        Class<?> type = Class.forName(IMBaseDefine.class.getName() + "$" + cases.group(1));
        Object constant = type.getMethod("valueOf", String.class).invoke(null, cases.group(2));
        ids.add(((ProtocolMessageEnum) constant).getNumber());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot resolve " + cases.group(), e);
      }
    }
    assertThat(ids).as("commands found in " + DISPATCHER).hasSizeGreaterThan(20);
    return ids;
  }

  // ---- alice's state

  private void setUpAlice() {
    alice = loginPc("alice");
    aliceMobile = login("alice", ClientType.CLIENT_TYPE_ANDROID);
    bob = loginPc("bob");
    mallory = loginPc("mallory");
    malloryMobile = login("mallory", ClientType.CLIENT_TYPE_ANDROID);
    dave = userId("dave");

    aliceMobile.client().send(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE,
        IMLogin.IMDeviceTokenReq.newBuilder().setUserId(0).setDeviceToken(VICTIM_TOKEN)
            .setClientType(ClientType.CLIENT_TYPE_ANDROID).build());
    sendText(bob, alice.userId(), SECRET);
    IMGroup.IMGroupCreateRsp group = ask(alice.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, IMGroup.IMGroupCreateReq.newBuilder().setUserId(0)
            .setGroupType(GroupType.GROUP_TYPE_TMP).setGroupName("alice and bob").setGroupAvatar("")
            .addMemberIdList(bob.userId()).build(),
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, IMGroup.IMGroupCreateRsp.parser());
    assertThat(group.getResultCode()).isZero();
    groupId = group.getGroupId();
    assertThat(ask(bob.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(bob, groupId, MsgType.MSG_TYPE_GROUP_TEXT, GROUP_SECRET),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser()).getMsgId()).isEqualTo(1);
    offlineTaskId = uploadOfflineFile(bob, alice.userId());
    Poll.until(Duration.ofSeconds(10), () -> "bob's offline file listed for alice",
        () -> offlineFiles(alice).getOfflineFileListCount() == 1);
    Poll.until(Duration.ofSeconds(10), () -> "alice's device token stored",
        () -> !pushTargets(alice.userId()).isEmpty());
    before = aliceState();
    assertThat(before.unreadTotal()).isEqualTo(2);
    assertThat(before.recentSessions()).contains(bob.userId());
    assertThat(before.historyWithBob()).containsExactly(SECRET);
    assertThat(before.groupHistory()).containsExactly(GROUP_SECRET);
    assertThat(before.groupMembers()).containsExactlyInAnyOrder(alice.userId(), bob.userId());
    assertThat(before.offlineFiles()).containsExactly(offlineTaskId);
  }

  /** bob sends {@code to} a small offline file, uploaded whole to the file server and recorded. */
  private String uploadOfflineFile(Session from, int to) {
    byte[] file = "an offline file for alice".repeat(100).getBytes(StandardCharsets.UTF_8);
    IMFile.IMFileRsp response = ask(from.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_REQUEST_VALUE,
        IMFile.IMFileReq.newBuilder().setFromUserId(0).setToUserId(to).setFileName("notes.txt")
            .setFileSize(file.length).setTransMode(TransferFileType.FILE_TYPE_OFFLINE).build(),
        FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.parser());
    assertThat(response.getResultCode()).isZero();
    IMBaseDefine.IpAddr address = response.getIpAddrList(0);
    FilePeer uploader = new FilePeer(await(TeamTalkClient.connect(vertx, address.getIp(), address.getPort())));
    uploader.serve(file, from.userId());
    assertThat(uploader.login(from.userId(), response.getTaskId(), ClientFileRole.CLIENT_OFFLINE_UPLOAD)
        .getResultCode()).isZero();
    assertThat(uploader.nextState().getState()).isEqualTo(ClientFileState.CLIENT_FILE_DONE);
    uploader.awaitClosed();
    from.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
        IMFile.IMFileAddOfflineReq.newBuilder().setFromUserId(0).setToUserId(to).setTaskId(response.getTaskId())
            .setFileName("notes.txt").setFileSize(file.length).build());
    return response.getTaskId();
  }

  /** Everything of alice's that a forged request could read wrongly or change, as alice herself sees it. */
  private AliceState aliceState() {
    IMMessage.IMUnreadMsgCntRsp unread = unreadCounts(alice, 0);
    IMBuddy.IMRecentContactSessionRsp sessions = ask(alice.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        IMBuddy.IMRecentContactSessionReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE,
        IMBuddy.IMRecentContactSessionRsp.parser());
    IMLogin.IMQueryPushShieldRsp shield = ask(alice.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE,
        IMLogin.IMQueryPushShieldReq.newBuilder().setUserId(0).build(),
        LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldRsp.parser());
    IMBaseDefine.UserInfo profile = userInfo(bob, alice.userId());
    IMBaseDefine.GroupInfo group = groupInfo(alice, 0).getGroupInfoList(0);
    return new AliceState(unread.getTotalCnt(),
        sessions.getContactSessionListList().stream().map(IMBaseDefine.ContactSessionInfo::getSessionId).sorted()
            .toList(),
        texts(messageList(alice, 0, SessionType.SESSION_TYPE_SINGLE, bob.userId())),
        texts(messageList(alice, 0, SessionType.SESSION_TYPE_GROUP, groupId)),
        shield.getShieldStatus(), pushTargets(alice.userId()), profile.getAvatarUrl(), profile.getSignInfo(),
        group.getGroupMemberListList().stream().sorted().toList(), group.getShieldStatus(),
        offlineFiles(alice).getOfflineFileListList().stream().map(IMBaseDefine.OfflineFileInfo::getTaskId).toList());
  }

  /** The push verticle's view of a user's devices: token and client type (the db proxy's answer). */
  private static JsonArray pushTargets(int userId) {
    JsonObject message = new JsonObject().put("from", 0).put("group", 0).put("users", new JsonArray().add(userId));
    return await(vertx.eventBus().<JsonObject>request(Addresses.DB_PUSH_TARGETS,
        new JsonObject().put("messages", new JsonArray().add(message)))).body()
        .getJsonArray("results").getJsonObject(0).getJsonArray("targets");
  }

  // ---- login service

  /** A spare login of another user (a second PC login of mallory would kick mallory's PC). */
  private void secondLoginOnAConnection() {
    Session spare = loginPc("trent");
    spare.client().send(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE,
        IMLogin.IMLoginReq.newBuilder().setUserName("alice").setPassword(TeamTalkClient.passwordDigest("guess"))
            .setOnlineStatus(IMBaseDefine.UserStatType.USER_STATUS_ONLINE).setClientType(ClientType.CLIENT_TYPE_WINDOWS)
            .setClientVersion("forger").build());
    await(spare.client().closed());
  }

  private void logout() {
    Session spare = loginPc("trent");
    Pdu answer = await(spare.client().request(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_REQ_LOGINOUT_VALUE,
        IMLogin.IMLogoutReq.getDefaultInstance()));
    assertThat(answer.commandId()).isEqualTo(LoginCmdID.CID_LOGIN_RES_LOGINOUT_VALUE);
    await(spare.client().closed());
    assertThat(alice.client().isClosed()).isFalse();
  }

  /** oscar's phone asks to kick alice's PC: oscar's own PC goes, alice's stays. */
  private void kickPcClient() {
    Session oscarPc = loginPc("oscar");
    Session oscarMobile = login("oscar", ClientType.CLIENT_TYPE_IOS);
    IMLogin.IMKickPCClientRsp answer = ask(oscarMobile.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_KICKPCCLIENT_VALUE, IMLogin.IMKickPCClientReq.newBuilder().setUserId(alice.userId())
            .build(), LoginCmdID.CID_LOGIN_RES_KICKPCCLIENT_VALUE, IMLogin.IMKickPCClientRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(oscarMobile.userId());
    assertThat(answer.getResultCode()).isZero();
    await(oscarPc.client().closed());
    roundTrip(alice.client());
  }

  /** mallory's token is stored as mallory's, of mallory's client type, whatever user and type the body names. */
  private void deviceToken() {
    IMLogin.IMDeviceTokenRsp answer = ask(malloryMobile.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE, IMLogin.IMDeviceTokenReq.newBuilder().setUserId(alice.userId())
            .setDeviceToken("mallory-token").setClientType(ClientType.CLIENT_TYPE_IOS).build(),
        LoginCmdID.CID_LOGIN_RES_DEVICETOKEN_VALUE, IMLogin.IMDeviceTokenRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    JsonArray mallorys = pushTargets(mallory.userId());
    assertThat(mallorys).hasSize(1);
    assertThat(mallorys.getJsonObject(0).getString("token")).isEqualTo("mallory-token");
    assertThat(mallorys.getJsonObject(0).getInteger("clientType")).isEqualTo(ClientType.CLIENT_TYPE_ANDROID_VALUE);
    assertThat(pushTargets(alice.userId()).getJsonObject(0).getString("token")).isEqualTo(VICTIM_TOKEN);
  }

  private void pushShield() {
    IMLogin.IMPushShieldRsp answer = ask(mallory.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE, IMLogin.IMPushShieldReq.newBuilder().setUserId(alice.userId())
            .setShieldStatus(1).build(), LoginCmdID.CID_LOGIN_RES_PUSH_SHIELD_VALUE, IMLogin.IMPushShieldRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getShieldStatus()).isEqualTo(1);
  }

  private void queryPushShield() {
    IMLogin.IMQueryPushShieldRsp answer = ask(mallory.client(), ServiceID.SID_LOGIN_VALUE,
        LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE,
        IMLogin.IMQueryPushShieldReq.newBuilder().setUserId(alice.userId()).build(),
        LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE, IMLogin.IMQueryPushShieldRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getShieldStatus()).as("mallory's own shield, set by the push shield case").isEqualTo(1);
  }

  // ---- buddy list

  private void recentSessions() {
    IMBuddy.IMRecentContactSessionRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        IMBuddy.IMRecentContactSessionReq.newBuilder().setUserId(alice.userId()).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE,
        IMBuddy.IMRecentContactSessionRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getContactSessionListList()).extracting(IMBaseDefine.ContactSessionInfo::getSessionId)
        .doesNotContain(bob.userId(), groupId);
  }

  /** Profiles are everyone's to read (as in TeamTalk); the answer is still addressed to mallory. */
  private void usersInfo() {
    IMBuddy.IMUsersInfoRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        IMBuddy.IMUsersInfoReq.newBuilder().setUserId(alice.userId()).addUserIdList(alice.userId()).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_RESPONSE_VALUE, IMBuddy.IMUsersInfoRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
  }

  private void removeSession() {
    for (Map.Entry<SessionType, Integer> session : alicesSessions()) {
      IMBuddy.IMRemoveSessionRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
          BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE, IMBuddy.IMRemoveSessionReq.newBuilder()
              .setUserId(alice.userId()).setSessionType(session.getKey()).setSessionId(session.getValue()).build(),
          BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_RES_VALUE, IMBuddy.IMRemoveSessionRsp.parser());
      assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    }
    assertThat(aliceState()).isEqualTo(before);
  }

  private void allUsers() {
    IMBuddy.IMAllUserRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(alice.userId()).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE, IMBuddy.IMAllUserRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
  }

  private void usersStatus() {
    IMBuddy.IMUsersStatRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE,
        IMBuddy.IMUsersStatReq.newBuilder().setUserId(alice.userId()).addUserIdList(alice.userId()).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_RESPONSE_VALUE, IMBuddy.IMUsersStatRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
  }

  /** mallory's avatar changes, announced as mallory's; alice's stays. */
  private void changeAvatar() {
    IMBuddy.IMChangeAvatarRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
        IMBuddy.IMChangeAvatarReq.newBuilder().setUserId(alice.userId()).setAvatarUrl("http://forged/avatar.png")
            .build(),
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE_VALUE, IMBuddy.IMChangeAvatarRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getResultCode()).isZero();
    assertThat(push(bob.client(), BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE,
        IMBuddy.IMAvatarChangedNotify.parser()).getChangedUserId()).isEqualTo(mallory.userId());
    assertThat(userInfo(bob, mallory.userId()).getAvatarUrl()).isEqualTo("http://forged/avatar.png");
    assertThat(userInfo(bob, alice.userId()).getAvatarUrl()).isEqualTo(before.avatar());
  }

  private void departments() {
    IMBuddy.IMDepartmentRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE,
        IMBuddy.IMDepartmentReq.newBuilder().setUserId(alice.userId()).setLatestUpdateTime(0).build(),
        BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_RESPONSE_VALUE, IMBuddy.IMDepartmentRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
  }

  private void changeSignInfo() {
    IMBuddy.IMChangeSignInfoRsp answer = ask(mallory.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE,
        IMBuddy.IMChangeSignInfoReq.newBuilder().setUserId(alice.userId()).setSignInfo("forged sign").build(),
        BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE_VALUE, IMBuddy.IMChangeSignInfoRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(push(bob.client(), BuddyListCmdID.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY_VALUE,
        IMBuddy.IMSignInfoChangedNotify.parser()).getChangedUserId()).isEqualTo(mallory.userId());
    assertThat(userInfo(bob, alice.userId()).getSignInfo()).isEqualTo(before.signInfo());
  }

  // ---- messages

  /**
   * A 1:1 message "from alice" to dave is stored and delivered as mallory's; one "from alice" to
   * alice's group, which mallory is not in, is refused (no ack) and reaches nobody.
   */
  private void messageData() {
    Session daveOnPc = loginPc("dave");
    IMMessage.IMMsgData forged = IMMessage.IMMsgData.newBuilder().setFromUserId(alice.userId()).setToSessionId(dave)
        .setMsgId(0).setCreateTime(0).setMsgType(MsgType.MSG_TYPE_SINGLE_TEXT)
        .setMsgData(ByteString.copyFromUtf8("from \"alice\"")).build();
    IMMessage.IMMsgDataAck ack = ask(mallory.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, forged,
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    assertThat(ack.getUserId()).isEqualTo(mallory.userId());
    IMMessage.IMMsgData copy = receiveMessage(daveOnPc);
    assertThat(copy.getFromUserId()).isEqualTo(mallory.userId());
    assertThat(messageList(daveOnPc, 0, SessionType.SESSION_TYPE_SINGLE, mallory.userId()).getMsgList(0)
        .getFromSessionId()).isEqualTo(mallory.userId());
    assertThat(messageList(daveOnPc, 0, SessionType.SESSION_TYPE_SINGLE, alice.userId()).getMsgListCount()).isZero();

    mallory.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, forged.toBuilder()
        .setToSessionId(groupId).setMsgType(MsgType.MSG_TYPE_GROUP_TEXT).build());
    roundTrip(mallory.client());
    roundTrip(bob.client());
    assertThat(mallory.client().pendingPushes()).extracting(Pdu::commandId)
        .doesNotContain(MessageCmdID.CID_MSG_DATA_ACK_VALUE);
    assertThat(bob.client().pendingPushes()).extracting(Pdu::commandId).doesNotContain(MessageCmdID.CID_MSG_DATA_VALUE);
  }

  /** A receiver's delivery ack changes nothing, whoever it names. */
  private void deliveryAck() {
    mallory.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.newBuilder().setUserId(alice.userId()).setSessionId(bob.userId()).setMsgId(1)
            .setSessionType(SessionType.SESSION_TYPE_SINGLE).build());
    roundTrip(mallory.client());
    assertThat(unreadCounts(alice, 0).getTotalCnt()).isEqualTo(before.unreadTotal());
  }

  /** "alice has read bob's message and the group": mallory's own read marks; alice still has both unread. */
  private void readAck() {
    for (Map.Entry<SessionType, Integer> session : alicesSessions()) {
      mallory.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_READ_ACK_VALUE,
          IMMessage.IMMsgDataReadAck.newBuilder().setUserId(alice.userId()).setSessionId(session.getValue())
              .setMsgId(1).setSessionType(session.getKey()).build());
      IMMessage.IMMsgDataReadNotify notify = push(malloryMobile.client(), MessageCmdID.CID_MSG_READ_NOTIFY_VALUE,
          IMMessage.IMMsgDataReadNotify.parser());
      assertThat(notify.getUserId()).isEqualTo(mallory.userId());
    }
    roundTrip(mallory.client());
    assertThat(unreadCounts(alice, 0).getTotalCnt()).isEqualTo(before.unreadTotal());
    roundTrip(aliceMobile.client());
    assertThat(aliceMobile.client().pendingPushes()).extracting(Pdu::commandId)
        .doesNotContain(MessageCmdID.CID_MSG_READ_NOTIFY_VALUE);
  }

  private void time() {
    IMMessage.IMClientTimeRsp answer = ask(mallory.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_TIME_REQUEST_VALUE, IMMessage.IMClientTimeReq.getDefaultInstance(),
        MessageCmdID.CID_MSG_TIME_RESPONSE_VALUE, IMMessage.IMClientTimeRsp.parser());
    assertThat(answer.getServerTime()).isPositive();
  }

  private void unreadCounts() {
    IMMessage.IMUnreadMsgCntRsp answer = unreadCounts(mallory, alice.userId());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getUnreadinfoListList()).extracting(IMBaseDefine.UnreadInfo::getSessionId)
        .doesNotContain(bob.userId(), groupId);
  }

  private void messageList() {
    IMMessage.IMGetMsgListRsp single = messageList(mallory, alice.userId(), SessionType.SESSION_TYPE_SINGLE,
        bob.userId());
    assertThat(single.getUserId()).isEqualTo(mallory.userId());
    assertThat(single.getMsgListList()).isEmpty();
    IMMessage.IMGetMsgListRsp group = messageList(mallory, alice.userId(), SessionType.SESSION_TYPE_GROUP, groupId);
    assertThat(group.getUserId()).isEqualTo(mallory.userId());
    assertThat(group.getMsgListList()).isEmpty();
  }

  private void latestMessageId() {
    for (Map.Entry<SessionType, Integer> session : alicesSessions()) {
      IMMessage.IMGetLatestMsgIdRsp answer = ask(mallory.client(), ServiceID.SID_MSG_VALUE,
          MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE, IMMessage.IMGetLatestMsgIdReq.newBuilder()
              .setUserId(alice.userId()).setSessionType(session.getKey()).setSessionId(session.getValue()).build(),
          MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_RSP_VALUE, IMMessage.IMGetLatestMsgIdRsp.parser());
      assertThat(answer.getUserId()).isEqualTo(mallory.userId());
      assertThat(answer.getLatestMsgId()).as("latest id of mallory's " + session).isZero();
    }
  }

  private void messagesById() {
    for (Map.Entry<SessionType, Integer> session : alicesSessions()) {
      IMMessage.IMGetMsgByIdRsp answer = ask(mallory.client(), ServiceID.SID_MSG_VALUE,
          MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE, IMMessage.IMGetMsgByIdReq.newBuilder()
              .setUserId(alice.userId()).setSessionType(session.getKey()).setSessionId(session.getValue())
              .addMsgIdList(1).build(),
          MessageCmdID.CID_MSG_GET_BY_MSG_ID_RES_VALUE, IMMessage.IMGetMsgByIdRsp.parser());
      assertThat(answer.getUserId()).isEqualTo(mallory.userId());
      assertThat(answer.getMsgListList()).isEmpty();
    }
  }

  // ---- groups

  private void normalGroups() {
    IMGroup.IMNormalGroupListRsp answer = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, IMGroup.IMNormalGroupListReq.newBuilder()
            .setUserId(alice.userId()).build(),
        GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE, IMGroup.IMNormalGroupListRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getGroupVersionListList()).isEmpty();
  }

  private void groupInfo() {
    IMGroup.IMGroupInfoListRsp answer = groupInfo(mallory, alice.userId());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getGroupInfoListList()).isEmpty();
  }

  /** A group "created by alice" is mallory's; a normal group (for the administration only) is refused. */
  private void createGroup() {
    IMGroup.IMGroupCreateReq forged = IMGroup.IMGroupCreateReq.newBuilder().setUserId(alice.userId())
        .setGroupType(GroupType.GROUP_TYPE_TMP).setGroupName("alice's?").setGroupAvatar("")
        .addMemberIdList(bob.userId()).build();
    IMGroup.IMGroupCreateRsp created = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, forged, GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE,
        IMGroup.IMGroupCreateRsp.parser());
    assertThat(created.getUserId()).isEqualTo(mallory.userId());
    assertThat(created.getResultCode()).isZero();
    assertThat(created.getUserIdListList()).containsExactlyInAnyOrder(mallory.userId(), bob.userId());
    IMGroup.IMGroupInfoListRsp info = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE, IMGroup.IMGroupInfoListReq.newBuilder().setUserId(0)
            .addGroupVersionList(IMBaseDefine.GroupVersionInfo.newBuilder().setGroupId(created.getGroupId())
                .setVersion(0)).build(),
        GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE, IMGroup.IMGroupInfoListRsp.parser());
    assertThat(info.getGroupInfoList(0).getGroupCreatorId()).isEqualTo(mallory.userId());

    IMGroup.IMGroupCreateRsp normal = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, forged.toBuilder().setGroupType(GroupType.GROUP_TYPE_NORMAL).build(),
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, IMGroup.IMGroupCreateRsp.parser());
    assertThat(normal.getUserId()).isEqualTo(mallory.userId());
    assertThat(normal.getResultCode()).isEqualTo(1);
  }

  /** "alice, the creator, adds mallory" and "alice removes bob": refused, mallory is no member. */
  private void changeMembers() {
    for (var change : List.of(Map.entry(GroupModifyType.GROUP_MODIFY_TYPE_ADD, mallory.userId()),
        Map.entry(GroupModifyType.GROUP_MODIFY_TYPE_DEL, bob.userId()))) {
      IMGroup.IMGroupChangeMemberRsp answer = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
          GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE, IMGroup.IMGroupChangeMemberReq.newBuilder()
              .setUserId(alice.userId()).setChangeType(change.getKey()).setGroupId(groupId)
              .addMemberIdList(change.getValue()).build(),
          GroupCmdID.CID_GROUP_CHANGE_MEMBER_RESPONSE_VALUE, IMGroup.IMGroupChangeMemberRsp.parser());
      assertThat(answer.getUserId()).isEqualTo(mallory.userId());
      assertThat(answer.getResultCode()).isEqualTo(1);
    }
  }

  private void groupShield() {
    IMGroup.IMGroupShieldRsp answer = ask(mallory.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE, IMGroup.IMGroupShieldReq.newBuilder().setUserId(alice.userId())
            .setGroupId(groupId).setShieldStatus(1).build(),
        GroupCmdID.CID_GROUP_SHIELD_GROUP_RESPONSE_VALUE, IMGroup.IMGroupShieldRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getResultCode()).isEqualTo(1);
  }

  // ---- files

  private void fileRequest() {
    IMFile.IMFileRsp answer = ask(mallory.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_REQUEST_VALUE,
        IMFile.IMFileReq.newBuilder().setFromUserId(alice.userId()).setToUserId(bob.userId()).setFileName("a.txt")
            .setFileSize(10).setTransMode(TransferFileType.FILE_TYPE_OFFLINE).build(),
        FileCmdID.CID_FILE_RESPONSE_VALUE, IMFile.IMFileRsp.parser());
    assertThat(answer.getResultCode()).isZero();
    assertThat(answer.getFromUserId()).isEqualTo(mallory.userId());
  }

  private void hasOfflineFiles() {
    IMFile.IMFileHasOfflineRsp answer = ask(mallory.client(), ServiceID.SID_FILE_VALUE,
        FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE, IMFile.IMFileHasOfflineReq.newBuilder().setUserId(alice.userId())
            .build(), FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(mallory.userId());
    assertThat(answer.getOfflineFileListList()).isEmpty();
  }

  /** Announcing bob's upload to alice as if mallory were bob, or to mallory: nothing is recorded. */
  private void addOfflineFile() {
    for (int receiver : List.of(alice.userId(), mallory.userId())) {
      mallory.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE,
          IMFile.IMFileAddOfflineReq.newBuilder().setFromUserId(bob.userId()).setToUserId(receiver)
              .setTaskId(offlineTaskId).setFileName("notes.txt").setFileSize(1).build());
    }
    roundTrip(mallory.client());
    assertThat(offlineFiles(mallory).getOfflineFileListList()).isEmpty();
    assertThat(offlineFiles(alice).getOfflineFileListList()).extracting(IMBaseDefine.OfflineFileInfo::getTaskId)
        .containsExactly(offlineTaskId);
  }

  private void deleteOfflineFile() {
    mallory.client().send(ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE,
        IMFile.IMFileDelOfflineReq.newBuilder().setFromUserId(bob.userId()).setToUserId(alice.userId())
            .setTaskId(offlineTaskId).build());
    roundTrip(mallory.client());
    assertThat(offlineFiles(alice).getOfflineFileListList()).extracting(IMBaseDefine.OfflineFileInfo::getTaskId)
        .containsExactly(offlineTaskId);
  }

  // ---- peer to peer

  private void p2pCommand() {
    mallory.client().send(ServiceID.SID_SWITCH_SERVICE_VALUE, SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE,
        IMSwitchService.IMP2PCmdMsg.newBuilder().setFromUserId(alice.userId()).setToUserId(bob.userId())
            .setCmdMsgData("{\"typing\":1}").build());
    IMSwitchService.IMP2PCmdMsg relayed = push(bob.client(), SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE,
        IMSwitchService.IMP2PCmdMsg.parser());
    assertThat(relayed.getFromUserId()).isEqualTo(mallory.userId());
  }

  // ---- requests as a client writes them

  /** alice's conversation with bob and her group, by session type and id. */
  private List<Map.Entry<SessionType, Integer>> alicesSessions() {
    return List.of(Map.entry(SessionType.SESSION_TYPE_SINGLE, bob.userId()),
        Map.entry(SessionType.SESSION_TYPE_GROUP, groupId));
  }

  private static IMMessage.IMUnreadMsgCntRsp unreadCounts(Session session, int claimedUserId) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(claimedUserId).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
  }

  private static IMMessage.IMGetMsgListRsp messageList(Session session, int claimedUserId, SessionType type,
                                                       int sessionId) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
        IMMessage.IMGetMsgListReq.newBuilder().setUserId(claimedUserId).setSessionType(type).setSessionId(sessionId)
            .setMsgIdBegin(0).setMsgCnt(20).build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
  }

  private static List<String> texts(IMMessage.IMGetMsgListRsp list) {
    return list.getMsgListList().stream().map(message -> text(message.getMsgData())).toList();
  }

  private IMGroup.IMGroupInfoListRsp groupInfo(Session session, int claimedUserId) {
    return ask(session.client(), ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE,
        IMGroup.IMGroupInfoListReq.newBuilder().setUserId(claimedUserId).addGroupVersionList(
            IMBaseDefine.GroupVersionInfo.newBuilder().setGroupId(groupId).setVersion(0)).build(),
        GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE, IMGroup.IMGroupInfoListRsp.parser());
  }

  private static IMBaseDefine.UserInfo userInfo(Session asker, int userId) {
    return ask(asker.client(), ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        IMBuddy.IMUsersInfoReq.newBuilder().setUserId(0).addUserIdList(userId).build(),
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_RESPONSE_VALUE, IMBuddy.IMUsersInfoRsp.parser()).getUserInfoList(0);
  }

  private static IMFile.IMFileHasOfflineRsp offlineFiles(Session session) {
    return ask(session.client(), ServiceID.SID_FILE_VALUE, FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE,
        IMFile.IMFileHasOfflineReq.newBuilder().setUserId(0).build(),
        FileCmdID.CID_FILE_HAS_OFFLINE_RES_VALUE, IMFile.IMFileHasOfflineRsp.parser());
  }
}
