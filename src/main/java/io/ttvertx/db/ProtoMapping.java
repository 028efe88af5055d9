package io.ttvertx.db;

import com.google.protobuf.ByteString;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.SessionRecord;
import io.ttvertx.store.UnreadRecord;
import io.ttvertx.store.UserRecord;

/** Store records to TeamTalk protobuf messages, every proto2 required field set. */
final class ProtoMapping {
  private ProtoMapping() {
  }

  static IMBaseDefine.UserInfo userInfo(UserRecord user) {
    return IMBaseDefine.UserInfo.newBuilder()
        .setUserId(user.id())
        .setUserGender(user.sex())
        .setUserNickName(nonNull(user.nick()))
        .setAvatarUrl(nonNull(user.avatar()))
        .setDepartmentId(user.departId())
        .setEmail(nonNull(user.email()))
        .setUserRealName(nonNull(user.name()))
        .setUserTel(nonNull(user.phone()))
        .setUserDomain(nonNull(user.domain()))
        .setStatus(user.status())
        .setSignInfo(nonNull(user.signInfo()))
        .build();
  }

  static IMBaseDefine.DepartInfo department(DepartmentRecord department) {
    return IMBaseDefine.DepartInfo.newBuilder()
        .setDeptId(department.id())
        .setPriority(department.priority())
        .setDeptName(nonNull(department.name()))
        .setParentDeptId(department.parentId())
        .setDeptStatus(department.status() == 0 ? IMBaseDefine.DepartmentStatusType.DEPT_STATUS_OK
            : IMBaseDefine.DepartmentStatusType.DEPT_STATUS_DELETE)
        .build();
  }

  static IMBaseDefine.ContactSessionInfo contactSession(SessionRecord session, byte[] audioPlaceholder) {
    MessageRecord latest = session.latest();
    return IMBaseDefine.ContactSessionInfo.newBuilder()
        .setSessionId(session.peerId())
        .setSessionType(sessionType(session.sessionType()))
        .setSessionStatus(session.status() == 0 ? IMBaseDefine.SessionStatusType.SESSION_STATUS_OK
            : IMBaseDefine.SessionStatusType.SESSION_STATUS_DELETE)
        .setUpdatedTime(session.updated())
        .setLatestMsgId(latest == null ? 0 : latest.msgId())
        .setLatestMsgData(latestData(latest, audioPlaceholder))
        .setLatestMsgType(latest == null ? IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT : msgType(latest.msgType()))
        .setLatestMsgFromUserId(latest == null ? 0 : latest.fromUserId())
        .build();
  }

  static IMBaseDefine.UnreadInfo unreadInfo(UnreadRecord unread, byte[] audioPlaceholder) {
    MessageRecord latest = unread.latest();
    return IMBaseDefine.UnreadInfo.newBuilder()
        .setSessionId(unread.peerId())
        .setSessionType(sessionType(unread.sessionType()))
        .setUnreadCnt(unread.count())
        .setLatestMsgId(latest == null ? 0 : latest.msgId())
        .setLatestMsgData(latestData(latest, audioPlaceholder))
        .setLatestMsgType(latest == null ? IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT : msgType(latest.msgType()))
        .setLatestMsgFromUserId(latest == null ? 0 : latest.fromUserId())
        .build();
  }

  static IMBaseDefine.MsgInfo msgInfo(MessageRecord message) {
    return IMBaseDefine.MsgInfo.newBuilder()
        .setMsgId(message.msgId())
        .setFromSessionId(message.fromUserId())
        .setCreateTime(message.createTime())
        .setMsgType(msgType(message.msgType()))
        .setMsgData(ByteString.copyFrom(message.msgData()))
        .build();
  }

  /** The latest message's bytes, or for audio TeamTalk's encrypted "[语音]" placeholder (MessageModel.cpp). */
  private static ByteString latestData(MessageRecord latest, byte[] audioPlaceholder) {
    if (latest == null) {
      return ByteString.EMPTY;
    }
    return ByteString.copyFrom(latest.msgType() == IMBaseDefine.MsgType.MSG_TYPE_SINGLE_AUDIO_VALUE
        || latest.msgType() == IMBaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO_VALUE ? audioPlaceholder : latest.msgData());
  }

  static IMBaseDefine.MsgType msgType(int value) {
    IMBaseDefine.MsgType type = IMBaseDefine.MsgType.forNumber(value);
    return type == null ? IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT : type;
  }

  static IMBaseDefine.SessionType sessionType(int value) {
    return value == IMBaseDefine.SessionType.SESSION_TYPE_GROUP_VALUE ? IMBaseDefine.SessionType.SESSION_TYPE_GROUP
        : IMBaseDefine.SessionType.SESSION_TYPE_SINGLE;
  }

  /** Now in epoch seconds, as the protocol's times are. */
  static int nowSeconds() {
    return (int) (System.currentTimeMillis() / 1000);
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }
}
