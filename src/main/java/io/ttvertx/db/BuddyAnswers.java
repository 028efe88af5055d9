package io.ttvertx.db;

import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.SessionStore;
import io.vertx.core.Future;

import java.util.Map;

/** The buddy-list service (0x02): the organisation, users' profiles and recent sessions. */
final class BuddyAnswers implements DbCommand.Answers {
  private final DirectoryStore directory;
  private final SessionStore sessions;
  private final byte[] audioPlaceholder;

  BuddyAnswers(DirectoryStore directory, SessionStore sessions, byte[] audioPlaceholder) {
    this.directory = directory;
    this.sessions = sessions;
    this.audioPlaceholder = audioPlaceholder;
  }

  @Override
  public void register(Map<Integer, DbCommand> commands) {
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        body -> recentSessions(IMBuddy.IMRecentContactSessionReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        body -> usersInfo(IMBuddy.IMUsersInfoReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE,
        body -> removeSession(IMBuddy.IMRemoveSessionReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        body -> allUsers(IMBuddy.IMAllUserReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE,
        body -> departments(IMBuddy.IMDepartmentReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
        body -> changeAvatar(IMBuddy.IMChangeAvatarReq.parseFrom(body)));
    commands.put(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE,
        body -> changeSignInfo(IMBuddy.IMChangeSignInfoReq.parseFrom(body)));
  }

  private Future<IMBuddy.IMRecentContactSessionRsp> recentSessions(IMBuddy.IMRecentContactSessionReq request) {
    return sessions.recentSessions(request.getUserId(), request.getLatestUpdateTime()).map(found -> {
      IMBuddy.IMRecentContactSessionRsp.Builder response = IMBuddy.IMRecentContactSessionRsp.newBuilder()
          .setUserId(request.getUserId());
      found.forEach(session -> response.addContactSessionList(ProtoMapping.contactSession(session, audioPlaceholder)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMUsersInfoRsp> usersInfo(IMBuddy.IMUsersInfoReq request) {
    return directory.usersByIds(request.getUserIdListList()).map(users -> {
      IMBuddy.IMUsersInfoRsp.Builder response = IMBuddy.IMUsersInfoRsp.newBuilder().setUserId(request.getUserId());
      users.forEach(user -> response.addUserInfoList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMRemoveSessionRsp> removeSession(IMBuddy.IMRemoveSessionReq request) {
    return sessions.removeSession(request.getUserId(), request.getSessionId(), request.getSessionType().getNumber())
        .map(v -> IMBuddy.IMRemoveSessionRsp.newBuilder()
            .setUserId(request.getUserId())
            .setResultCode(0)
            .setSessionType(request.getSessionType())
            .setSessionId(request.getSessionId())
            .build());
  }

  /** Answers with the server's time as the new latest_update_time (TeamTalk echoes the client's: a bug). */
  private Future<IMBuddy.IMAllUserRsp> allUsers(IMBuddy.IMAllUserReq request) {
    int now = ProtoMapping.nowSeconds();
    return directory.usersUpdatedSince(request.getLatestUpdateTime()).map(users -> {
      IMBuddy.IMAllUserRsp.Builder response = IMBuddy.IMAllUserRsp.newBuilder()
          .setUserId(request.getUserId()).setLatestUpdateTime(now);
      users.forEach(user -> response.addUserList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMDepartmentRsp> departments(IMBuddy.IMDepartmentReq request) {
    int now = ProtoMapping.nowSeconds();
    return directory.departmentsUpdatedSince(request.getLatestUpdateTime()).map(departments -> {
      IMBuddy.IMDepartmentRsp.Builder response = IMBuddy.IMDepartmentRsp.newBuilder()
          .setUserId(request.getUserId()).setLatestUpdateTime(now);
      departments.forEach(department -> response.addDeptList(ProtoMapping.department(department)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMChangeAvatarRsp> changeAvatar(IMBuddy.IMChangeAvatarReq request) {
    return directory.updateAvatar(request.getUserId(), request.getAvatarUrl()).map(changed ->
        IMBuddy.IMChangeAvatarRsp.newBuilder().setUserId(request.getUserId()).setResultCode(changed ? 0 : 1).build());
  }

  private Future<IMBuddy.IMChangeSignInfoRsp> changeSignInfo(IMBuddy.IMChangeSignInfoReq request) {
    return directory.updateSignInfo(request.getUserId(), request.getSignInfo()).map(changed ->
        IMBuddy.IMChangeSignInfoRsp.newBuilder().setUserId(request.getUserId()).setResultCode(changed ? 0 : 1)
            .setSignInfo(request.getSignInfo()).build());
  }
}
