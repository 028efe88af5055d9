package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBuddy;

import java.util.List;

/**
 * Buddy-list service (0x02). Every request is answered for the logged-in user (the db proxy takes
 * the user from the request's actor), whatever user id the client wrote into it.
 */
final class BuddyCommands extends CommandHandlers {
  /** Most users a single status or info request may ask about. */
  static final int MAX_USERS_PER_REQUEST = 10_000;

  BuddyCommands(MsgVerticle server) {
    super(server);
  }

  void handleRecentSessions(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMRecentContactSessionReq request = pdu.parse(IMBuddy.IMRecentContactSessionReq.parser());
    forward(connection, pdu, request, ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_RESPONSE_VALUE);
  }

  void handleUsersInfo(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMUsersInfoReq request = pdu.parse(IMBuddy.IMUsersInfoReq.parser());
    if (request.getUserIdListCount() > MAX_USERS_PER_REQUEST) {
      connection.close("user info request for " + request.getUserIdListCount() + " users");
      return;
    }
    forward(connection, pdu, request, ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_RESPONSE_VALUE);
  }

  void handleRemoveSession(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMRemoveSessionReq request = pdu.parse(IMBuddy.IMRemoveSessionReq.parser());
    ask(connection, pdu, pdu.commandId(), request, Order.CHANGE).onSuccess(answer -> {
      connection.replyRaw(pdu, ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_RES_VALUE,
          answer);
      IMBuddy.IMRemoveSessionRsp response = parseAnswer(IMBuddy.IMRemoveSessionRsp.parser(), answer);
      if (response.getResultCode() == 0) {
        IMBuddy.IMRemoveSessionNotify notify = IMBuddy.IMRemoveSessionNotify.newBuilder()
            .setUserId(connection.userId())
            .setSessionType(request.getSessionType())
            .setSessionId(request.getSessionId())
            .build();
        route(connection).deliverToOwnDevices(Pdu.encode(ServiceID.SID_BUDDY_LIST_VALUE,
            BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_NOTIFY_VALUE, 0, notify), connection.id());
      }
    });
  }

  void handleAllUsers(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMAllUserReq request = pdu.parse(IMBuddy.IMAllUserReq.parser());
    forward(connection, pdu, request, ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE);
  }

  void handleUsersStatus(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMUsersStatReq request = pdu.parse(IMBuddy.IMUsersStatReq.parser());
    List<Integer> userIds = request.getUserIdListList();
    if (userIds.size() > MAX_USERS_PER_REQUEST) {
      connection.close("status request for " + userIds.size() + " users");
      return;
    }
    route(connection).status(userIds).onSuccess(statuses -> {
      IMBuddy.IMUsersStatRsp.Builder response = IMBuddy.IMUsersStatRsp.newBuilder().setUserId(connection.userId());
      for (int userId : userIds) {
        int status = statuses.getInteger(Integer.toString(userId),
            IMBaseDefine.UserStatType.USER_STATUS_OFFLINE_VALUE);
        response.addUserStatList(IMBaseDefine.UserStat.newBuilder().setUserId(userId)
            .setStatus(IMBaseDefine.UserStatType.forNumber(status)));
      }
      connection.reply(pdu, ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_RESPONSE_VALUE,
          response.build());
    });
  }

  /** TeamTalk's db proxy never answers this; here the change is stored, answered and announced. */
  void handleChangeAvatar(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMChangeAvatarReq request = pdu.parse(IMBuddy.IMChangeAvatarReq.parser());
    ask(connection, pdu, pdu.commandId(), request, Order.CHANGE).onSuccess(answer -> {
      connection.replyRaw(pdu, ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_RESPONSE_VALUE,
          answer);
      if (parseAnswer(IMBuddy.IMChangeAvatarRsp.parser(), answer).getResultCode() == 0) {
        IMBuddy.IMAvatarChangedNotify notify = IMBuddy.IMAvatarChangedNotify.newBuilder()
            .setChangedUserId(connection.userId()).setAvatarUrl(request.getAvatarUrl()).build();
        server.profileAnnouncer().announce(connection.userId(), ProfileAnnouncer.Kind.AVATAR,
            Pdu.encode(ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE, 0,
                notify), connection.id());
      }
    });
  }

  void handleDepartments(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMDepartmentReq request = pdu.parse(IMBuddy.IMDepartmentReq.parser());
    forward(connection, pdu, request, ServiceID.SID_BUDDY_LIST_VALUE,
        BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_RESPONSE_VALUE);
  }

  void handleChangeSignInfo(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMBuddy.IMChangeSignInfoReq request = pdu.parse(IMBuddy.IMChangeSignInfoReq.parser());
    ask(connection, pdu, pdu.commandId(), request, Order.CHANGE).onSuccess(answer -> {
      connection.replyRaw(pdu, ServiceID.SID_BUDDY_LIST_VALUE,
          BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_RESPONSE_VALUE, answer);
      if (parseAnswer(IMBuddy.IMChangeSignInfoRsp.parser(), answer).getResultCode() == 0) {
        IMBuddy.IMSignInfoChangedNotify notify = IMBuddy.IMSignInfoChangedNotify.newBuilder()
            .setChangedUserId(connection.userId()).setSignInfo(request.getSignInfo()).build();
        server.profileAnnouncer().announce(connection.userId(), ProfileAnnouncer.Kind.SIGNATURE,
            Pdu.encode(ServiceID.SID_BUDDY_LIST_VALUE, BuddyListCmdID.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY_VALUE, 0,
                notify), connection.id());
      }
    });
  }

}
