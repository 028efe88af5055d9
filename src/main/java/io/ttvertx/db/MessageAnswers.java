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
import java.util.Map;

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
  public void register(Map<Integer, DbCommand> commands) {
    commands.put(MessageCmdID.CID_MSG_DATA_VALUE, body -> saveMessage(IMMessage.IMMsgData.parseFrom(body)));
    commands.put(MessageCmdID.CID_MSG_READ_ACK_VALUE, body -> readAck(IMMessage.IMMsgDataReadAck.parseFrom(body)));
    commands.put(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        body -> unreadCounts(IMMessage.IMUnreadMsgCntReq.parseFrom(body)));
    commands.put(MessageCmdID.CID_MSG_LIST_REQUEST_VALUE, body -> messageList(IMMessage.IMGetMsgListReq.parseFrom(body)));
    commands.put(MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE,
        body -> latestMsgId(IMMessage.IMGetLatestMsgIdReq.parseFrom(body)));
    commands.put(MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE,
        body -> messagesById(IMMessage.IMGetMsgByIdReq.parseFrom(body)));
  }

  /**
   * Stores a message (sender and time already set by msg) and answers it with its new id: a 1:1
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

  private Future<IMMessage.IMMsgDataReadAck> readAck(IMMessage.IMMsgDataReadAck request) {
    Future<Void> cleared = isGroup(request.getSessionType())
        ? groups.clearGroupUnread(request.getUserId(), request.getSessionId())
        : messages.clearUnread(request.getUserId(), request.getSessionId());
    return cleared.map(v -> request);
  }

  private Future<IMMessage.IMUnreadMsgCntRsp> unreadCounts(IMMessage.IMUnreadMsgCntReq request) {
    Future<List<UnreadRecord>> single = messages.unreadCounts(request.getUserId());
    Future<List<UnreadRecord>> group = groups.groupUnreadCounts(request.getUserId());
    return Future.all(single, group).map(both -> {
      IMMessage.IMUnreadMsgCntRsp.Builder response = IMMessage.IMUnreadMsgCntRsp.newBuilder()
          .setUserId(request.getUserId());
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

  private Future<IMMessage.IMGetMsgListRsp> messageList(IMMessage.IMGetMsgListReq request) {
    IMMessage.IMGetMsgListRsp.Builder response = IMMessage.IMGetMsgListRsp.newBuilder()
        .setUserId(request.getUserId())
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId())
        .setMsgIdBegin(request.getMsgIdBegin());
    if (request.getMsgCnt() == 0) {
      return Future.succeededFuture(response.build());
    }
    Future<List<MessageRecord>> found = isGroup(request.getSessionType())
        ? groups.groupMessages(request.getUserId(), request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt())
        : messages.messages(request.getUserId(), request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt());
    return found.map(list -> {
      list.forEach(message -> response.addMsgList(ProtoMapping.msgInfo(message)));
      return response.build();
    });
  }

  private Future<IMMessage.IMGetLatestMsgIdRsp> latestMsgId(IMMessage.IMGetLatestMsgIdReq request) {
    IMMessage.IMGetLatestMsgIdRsp.Builder response = IMMessage.IMGetLatestMsgIdRsp.newBuilder()
        .setUserId(request.getUserId())
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId());
    Future<Integer> latestId = isGroup(request.getSessionType())
        ? groups.latestGroupMessageId(request.getUserId(), request.getSessionId())
        : messages.latestMessageId(request.getUserId(), request.getSessionId());
    return latestId.map(id -> response.setLatestMsgId(id).build());
  }

  private Future<IMMessage.IMGetMsgByIdRsp> messagesById(IMMessage.IMGetMsgByIdReq request) {
    IMMessage.IMGetMsgByIdRsp.Builder response = IMMessage.IMGetMsgByIdRsp.newBuilder()
        .setUserId(request.getUserId())
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId());
    if (request.getMsgIdListCount() == 0) {
      return Future.succeededFuture(response.build());
    }
    Future<List<MessageRecord>> found = isGroup(request.getSessionType())
        ? groups.groupMessagesByIds(request.getUserId(), request.getSessionId(), request.getMsgIdListList())
        : messages.messagesByIds(request.getUserId(), request.getSessionId(), request.getMsgIdListList());
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
