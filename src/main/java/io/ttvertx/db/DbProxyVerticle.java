package io.ttvertx.db;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbBatch;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMServer;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.ttvertx.store.UnreadRecord;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The only role that touches storage. It answers TeamTalk request messages (protobuf bytes in a
 * {@link DbBatch} on {@link Addresses#DB} or its own address) with TeamTalk response messages, like
 * TeamTalk's db_proxy_server. Callers (msg) have already replaced every user id with the logged-in user's, so a
 * user can only ever read and change their own sessions.
 */
public class DbProxyVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DbProxyVerticle.class);

  /** Config key of the shared AES key (TeamTalk's aesKey). */
  public static final String AES_KEY = "aesKey";
  public static final String STORE = "store";

  private Store store;
  private GroupAnswers groups;
  private byte[] audioPlaceholder;
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<Buffer> ownConsumer;
  private String address;
  /** Answer batches being gathered, by reply address, until the end of the current event-loop turn. */
  private final Map<String, Buffer> answersToSend = new LinkedHashMap<>();
  /** Users known to exist (users are never deleted), so a message's receiver is checked once. */
  private final Set<Integer> knownUsers = new HashSet<>();
  /**
   * Lookups of receivers not yet known, shared by the messages that arrive meanwhile: they then go on
   * in the order they arrived, which keeps a sender's messages in order.
   */
  private final Map<Integer, Future<Boolean>> receiversBeingChecked = new HashMap<>();

  @Override
  public Future<?> start() {
    StoreOptions options = StoreOptions.fromJson(config().getJsonObject(STORE, new io.vertx.core.json.JsonObject()));
    audioPlaceholder = new MessageCipher(config().getString(AES_KEY, MessageCipher.DEFAULT_KEY))
        .encrypt("[语音]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    store = Stores.create(vertx, options);
    groups = new GroupAnswers(store);
    return store.start().compose(v -> {
      address = Addresses.dbInstance(java.util.UUID.randomUUID().toString());
      consumer = vertx.eventBus().consumer(Addresses.DB, this::handle);
      ownConsumer = vertx.eventBus().consumer(address, this::handle);
      return Future.all(consumer.completion(), ownConsumer.completion());
    }).onSuccess(v -> log.info("db proxy ready on the {} store", options.type()));
  }

  @Override
  public Future<?> stop() {
    Future<?> unregistered = consumer == null ? Future.succeededFuture()
        : Future.all(consumer.unregister(), ownConsumer.unregister());
    return unregistered.eventually(() -> store.close());
  }

  /**
   * A batch of requests from a msg instance: it learns this proxy's own address at once, then each
   * request is answered in turn; the answers that complete in the same event-loop turn go back together.
   */
  private void handle(Message<Buffer> message) {
    message.reply(address);
    Buffer batch = message.body();
    String replyTo = DbBatch.replyAddress(batch);
    DbBatch.forEachRequest(batch, request -> {
      int command = request.commandId();
      Future<? extends MessageLite> answer;
      try {
        answer = answer(command, request.body().getBytes());
      } catch (InvalidProtocolBufferException e) {
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(),
            "undecodable request for command " + command + ": " + e.getMessage()));
        return;
      }
      if (answer == null) {
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(), "db proxy has no command " + command));
        return;
      }
      answer.onComplete(ar -> {
        if (ar.succeeded()) {
          byte[] response = ar.result().toByteArray();
          answerLater(replyTo, out -> DbBatch.appendAnswer(out, request.requestId(), response));
        } else {
          log.warn("command 0x{} failed: {}", Integer.toHexString(command), ar.cause().toString());
          answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(), ar.cause().getMessage()));
        }
      });
    });
  }

  private void answerLater(String replyTo, java.util.function.Consumer<Buffer> append) {
    Buffer out = answersToSend.get(replyTo);
    if (out == null) {
      out = Buffer.buffer(1024);
      answersToSend.put(replyTo, out);
      if (answersToSend.size() == 1) {
        context.runOnContext(v -> sendAnswers());
      }
    }
    append.accept(out);
  }

  private void sendAnswers() {
    answersToSend.forEach((replyTo, answers) -> vertx.eventBus().send(replyTo, answers));
    answersToSend.clear();
  }

  private Future<? extends MessageLite> answer(int command, byte[] body) throws InvalidProtocolBufferException {
    return switch (command) {
      case OtherCmdID.CID_OTHER_VALIDATE_REQ_VALUE -> validate(IMServer.IMValidateReq.parseFrom(body));
      case IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE ->
          deviceToken(IMLogin.IMDeviceTokenReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE ->
          recentSessions(IMBuddy.IMRecentContactSessionReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE -> usersInfo(IMBuddy.IMUsersInfoReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE ->
          removeSession(IMBuddy.IMRemoveSessionReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE -> allUsers(IMBuddy.IMAllUserReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE -> departments(IMBuddy.IMDepartmentReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE ->
          changeAvatar(IMBuddy.IMChangeAvatarReq.parseFrom(body));
      case BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE ->
          changeSignInfo(IMBuddy.IMChangeSignInfoReq.parseFrom(body));
      case MessageCmdID.CID_MSG_DATA_VALUE -> saveMessage(IMMessage.IMMsgData.parseFrom(body));
      case GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE -> groups.normalGroups(IMGroup.IMNormalGroupListReq.parseFrom(body));
      case GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE -> groups.groupInfo(IMGroup.IMGroupInfoListReq.parseFrom(body));
      case GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE -> groups.create(IMGroup.IMGroupCreateReq.parseFrom(body));
      case GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE ->
          groups.changeMembers(IMGroup.IMGroupChangeMemberReq.parseFrom(body));
      case GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE -> groups.shield(IMGroup.IMGroupShieldReq.parseFrom(body));
      case MessageCmdID.CID_MSG_READ_ACK_VALUE -> readAck(IMMessage.IMMsgDataReadAck.parseFrom(body));
      case MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE -> unreadCounts(IMMessage.IMUnreadMsgCntReq.parseFrom(body));
      case MessageCmdID.CID_MSG_LIST_REQUEST_VALUE -> messageList(IMMessage.IMGetMsgListReq.parseFrom(body));
      case MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE -> latestMsgId(IMMessage.IMGetLatestMsgIdReq.parseFrom(body));
      case MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE -> messagesById(IMMessage.IMGetMsgByIdReq.parseFrom(body));
      default -> null;
    };
  }

  private Future<IMServer.IMValidateRsp> validate(IMServer.IMValidateReq request) {
    return store.authenticate(request.getUserName(), request.getPassword()).map(user -> {
      IMServer.IMValidateRsp.Builder response = IMServer.IMValidateRsp.newBuilder().setUserName(request.getUserName());
      if (user == null) {
        return response.setResultCode(1).setResultString("wrong user name or password").build();
      }
      return response.setResultCode(0).setUserInfo(ProtoMapping.userInfo(user)).build();
    });
  }

  private Future<IMLogin.IMDeviceTokenRsp> deviceToken(IMLogin.IMDeviceTokenReq request) {
    return store.setDeviceToken(request.getUserId(), request.getClientType().getNumber(), request.getDeviceToken())
        .map(v -> IMLogin.IMDeviceTokenRsp.newBuilder().setUserId(request.getUserId()).build());
  }

  private Future<IMBuddy.IMRecentContactSessionRsp> recentSessions(IMBuddy.IMRecentContactSessionReq request) {
    return store.recentSessions(request.getUserId(), request.getLatestUpdateTime()).map(sessions -> {
      IMBuddy.IMRecentContactSessionRsp.Builder response = IMBuddy.IMRecentContactSessionRsp.newBuilder()
          .setUserId(request.getUserId());
      sessions.forEach(session -> response.addContactSessionList(ProtoMapping.contactSession(session, audioPlaceholder)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMUsersInfoRsp> usersInfo(IMBuddy.IMUsersInfoReq request) {
    return store.usersByIds(request.getUserIdListList()).map(users -> {
      IMBuddy.IMUsersInfoRsp.Builder response = IMBuddy.IMUsersInfoRsp.newBuilder().setUserId(request.getUserId());
      users.forEach(user -> response.addUserInfoList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMRemoveSessionRsp> removeSession(IMBuddy.IMRemoveSessionReq request) {
    // a removed session's unread count goes too (TeamTalk RecentSession.cpp)
    Future<Void> cleared = isGroup(request.getSessionType())
        ? store.clearGroupUnread(request.getUserId(), request.getSessionId())
        : store.clearUnread(request.getUserId(), request.getSessionId());
    return cleared.compose(v -> store.removeSession(request.getUserId(), request.getSessionId(),
            request.getSessionType().getNumber()))
        .map(v -> IMBuddy.IMRemoveSessionRsp.newBuilder()
            .setUserId(request.getUserId())
            .setResultCode(0)
            .setSessionType(request.getSessionType())
            .setSessionId(request.getSessionId())
            .build());
  }

  /** Answers with the server's time as the new latest_update_time (TeamTalk echoes the client's: a bug). */
  private Future<IMBuddy.IMAllUserRsp> allUsers(IMBuddy.IMAllUserReq request) {
    int now = nowSeconds();
    return store.usersUpdatedSince(request.getLatestUpdateTime()).map(users -> {
      IMBuddy.IMAllUserRsp.Builder response = IMBuddy.IMAllUserRsp.newBuilder()
          .setUserId(request.getUserId()).setLatestUpdateTime(now);
      users.forEach(user -> response.addUserList(ProtoMapping.userInfo(user)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMDepartmentRsp> departments(IMBuddy.IMDepartmentReq request) {
    int now = nowSeconds();
    return store.departmentsUpdatedSince(request.getLatestUpdateTime()).map(departments -> {
      IMBuddy.IMDepartmentRsp.Builder response = IMBuddy.IMDepartmentRsp.newBuilder()
          .setUserId(request.getUserId()).setLatestUpdateTime(now);
      departments.forEach(department -> response.addDeptList(ProtoMapping.department(department)));
      return response.build();
    });
  }

  private Future<IMBuddy.IMChangeAvatarRsp> changeAvatar(IMBuddy.IMChangeAvatarReq request) {
    return store.updateAvatar(request.getUserId(), request.getAvatarUrl()).map(changed ->
        IMBuddy.IMChangeAvatarRsp.newBuilder().setUserId(request.getUserId()).setResultCode(changed ? 0 : 1).build());
  }

  private Future<IMBuddy.IMChangeSignInfoRsp> changeSignInfo(IMBuddy.IMChangeSignInfoReq request) {
    return store.updateSignInfo(request.getUserId(), request.getSignInfo()).map(changed ->
        IMBuddy.IMChangeSignInfoRsp.newBuilder().setUserId(request.getUserId()).setResultCode(changed ? 0 : 1)
            .setSignInfo(request.getSignInfo()).build());
  }

  /**
   * Stores a message (sender and time already set by msg) and answers it with its new id: a 1:1
   * message as IMMsgData, a group message as StoredGroupMsg with the members it goes to.
   */
  private Future<? extends MessageLite> saveMessage(IMMessage.IMMsgData message) {
    if (isGroupMessage(message.getMsgType())) {
      return groups.saveMessage(message);
    }
    int receiver = message.getToSessionId();
    return receiverExists(receiver).compose(exists -> {
      if (!exists) {
        return Future.failedFuture("no user " + receiver);
      }
      return store.saveMessage(message.getFromUserId(), receiver, message.getMsgType().getNumber(),
          message.getMsgData().toByteArray(), message.getCreateTime());
    }).map(stored -> message.toBuilder().setMsgId(stored.msgId()).build());
  }

  private Future<Boolean> receiverExists(int userId) {
    if (knownUsers.contains(userId)) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> pending = receiversBeingChecked.get(userId);
    if (pending != null) {
      return pending;
    }
    Future<Boolean> checked = store.usersByIds(List.of(userId)).map(users -> {
      if (users.isEmpty()) {
        return false;
      }
      knownUsers.add(userId);
      return true;
    }).andThen(ar -> receiversBeingChecked.remove(userId));
    if (!checked.isComplete()) {
      receiversBeingChecked.put(userId, checked);
    }
    return checked;
  }

  private Future<IMMessage.IMMsgDataReadAck> readAck(IMMessage.IMMsgDataReadAck request) {
    Future<Void> cleared = isGroup(request.getSessionType())
        ? store.clearGroupUnread(request.getUserId(), request.getSessionId())
        : store.clearUnread(request.getUserId(), request.getSessionId());
    return cleared.map(v -> request);
  }

  private Future<IMMessage.IMUnreadMsgCntRsp> unreadCounts(IMMessage.IMUnreadMsgCntReq request) {
    Future<List<UnreadRecord>> single = store.unreadCounts(request.getUserId());
    Future<List<UnreadRecord>> group = store.groupUnreadCounts(request.getUserId());
    return Future.all(single, group).map(both -> {
      IMMessage.IMUnreadMsgCntRsp.Builder response = IMMessage.IMUnreadMsgCntRsp.newBuilder()
          .setUserId(request.getUserId());
      int total = 0;
      List<UnreadRecord> unread = new java.util.ArrayList<>(single.result());
      unread.addAll(group.result());
      for (var session : unread) {
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
        ? store.groupMessages(request.getUserId(), request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt())
        : store.messages(request.getUserId(), request.getSessionId(), request.getMsgIdBegin(), request.getMsgCnt());
    return found.map(messages -> {
      messages.forEach(message -> response.addMsgList(ProtoMapping.msgInfo(message)));
      return response.build();
    });
  }

  private Future<IMMessage.IMGetLatestMsgIdRsp> latestMsgId(IMMessage.IMGetLatestMsgIdReq request) {
    IMMessage.IMGetLatestMsgIdRsp.Builder response = IMMessage.IMGetLatestMsgIdRsp.newBuilder()
        .setUserId(request.getUserId())
        .setSessionType(request.getSessionType())
        .setSessionId(request.getSessionId());
    Future<Integer> latestId = isGroup(request.getSessionType())
        ? store.latestGroupMessageId(request.getUserId(), request.getSessionId())
        : store.latestMessageId(request.getUserId(), request.getSessionId());
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
        ? store.groupMessagesByIds(request.getUserId(), request.getSessionId(), request.getMsgIdListList())
        : store.messagesByIds(request.getUserId(), request.getSessionId(), request.getMsgIdListList());
    return found.map(messages -> {
      messages.forEach(message -> response.addMsgList(ProtoMapping.msgInfo(message)));
      return response.build();
    });
  }

  private static boolean isGroup(IMBaseDefine.SessionType type) {
    return type == IMBaseDefine.SessionType.SESSION_TYPE_GROUP;
  }

  static boolean isGroupMessage(IMBaseDefine.MsgType type) {
    return type == IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT || type == IMBaseDefine.MsgType.MSG_TYPE_GROUP_AUDIO;
  }

  private static int nowSeconds() {
    return (int) (System.currentTimeMillis() / 1000);
  }
}
