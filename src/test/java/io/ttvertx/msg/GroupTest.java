package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.GroupType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.Store;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Groups end to end over TCP on the embedded store, the way TeamTalk's clients use them: temporary
 * groups created by clients, normal groups from administration, group messages to every member's
 * connections, group unread counts, history, membership changes with their notify, and the push
 * shield. {@link MysqlGroupTest} runs the same on MySQL + Redis.
 */
public class GroupTest extends ServerTestBase {
  static final String NORMAL_GROUP = "All hands";

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig(), GroupTest::createNormalGroup);
  }

  /** A normal group created by the administration (creator 0) with alice, bob and carol. */
  static io.vertx.core.Future<?> createNormalGroup(Store store) {
    return store.listUsers().compose(users -> store.createGroup(0, NORMAL_GROUP, "", Store.GROUP_TYPE_NORMAL,
        users.stream().filter(u -> List.of("alice", "bob", "carol").contains(u.name())).map(u -> u.id()).toList()));
  }

  static IMGroup.IMGroupCreateRsp createGroup(Session creator, String name, List<Integer> members) {
    return ask(creator.client(), ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE,
        IMGroup.IMGroupCreateReq.newBuilder().setUserId(0).setGroupType(GroupType.GROUP_TYPE_TMP)
            .setGroupName(name).setGroupAvatar("").addAllMemberIdList(members).build(),
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, IMGroup.IMGroupCreateRsp.parser());
  }

  static IMMessage.IMMsgData groupText(Session from, int groupId, String text) {
    return textMessage(from, groupId, IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT, text);
  }


  static IMMessage.IMMsgDataAck sendGroupText(Session from, int groupId, String text) {
    return ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, groupText(from, groupId, text),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
  }

  static List<IMBaseDefine.GroupInfo> groupInfo(Session session, int groupId, int heldVersion) {
    return ask(session.client(), ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE,
        IMGroup.IMGroupInfoListReq.newBuilder().setUserId(0).addGroupVersionList(
            IMBaseDefine.GroupVersionInfo.newBuilder().setGroupId(groupId).setVersion(heldVersion)).build(),
        GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE, IMGroup.IMGroupInfoListRsp.parser()).getGroupInfoListList();
  }

  static IMGroup.IMGroupChangeMemberRsp changeMembers(Session session, int groupId, GroupModifyType type,
                                                      List<Integer> members) {
    return ask(session.client(), ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE,
        IMGroup.IMGroupChangeMemberReq.newBuilder().setUserId(0).setChangeType(type).setGroupId(groupId)
            .addAllMemberIdList(members).build(),
        GroupCmdID.CID_GROUP_CHANGE_MEMBER_RESPONSE_VALUE, IMGroup.IMGroupChangeMemberRsp.parser());
  }

  static IMBaseDefine.UnreadInfo groupUnread(Session session, int groupId) {
    IMMessage.IMUnreadMsgCntRsp unread = ask(session.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
    return unread.getUnreadinfoListList().stream()
        .filter(u -> u.getSessionType() == SessionType.SESSION_TYPE_GROUP && u.getSessionId() == groupId)
        .findFirst().orElse(null);
  }

  @Test
  void aTemporaryGroupIsCreatedByAClientAndItsMessagesReachEveryMembersDevices() {
    Session alicePc = loginPc("alice");
    Session aliceMobile = login("alice", ClientType.CLIENT_TYPE_ANDROID);
    Session bobPc = loginPc("bob");
    Session bobMobile = login("bob", ClientType.CLIENT_TYPE_IOS);
    Session carol = loginPc("carol");
    Session dave = loginPc("dave");

    IMGroup.IMGroupCreateRsp created = createGroup(alicePc, "lunch", List.of(bobPc.userId(), carol.userId()));
    assertThat(created.getResultCode()).isZero();
    assertThat(created.getUserId()).isEqualTo(alicePc.userId());
    assertThat(created.getGroupName()).isEqualTo("lunch");
    assertThat(created.getUserIdListList())
        .containsExactlyInAnyOrder(alicePc.userId(), bobPc.userId(), carol.userId());
    int groupId = created.getGroupId();
    assertThat(groupId).isPositive();

    List<IMBaseDefine.GroupInfo> info = groupInfo(bobPc, groupId, 0);
    assertThat(info).hasSize(1);
    assertThat(info.get(0).getGroupName()).isEqualTo("lunch");
    assertThat(info.get(0).getGroupType()).isEqualTo(GroupType.GROUP_TYPE_TMP);
    assertThat(info.get(0).getGroupCreatorId()).isEqualTo(alicePc.userId());
    assertThat(info.get(0).getVersion()).isEqualTo(1);
    assertThat(info.get(0).getGroupMemberListList())
        .containsExactlyInAnyOrder(alicePc.userId(), bobPc.userId(), carol.userId());
    assertThat(groupInfo(bobPc, groupId, 1)).as("nothing newer than the version held").isEmpty();
    assertThat(groupInfo(dave, groupId, 0)).as("a non-member learns nothing").isEmpty();

    IMMessage.IMMsgDataAck ack = sendGroupText(alicePc, groupId, "pizza?");
    assertThat(ack.getSessionType()).isEqualTo(SessionType.SESSION_TYPE_GROUP);
    assertThat(ack.getSessionId()).isEqualTo(groupId);
    assertThat(ack.getMsgId()).isEqualTo(1);
    for (Session receiver : List.of(bobPc, bobMobile, carol, aliceMobile)) {
      IMMessage.IMMsgData copy = receiveMessage(receiver);
      assertThat(copy.getFromUserId()).isEqualTo(alicePc.userId());
      assertThat(copy.getToSessionId()).isEqualTo(groupId);
      assertThat(copy.getMsgType()).isEqualTo(IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT);
      assertThat(copy.getMsgId()).isEqualTo(1);
      assertThat(text(copy.getMsgData())).isEqualTo("pizza?");
    }
    assertThat(sendGroupText(carol, groupId, "yes").getMsgId()).isEqualTo(2);
    assertThat(text(receiveMessage(alicePc).getMsgData())).isEqualTo("yes");
    roundTrip(alicePc.client());
    roundTrip(dave.client());
    assertThat(dave.client().pendingPushes()).noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);
    assertThat(carol.client().pendingPushes()).noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);
  }

  @Test
  void aNonMemberCannotPostReadOrShieldAGroup() {
    Session alice = loginPc("alice");
    Session erin = loginPc("erin");
    int groupId = createGroup(alice, "private", List.of()).getGroupId();
    sendGroupText(alice, groupId, "secret");

    erin.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, groupText(erin, groupId, "let me in"));
    IMMessage.IMGetMsgListRsp history = ask(erin.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, IMMessage.IMGetMsgListReq.newBuilder().setUserId(alice.userId())
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).setMsgIdBegin(0).setMsgCnt(10)
            .build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
    assertThat(history.getMsgListList()).isEmpty();
    assertThat(erin.client().pendingPushes()).as("no ack for a refused message")
        .noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_ACK_VALUE);
    IMMessage.IMGetMsgByIdRsp byId = ask(erin.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE, IMMessage.IMGetMsgByIdReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).addMsgIdList(1).build(),
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_RES_VALUE, IMMessage.IMGetMsgByIdRsp.parser());
    assertThat(byId.getMsgListList()).isEmpty();
    IMGroup.IMGroupShieldRsp shield = ask(erin.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE, IMGroup.IMGroupShieldReq.newBuilder().setUserId(0)
            .setGroupId(groupId).setShieldStatus(1).build(),
        GroupCmdID.CID_GROUP_SHIELD_GROUP_RESPONSE_VALUE, IMGroup.IMGroupShieldRsp.parser());
    assertThat(shield.getResultCode()).isEqualTo(1);
    assertThat(changeMembers(erin, groupId, GroupModifyType.GROUP_MODIFY_TYPE_ADD, List.of(erin.userId()))
        .getResultCode()).as("a non-member cannot add themselves").isEqualTo(1);
    assertThat(sendGroupText(alice, groupId, "still private").getMsgId()).as("the refused message took no id")
        .isEqualTo(2);
  }

  @Test
  void offlineMembersFindUnreadCountsHistoryAndTheSendersRecentSession() {
    Session frank = loginPc("frank");
    int grace = userId("grace");
    int groupId = createGroup(frank, "news", List.of(grace)).getGroupId();
    for (int i = 1; i <= 3; i++) {
      assertThat(sendGroupText(frank, groupId, "item " + i).getMsgId()).isEqualTo(i);
    }
    assertThat(groupUnread(frank, groupId)).as("the sender has read their own messages").isNull();

    IMBuddy.IMRecentContactSessionRsp recent = ask(frank.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        IMBuddy.IMRecentContactSessionReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE,
        IMBuddy.IMRecentContactSessionRsp.parser());
    IMBaseDefine.ContactSessionInfo session = recent.getContactSessionListList().stream()
        .filter(s -> s.getSessionType() == SessionType.SESSION_TYPE_GROUP && s.getSessionId() == groupId)
        .findFirst().orElseThrow();
    assertThat(session.getLatestMsgId()).isEqualTo(3);
    assertThat(text(session.getLatestMsgData())).isEqualTo("item 3");
    assertThat(session.getLatestMsgFromUserId()).isEqualTo(frank.userId());

    Session graceMobile = login("grace", ClientType.CLIENT_TYPE_ANDROID);
    IMBaseDefine.UnreadInfo unread = groupUnread(graceMobile, groupId);
    assertThat(unread.getUnreadCnt()).isEqualTo(3);
    assertThat(unread.getLatestMsgId()).isEqualTo(3);
    assertThat(text(unread.getLatestMsgData())).isEqualTo("item 3");
    assertThat(unread.getLatestMsgType()).isEqualTo(IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT);
    assertThat(unread.getLatestMsgFromUserId()).isEqualTo(frank.userId());

    IMMessage.IMGetMsgListRsp newest = ask(graceMobile.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, IMMessage.IMGetMsgListReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).setMsgIdBegin(0).setMsgCnt(2)
            .build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
    assertThat(newest.getSessionType()).isEqualTo(SessionType.SESSION_TYPE_GROUP);
    assertThat(newest.getMsgListList()).extracting(IMBaseDefine.MsgInfo::getMsgId).containsExactly(3, 2);
    assertThat(newest.getMsgList(0).getFromSessionId()).isEqualTo(frank.userId());
    IMMessage.IMGetMsgListRsp older = ask(graceMobile.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, IMMessage.IMGetMsgListReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).setMsgIdBegin(1).setMsgCnt(10)
            .build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
    assertThat(older.getMsgListList()).extracting(IMBaseDefine.MsgInfo::getMsgId).containsExactly(1);
    IMMessage.IMGetLatestMsgIdRsp latest = ask(graceMobile.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE, IMMessage.IMGetLatestMsgIdReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).build(),
        MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_RSP_VALUE, IMMessage.IMGetLatestMsgIdRsp.parser());
    assertThat(latest.getLatestMsgId()).isEqualTo(3);
    IMMessage.IMGetMsgByIdRsp byId = ask(graceMobile.client(), ServiceID.SID_MSG_VALUE,
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE, IMMessage.IMGetMsgByIdReq.newBuilder().setUserId(0)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).addMsgIdList(2).addMsgIdList(9)
            .build(),
        MessageCmdID.CID_MSG_GET_BY_MSG_ID_RES_VALUE, IMMessage.IMGetMsgByIdRsp.parser());
    assertThat(byId.getMsgListList()).extracting(m -> text(m.getMsgData())).containsExactly("item 2");

    Session gracePc = loginPc("grace");
    graceMobile.client().send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(0).setSessionId(groupId).setMsgId(3)
            .setSessionType(SessionType.SESSION_TYPE_GROUP).build());
    IMMessage.IMMsgDataReadNotify notify = push(gracePc.client(), MessageCmdID.CID_MSG_READ_NOTIFY_VALUE,
        IMMessage.IMMsgDataReadNotify.parser());
    assertThat(notify.getSessionType()).isEqualTo(SessionType.SESSION_TYPE_GROUP);
    assertThat(notify.getSessionId()).isEqualTo(groupId);
    assertThat(groupUnread(graceMobile, groupId)).isNull();

    sendGroupText(frank, groupId, "item 4");
    assertThat(groupUnread(gracePc, groupId).getUnreadCnt()).isEqualTo(1);
    IMBuddy.IMRemoveSessionRsp removed = ask(gracePc.client(), ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE, IMBuddy.IMRemoveSessionReq.newBuilder()
            .setUserId(0).setSessionType(SessionType.SESSION_TYPE_GROUP).setSessionId(groupId).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_RES_VALUE, IMBuddy.IMRemoveSessionRsp.parser());
    assertThat(removed.getResultCode()).isZero();
    assertThat(groupUnread(gracePc, groupId)).as("removing the session clears its unread count").isNull();
  }

  @Test
  void membersAreAddedAndRemovedWithANotifyToEveryoneConcerned() {
    Session heidiPc = loginPc("heidi");
    Session heidiMobile = login("heidi", ClientType.CLIENT_TYPE_IOS);
    Session ivan = loginPc("ivan");
    Session judy = loginPc("judy");
    Session mallory = loginPc("mallory");
    int groupId = createGroup(heidiPc, "project", List.of(ivan.userId())).getGroupId();

    IMGroup.IMGroupChangeMemberRsp added = changeMembers(ivan, groupId, GroupModifyType.GROUP_MODIFY_TYPE_ADD,
        List.of(judy.userId(), heidiPc.userId()));
    assertThat(added.getResultCode()).as("any member may add to a temporary group").isZero();
    assertThat(added.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_ADD);
    assertThat(added.getChgUserIdListList()).as("only users not yet in").containsExactly(judy.userId());
    assertThat(added.getCurUserIdListList())
        .containsExactlyInAnyOrder(heidiPc.userId(), ivan.userId(), judy.userId());
    for (Session told : List.of(heidiPc, heidiMobile, judy)) {
      IMGroup.IMGroupChangeMemberNotify notify = push(told.client(), GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE,
          IMGroup.IMGroupChangeMemberNotify.parser());
      assertThat(notify.getGroupId()).isEqualTo(groupId);
      assertThat(notify.getUserId()).isEqualTo(ivan.userId());
      assertThat(notify.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_ADD);
      assertThat(notify.getChgUserIdListList()).containsExactly(judy.userId());
    }
    assertThat(groupInfo(judy, groupId, 1).get(0).getVersion()).isEqualTo(2);
    assertThat(sendGroupText(judy, groupId, "hi all").getMsgId()).isEqualTo(1);
    for (Session member : List.of(heidiPc, heidiMobile, ivan)) {
      assertThat(text(receiveMessage(member).getMsgData())).isEqualTo("hi all");
    }

    assertThat(changeMembers(ivan, groupId, GroupModifyType.GROUP_MODIFY_TYPE_DEL, List.of(judy.userId()))
        .getResultCode()).as("only the creator removes others").isEqualTo(1);
    IMGroup.IMGroupChangeMemberRsp removed = changeMembers(heidiPc, groupId, GroupModifyType.GROUP_MODIFY_TYPE_DEL,
        List.of(judy.userId()));
    assertThat(removed.getResultCode()).isZero();
    assertThat(removed.getCurUserIdListList()).containsExactlyInAnyOrder(heidiPc.userId(), ivan.userId());
    assertThat(push(judy.client(), GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE,
        IMGroup.IMGroupChangeMemberNotify.parser()).getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_DEL);
    push(heidiMobile.client(), GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE,
        IMGroup.IMGroupChangeMemberNotify.parser());

    sendGroupText(heidiPc, groupId, "judy has left");
    assertThat(text(receiveMessage(ivan).getMsgData())).isEqualTo("judy has left");
    roundTrip(judy.client());
    assertThat(judy.client().pendingPushes()).as("a removed member gets no more messages")
        .noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);
    roundTrip(mallory.client());
    assertThat(mallory.client().pendingPushes()).as("an outsider hears nothing of the group")
        .noneMatch(p -> p.serviceId() == ServiceID.SID_GROUP_VALUE || p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);

    IMGroup.IMGroupChangeMemberRsp left = changeMembers(ivan, groupId, GroupModifyType.GROUP_MODIFY_TYPE_DEL,
        List.of(ivan.userId()));
    assertThat(left.getResultCode()).as("a member may leave").isZero();
    assertThat(left.getCurUserIdListList()).containsExactly(heidiPc.userId());
  }

  @Test
  void normalGroupsComeFromAdministrationAndAreListedToTheirMembers() {
    Session alice = loginPc("alice");
    IMGroup.IMNormalGroupListRsp normal = ask(alice.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, IMGroup.IMNormalGroupListReq.newBuilder().setUserId(0).build(),
        GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE, IMGroup.IMNormalGroupListRsp.parser());
    assertThat(normal.getUserId()).isEqualTo(alice.userId());
    assertThat(normal.getGroupVersionListList()).hasSize(1);
    int groupId = normal.getGroupVersionList(0).getGroupId();
    IMBaseDefine.GroupInfo info = groupInfo(alice, groupId, 0).get(0);
    assertThat(info.getGroupName()).isEqualTo(NORMAL_GROUP);
    assertThat(info.getGroupType()).isEqualTo(GroupType.GROUP_TYPE_NORMAL);
    assertThat(info.getGroupCreatorId()).isZero();
    assertThat(info.getGroupMemberListCount()).isEqualTo(3);
    assertThat(changeMembers(alice, groupId, GroupModifyType.GROUP_MODIFY_TYPE_ADD, List.of(userId("oscar")))
        .getResultCode()).as("members do not add to a normal group").isEqualTo(1);

    Session oscar = loginPc("oscar");
    IMGroup.IMNormalGroupListRsp none = ask(oscar.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, IMGroup.IMNormalGroupListReq.newBuilder().setUserId(0).build(),
        GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE, IMGroup.IMNormalGroupListRsp.parser());
    assertThat(none.getGroupVersionListList()).isEmpty();
    IMGroup.IMGroupCreateRsp refused = ask(oscar.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, IMGroup.IMGroupCreateReq.newBuilder().setUserId(0)
            .setGroupType(GroupType.GROUP_TYPE_NORMAL).setGroupName("mine").setGroupAvatar("").build(),
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, IMGroup.IMGroupCreateRsp.parser());
    assertThat(refused.getResultCode()).as("clients create temporary groups only").isEqualTo(1);
  }

  @Test
  void aMemberShieldsAGroupFromPush() {
    Session peggy = loginPc("peggy");
    Session trent = loginPc("trent");
    int groupId = createGroup(peggy, "quiet", List.of(trent.userId())).getGroupId();
    IMGroup.IMGroupShieldRsp shield = ask(trent.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE, IMGroup.IMGroupShieldReq.newBuilder().setUserId(0)
            .setGroupId(groupId).setShieldStatus(1).build(),
        GroupCmdID.CID_GROUP_SHIELD_GROUP_RESPONSE_VALUE, IMGroup.IMGroupShieldRsp.parser());
    assertThat(shield.getResultCode()).isZero();
    assertThat(shield.getUserId()).isEqualTo(trent.userId());
    assertThat(groupInfo(trent, groupId, 0).get(0).getShieldStatus()).isEqualTo(1);
    assertThat(groupInfo(peggy, groupId, 0).get(0).getShieldStatus()).isZero();
  }

  @Test
  void pipelinedGroupMessagesKeepEachSendersOrder() {
    Session victor = loginPc("victor");
    Session walter = loginPc("walter");
    Session xavier = loginPc("xavier");
    int groupId = createGroup(victor, "busy", List.of(walter.userId(), xavier.userId())).getGroupId();
    int perSender = 50;
    List<io.vertx.core.Future<Pdu>> acks = new java.util.ArrayList<>();
    for (int i = 0; i < perSender; i++) {
      for (Session sender : List.of(victor, walter)) {
        acks.add(sender.client().request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
            groupText(sender, groupId, sender.userId() + ":" + i)));
      }
    }
    List<Integer> ids = acks.stream().map(f -> TeamTalkClient.parse(await(f), IMMessage.IMMsgDataAck.parser())
        .getMsgId()).toList();
    assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id >= 1 && id <= 2 * perSender);
    List<Integer> victorIds = new java.util.ArrayList<>();
    for (int i = 0; i < ids.size(); i += 2) {
      victorIds.add(ids.get(i));
    }
    assertThat(victorIds).isSorted();
    java.util.Map<Integer, Integer> lastIdFrom = new java.util.HashMap<>();
    java.util.Set<Integer> received = new java.util.HashSet<>();
    for (int i = 0; i < 2 * perSender; i++) {
      IMMessage.IMMsgData copy = receiveMessage(xavier);
      assertThat(received.add(copy.getMsgId())).isTrue();
      assertThat(copy.getMsgId()).as("a sender's copies arrive in id order")
          .isGreaterThan(lastIdFrom.getOrDefault(copy.getFromUserId(), 0));
      lastIdFrom.put(copy.getFromUserId(), copy.getMsgId());
    }
  }
}
