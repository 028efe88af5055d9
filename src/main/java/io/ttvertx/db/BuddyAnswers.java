package io.ttvertx.db;

import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.SessionStore;
import io.vertx.core.Future;

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
  public void register(DbCommand.Table commands) {
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE,
        (user, body) -> recentSessions(user.userId(), IMBuddy.IMRecentContactSessionReq.parseFrom(body)));
    // http_msg reads a user's profile too
    commands.forBoth(BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE, (actor, body) -> {
      IMBuddy.IMUsersInfoReq request = IMBuddy.IMUsersInfoReq.parseFrom(body);
      return usersInfo(actor.userOr(request.getUserId()), request);
    });
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE,
        (user, body) -> removeSession(user.userId(), IMBuddy.IMRemoveSessionReq.parseFrom(body)));
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        (user, body) -> allUsers(user.userId(), IMBuddy.IMAllUserReq.parseFrom(body)));
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE,
        (user, body) -> departments(user.userId(), IMBuddy.IMDepartmentReq.parseFrom(body)));
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
        (user, body) -> changeAvatar(user.userId(), IMBuddy.IMChangeAvatarReq.parseFrom(body)));
    commands.forUsers(BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE,
        (user, body) -> changeSignInfo(user.userId(), IMBuddy.IMChangeSignInfoReq.parseFrom(body)));
  }

  private Future<IMBuddy.IMRecentContactSessionRsp> recentSessions(int userId,
                                                                   IMBuddy.IMRecentContactSessionReq request) {
    return sessions.recentSessions(userId, request.getLatestUpdateTime()).map(found -> {
      IMBuddy.IMRecentContactSessionRsp.Builder response = IMBuddy.IMRecentContactSessionRsp.newBuilder()
          .setUserId(userId);
      found.forEach(session -> response.addContactSessionList(ProtoMapping.contactSession(session, audioPlaceholder)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMUsersInfoRsp> usersInfo(int userId, IMBuddy.IMUsersInfoReq request) {
    return directory.usersByIds(request.getUserIdListList()).map(users -> {
      IMBuddy.IMUsersInfoRsp.Builder response = IMBuddy.IMUsersInfoRsp.newBuilder().setUserId(userId);
      users.forEach(user -> response.addUserInfoList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMRemoveSessionRsp> removeSession(int userId, IMBuddy.IMRemoveSessionReq request) {
    return sessions.removeSession(userId, request.getSessionId(), request.getSessionType().getNumber())
        .map(v -> IMBuddy.IMRemoveSessionRsp.newBuilder()
            .setUserId(userId)
            .setResultCode(0)
            .setSessionType(request.getSessionType())
            .setSessionId(request.getSessionId())
            .build());
  }

  /** Answers with the server's time as the new latest_update_time (TeamTalk echoes the client's: a bug). */
  private Future<IMBuddy.IMAllUserRsp> allUsers(int userId, IMBuddy.IMAllUserReq request) {
    int now = ProtoMapping.nowSeconds();
    return directory.usersUpdatedSince(request.getLatestUpdateTime()).map(users -> {
      IMBuddy.IMAllUserRsp.Builder response = IMBuddy.IMAllUserRsp.newBuilder()
          .setUserId(userId).setLatestUpdateTime(now);
      users.forEach(user -> response.addUserList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMDepartmentRsp> departments(int userId, IMBuddy.IMDepartmentReq request) {
    int now = ProtoMapping.nowSeconds();
    return directory.departmentsUpdatedSince(request.getLatestUpdateTime()).map(departments -> {
      IMBuddy.IMDepartmentRsp.Builder response = IMBuddy.IMDepartmentRsp.newBuilder()
          .setUserId(userId).setLatestUpdateTime(now);
      departments.forEach(department -> response.addDeptList(ProtoMapping.department(department)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMChangeAvatarRsp> changeAvatar(int userId, IMBuddy.IMChangeAvatarReq request) {
    return directory.updateAvatar(userId, request.getAvatarUrl()).map(changed ->
        IMBuddy.IMChangeAvatarRsp.newBuilder().setUserId(userId).setResultCode(changed ? 0 : 1).build());
  }

  private Future<IMBuddy.IMChangeSignInfoRsp> changeSignInfo(int userId, IMBuddy.IMChangeSignInfoReq request) {
    return directory.updateSignInfo(userId, request.getSignInfo()).map(changed ->
        IMBuddy.IMChangeSignInfoRsp.newBuilder().setUserId(userId).setResultCode(changed ? 0 : 1)
            .setSignInfo(request.getSignInfo()).build());
  }
}
