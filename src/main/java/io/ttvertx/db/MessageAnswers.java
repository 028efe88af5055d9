package io.ttvertx.db;

import com.google.protobuf.MessageLite;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.MessageStore;
import io.ttvertx.store.UnreadRecord;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The message service (0x03): storing messages, unread counts, read acknowledgements and history,
 * for 1:1 sessions and for groups (a session type or message type says which).
 */
final class MessageAnswers implements DbCommand.Answers {
  private final MessageStore messages;
  private final GroupStore groups;
  private final byte[] audioPlaceholder;

  MessageAnswers(MessageStore messages, GroupStore groups, byte[] audioPlaceholder) {
    this.messages = messages;
    this.groups = groups;
    this.audioPlaceholder = audioPlaceholder;
  }

  @Override
  public void register(DbCommand.Table commands) {
    // http_msg stores messages as any user, or as its notice account
    commands.forBoth(MessageCmdID.CID_MSG_DATA_VALUE, (actor, body) -> {
      IMMessage.IMMsgData message = IMMessage.IMMsgData.parseFrom(body);
      return saveMessage(message.toBuilder().setFromUserId(actor.userOr(message.getFromUserId())).build());
    });
    commands.forUsers(MessageCmdID.CID_MSG_READ_ACK_VALUE,
        (user, body) -> readAck(user.userId(), IMMessage.IMMsgDataReadAck.parseFrom(body)));
    commands.forUsers(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, (user, body) -> unreadCounts(user.userId()));
    commands.forUsers(MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
        (user, body) -> messageList(user.userId(), IMMessage.IMGetMsgListReq.parseFrom(body)));
    commands.forUsers(MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE,
        (user, body) -> latestMsgId(user.userId(), IMMessage.IMGetLatestMsgIdReq.parseFrom(body)));
    commands.forUsers(MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE,
        (user, body) -> messagesById(user.userId(), IMMessage.IMGetMsgByIdReq.parseFrom(body)));
  }

  /**
   * Stores a message (its sender the acting user, its time set by msg) and answers it with its new id: a 1:1
   * message as IMMsgData, a group message as StoredGroupMsg with the members it goes to.
   */
  private Future<? extends MessageLite> saveMessage(IMMessage.IMMsgData message) {
    int type = message.getMsgType().getNumber();
    byte[] data = message.getMsgData().toByteArray();
    if (isGroupMessage(message.getMsgType())) {
      return groups.saveGroupMessage(message.getFromUserId(), message.getToSessionId(), type, data,
              message.getCreateTime())
          .map(stored -> TTInternal.StoredGroupMsg.newBuilder()
              .setMsg(message.toBuilder().setMsgId(stored.message().msgId()))
              .addAllMemberIdList(stored.members())
              .build());
    }
    return messages.saveMessage(message.getFromUserId(), message.getToSessionId(), type, data, message.getCreateTime())
        .map(stored -> message.toBuilder().setMsgId(stored.msgId()).build());
  }

  private Future<IMMessage.IMMsgDataReadAck> readAck(int userId, IMMessage.IMMsgDataReadAck request) {
    Future<Void> cleared = isGroup(request.getSessionType())
        ? groups.clearGroupUnread(userId, request.getSessionId())
        : messages.clearUnread(userId, request.getSessionId());
    return cleared.map(v -> request.toBuilder().setUserId(userId).build());
  }

  private Future<IMMessage.IMUnreadMsgCntRsp> unreadCounts(int userId) {
    Future<List<UnreadRecord>> single = messages.unreadCounts(userId);
    Future<List<UnreadRecord>> group = groups.groupUnreadCounts(userId);
    return Future.all(single, group).map(both -> {
      IMMessage.IMUnreadMsgCntRsp.Builder response = IMMessage.IMUnreadMsgCntRsp.newBuilder().setUserId(userId);
      int total = 0;
      List<UnreadRecord> unread = new ArrayList<>(single.result());
      unread.addAll(group.result());
      for (UnreadRecord session : unread) {
        total += session.count();
        response.addUnreadinfoList(ProtoMapping.unreadInfo(session, audioPlaceholder));
      }
      return response.setTotalCnt(total).build();
    });
  }

  private Future<IMMessage.IMGetMsgListRsp> messageList(int userId, IMMessage.IMGetMsgListReq request) {
    IMMessage.IMGetMsgListRsp.Builder response = IMMessage.IMGetMsgListRsp.newBuilder()
        .setUserId(userId)
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId())
        .setMsgIdBegin(request.getMsgIdBegin());
    if (request.getMsgCnt() == 0) {
      return Future.succeededFuture(response.build());
    }
    Future<List<MessageRecord>> found = isGroup(request.getSessionType())
        ? groups.groupMessages(userId, request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt())
        : messages.messages(userId, request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt());
    return found.map(list -> {
      list.forEach(message -> response.addMsgList(ProtoMapping.msgInfo(message)));
      return response.build();
    });
  }

  private Future<IMMessage.IMGetLatestMsgIdRsp> latestMsgId(int userId, IMMessage.IMGetLatestMsgIdReq request) {
    IMMessage.IMGetLatestMsgIdRsp.Builder response = IMMessage.IMGetLatestMsgIdRsp.newBuilder()
        .setUserId(userId)
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId());
    Future<Integer> latestId = isGroup(request.getSessionType())
        ? groups.latestGroupMessageId(userId, request.getSessionId())
        : messages.latestMessageId(userId, request.getSessionId());
    return latestId.map(id -> response.setLatestMsgId(id).build());
  }

  private Future<IMMessage.IMGetMsgByIdRsp> messagesById(int userId, IMMessage.IMGetMsgByIdReq request) {
    IMMessage.IMGetMsgByIdRsp.Builder response = IMMessage.IMGetMsgByIdRsp.newBuilder()
        .setUserId(userId)
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId());
    if (request.getMsgIdListCount() == 0) {
      return Future.succeededFuture(response.build());
    }
    Future<List<MessageRecord>> found = isGroup(request.getSessionType())
        ? groups.groupMessagesByIds(userId, request.getSessionId(), request.getMsgIdListList())
        : messages.messagesByIds(userId, request.getSessionId(), request.getMsgIdListList());
    return found.map(list -> {
      list.forEach(message -> response.addMsgList(ProtoMapping.msgInfo(message)));
      return response.build();
    });
  }

  private static boolean isGroup(IMBaseDefine.SessionType type) {
    return type == IMBaseDefine.SessionType.SESSION_TYPE_GROUP;
  }

  static boolean isGroupMessage(IMBaseDefine.MsgType type) {
    return type == IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT || type == IMBaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO;
  }
}
