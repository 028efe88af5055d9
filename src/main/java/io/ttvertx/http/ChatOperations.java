package io.ttvertx.http;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.StoredMessages;
import io.ttvertx.bus.DbClient;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.http.AdminOperations.Answer;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.GroupType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminChatCmdID;
import io.ttvertx.proto.TTInternal.AdminCmdID;
import io.ttvertx.proto.TTInternal.AdminResultCode;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PictureText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API's groups, messages, notices and history, one method per operationId. Group changes
 * and messages take the paths a client's take (the db proxy's group and CID_MSG_DATA commands), so
 * members hear of changes, and messages get their ids, unread counts, recent sessions, delivery to
 * every connection of the receivers and the sender, and a push, as when a client sends them. Text is
 * plain UTF-8 in the API and encrypted with db.aesKey as clients encrypt it.
 */
final class ChatOperations {
  private static final Logger log = LoggerFactory.getLogger(ChatOperations.class);
  /** IMMessage.content holds at most 4096 characters of the encrypted (base64) text. */
  static final int MAX_STORED_TEXT = 4096;
  static final int DEFAULT_GROUP_PAGE = 50;
  static final int DEFAULT_HISTORY_PAGE = 100;
  /** Users asked of the store at a time when a notice goes to everyone. */
  static final int NOTICE_USER_PAGE = 500;
  static final int ADMINISTRATION = 0;

  private final Vertx vertx;
  private final DbClient db;
  private final AdminOperations admin;
  private final MessageCipher cipher;
  private final int noticeSenderId;

  ChatOperations(Vertx vertx, DbClient db, AdminOperations admin, MessageCipher cipher, int noticeSenderId) {
    this.vertx = vertx;
    this.db = db;
    this.admin = admin;
    this.cipher = cipher;
    this.noticeSenderId = noticeSenderId;
  }

  // ---- groups

  Future<Answer> createGroup(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    int creatorId = body.getInteger("creatorId", ADMINISTRATION);
    GroupType type = "temporary".equals(body.getString("type", "normal")) ? GroupType.GROUP_TYPE_TMP
        : GroupType.GROUP_TYPE_NORMAL;
    String name = body.getString("name");
    String avatar = body.getString("avatar", "");
    List<Integer> memberIds = ids(body.getJsonArray("memberIds", new JsonArray()));
    IMGroup.IMGroupCreateReq create = IMGroup.IMGroupCreateReq.newBuilder()
        .setUserId(creatorId)
        .setGroupType(type)
        .setGroupName(name)
        .setGroupAvatar(avatar)
        .addAllMemberIdList(memberIds)
        .build();
    Future<?> creatorExists = creatorId == ADMINISTRATION ? Future.succeededFuture() : requireUser(creatorId);
    return creatorExists
        .compose(v -> admin.ask(GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, create, IMGroup.IMGroupCreateRsp.parser()))
        .compose(created -> {
          if (created.getResultCode() != 0) {
            return Future.failedFuture(new ApiError(422, ApiError.INVALID,
                "the group was not created: none of creatorId and memberIds is an existing user"));
          }
          log.info("admin API: created group {} '{}' by {} with {} members", created.getGroupId(), name, creatorId,
              created.getUserIdListCount());
          return Future.succeededFuture(new Answer(201, new JsonObject()
              .put("id", created.getGroupId()).put("name", name).put("avatar", avatar).put("creatorId", creatorId)
              .put("type", typeName(type.getNumber())).put("version", 1)
              .put("memberIds", new JsonArray(new ArrayList<>(created.getUserIdListList())))));
        });
  }

  Future<Answer> listGroups(ValidatedRequest request) {
    int offset = intParameter(request.getQuery().get("offset"), 0);
    int limit = intParameter(request.getQuery().get("limit"), DEFAULT_GROUP_PAGE);
    TTInternal.AdminGroupQuery.Builder query = TTInternal.AdminGroupQuery.newBuilder().setOffset(offset).setLimit(limit);
    RequestParameter memberId = request.getQuery().get("memberId");
    if (memberId != null && !memberId.isNull()) {
      query.setMemberId(memberId.getInteger());
    }
    return admin.ask(AdminChatCmdID.CID_ADMIN_GROUP_LIST_VALUE, query.build(), TTInternal.AdminGroupPage.parser())
        .map(page -> {
          JsonArray items = new JsonArray();
          page.getGroupsList().forEach(group -> items.add(groupJson(group)));
          return Answer.ok(new JsonObject().put("items", items).put("total", page.getTotal()).put("offset", offset)
              .put("limit", limit));
        });
  }

  Future<Answer> getGroup(ValidatedRequest request) {
    return findGroup(groupId(request)).map(group -> Answer.ok(groupJson(group)));
  }

  /** A new name or avatar raises the group's version: clients fetch the group's info when its version changed. */
  Future<Answer> updateGroup(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    TTInternal.AdminGroupChange.Builder change = TTInternal.AdminGroupChange.newBuilder().setGroupId(groupId(request));
    if (body.containsKey("name")) {
      change.setName(body.getString("name"));
    }
    if (body.containsKey("avatar")) {
      change.setAvatar(body.getString("avatar"));
    }
    return askGroup(AdminChatCmdID.CID_ADMIN_GROUP_RENAME_VALUE, change.build()).map(group -> {
      log.info("admin API: group {} is now '{}' (version {})", group.getId(), group.getName(), group.getVersion());
      return Answer.ok(groupJson(group));
    });
  }

  /** Adds, then removes, as the administration; the members before and after each change are told as by a client. */
  Future<Answer> changeGroupMembers(ValidatedRequest request) {
    int groupId = groupId(request);
    JsonObject body = request.getBody().getJsonObject();
    List<Integer> add = ids(body.getJsonArray("add", new JsonArray()));
    List<Integer> remove = ids(body.getJsonArray("remove", new JsonArray()));
    List<Integer> added = new ArrayList<>();
    List<Integer> removed = new ArrayList<>();
    return findGroup(groupId)
        .compose(group -> add.isEmpty() ? Future.succeededFuture()
            : changeMembers(groupId, GroupModifyType.GROUP_MODIFY_TYPE_ADD, add).map(added::addAll))
        .compose(v -> remove.isEmpty() ? Future.succeededFuture()
            : changeMembers(groupId, GroupModifyType.GROUP_MODIFY_TYPE_DEL, remove).map(removed::addAll))
        .compose(v -> findGroup(groupId))
        .map(group -> {
          log.info("admin API: group {}: added {}, removed {}", groupId, added, removed);
          return Answer.ok(groupJson(group).put("added", new JsonArray(added)).put("removed", new JsonArray(removed)));
        });
  }

  /** Every member leaves (and is told, as when removed); the group is marked dissolved (IMGroup.status 1). */
  Future<Answer> dissolveGroup(ValidatedRequest request) {
    int groupId = groupId(request);
    return askGroup(AdminChatCmdID.CID_ADMIN_GROUP_DISSOLVE_VALUE,
        TTInternal.AdminGroupChange.newBuilder().setGroupId(groupId).build()).map(group -> {
          HttpMsgVerticle.tellMembers(vertx, ADMINISTRATION, GroupModifyType.GROUP_MODIFY_TYPE_DEL, groupId, List.of(),
              group.getMemberIdsList());
          log.info("admin API: dissolved group {} '{}' ({} members left)", groupId, group.getName(),
              group.getMemberIdsCount());
          return Answer.ok(new JsonObject().put("id", groupId).put("dissolved", true)
              .put("formerMemberIds", new JsonArray(new ArrayList<>(group.getMemberIdsList()))));
        });
  }

  private Future<List<Integer>> changeMembers(int groupId, GroupModifyType type, List<Integer> userIds) {
    IMGroup.IMGroupChangeMemberReq change = IMGroup.IMGroupChangeMemberReq.newBuilder()
        .setUserId(ADMINISTRATION)
        .setChangeType(type)
        .setGroupId(groupId)
        .addAllMemberIdList(userIds)
        .build();
    return admin.ask(GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE, change, IMGroup.IMGroupChangeMemberRsp.parser())
        .compose(changed -> {
          if (changed.getResultCode() != 0) {
            return Future.failedFuture(new ApiError(404, ApiError.NOT_FOUND, "no group " + groupId + " in use"));
          }
          if (changed.getChgUserIdListCount() > 0) {
            HttpMsgVerticle.tellMembers(vertx, ADMINISTRATION, type, groupId, changed.getCurUserIdListList(),
                changed.getChgUserIdListList());
          }
          return Future.succeededFuture(changed.getChgUserIdListList());
        });
  }

  private Future<TTInternal.AdminGroup> findGroup(int groupId) {
    return askGroup(AdminChatCmdID.CID_ADMIN_GROUP_GET_VALUE,
        TTInternal.AdminGroupChange.newBuilder().setGroupId(groupId).build());
  }

  private Future<TTInternal.AdminGroup> askGroup(int command, TTInternal.AdminGroupChange change) {
    return admin.ask(command, change, TTInternal.AdminGroupResult.parser())
        .compose(result -> result.getResult() == AdminResultCode.ADMIN_OK ? Future.succeededFuture(result.getGroup())
            : Future.failedFuture(AdminOperations.refusal(result.getResult(), result.getReason())));
  }

  // ---- messages

  /** As a client's message: from fromUserId to toUserId or to groupId (of which the sender must be a member). */
  Future<Answer> sendMessage(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    int fromUserId = body.getInteger("fromUserId");
    Integer toUserId = body.getInteger("toUserId");
    Integer groupId = body.getInteger("groupId");
    if ((toUserId == null) == (groupId == null)) {
      return Future.failedFuture(new ApiError(400, ApiError.BAD_REQUEST, "give exactly one of toUserId and groupId"));
    }
    byte[] content;
    try {
      content = content(body);
    } catch (ApiError refusal) {
      return Future.failedFuture(refusal);
    }
    Future<?> checked = requireUser(fromUserId).compose(v -> toUserId != null ? requireUser(toUserId)
        : findGroup(groupId).compose(group -> group.getMemberIdsList().contains(fromUserId) ? Future.succeededFuture()
            : Future.failedFuture(new ApiError(403, ApiError.FORBIDDEN,
                "user " + fromUserId + " is no member of group " + groupId + " and may not send to it"))));
    return checked.compose(v -> toUserId != null
            ? store(fromUserId, toUserId, MsgType.MSG_TYPE_SINGLE_TEXT, content, true)
            : store(fromUserId, groupId, MsgType.MSG_TYPE_GROUP_TEXT, content, true))
        .map(sent -> {
          log.info("admin API: user {} sent message {} to {} {}", fromUserId, sent.getInteger("msgId"),
              toUserId != null ? "user" : "group", toUserId != null ? toUserId : groupId);
          return new Answer(201, sent);
        });
  }

  /**
   * A message from the configured system user (httpMsg.noticeSenderId) to each of userIds, to each
   * member of groupId, or to every user who may log in, a page of users at a time; each is a 1:1
   * message, stored, so whoever is offline sees it at the next login.
   */
  Future<Answer> sendNotice(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    JsonArray userIds = body.getJsonArray("userIds");
    Integer groupId = body.getInteger("groupId");
    boolean everyone = body.getBoolean("everyone", false);
    int targets = (userIds != null ? 1 : 0) + (groupId != null ? 1 : 0) + (everyone ? 1 : 0);
    if (targets != 1) {
      return Future.failedFuture(new ApiError(400, ApiError.BAD_REQUEST,
          "give exactly one of userIds, groupId and everyone: true"));
    }
    if (noticeSenderId == 0) {
      return Future.failedFuture(new ApiError(409, ApiError.CONFLICT, "no system user sends notices: configure"
          + " httpMsg.noticeSenderId (env TT_HTTP_NOTICE_SENDER_ID) with the id of an existing user, such as an admin account"));
    }
    byte[] content;
    try {
      content = content(body);
    } catch (ApiError refusal) {
      return Future.failedFuture(refusal);
    }
    Future<Integer> sent = requireUser(noticeSenderId)
        .recover(failure -> Future.failedFuture(failure instanceof ApiError refusal && refusal.status == 404
            ? new ApiError(409, ApiError.CONFLICT, "httpMsg.noticeSenderId " + noticeSenderId + " is no user: configure"
                + " the id of an existing user") : failure))
        .compose(v -> {
          if (everyone) {
            return noticeToEveryone(content, 0, 0);
          }
          if (groupId != null) {
            return findGroup(groupId).compose(group -> noticeTo(group.getMemberIdsList(), content));
          }
          List<Integer> ids = ids(userIds);
          return existingUsers(ids).compose(found -> {
            List<Integer> unknown = ids.stream().filter(id -> !found.contains(id)).distinct().toList();
            return unknown.isEmpty() ? noticeTo(ids, content)
                : Future.failedFuture(new ApiError(404, ApiError.NOT_FOUND, "no users " + unknown));
          });
        });
    return sent.map(count -> {
      log.info("admin API: notice from user {} sent to {} users", noticeSenderId, count);
      return new Answer(201, new JsonObject().put("sent", count).put("fromUserId", noticeSenderId));
    });
  }

  private Future<Integer> noticeToEveryone(byte[] content, int offset, int sentSoFar) {
    TTInternal.AdminUserQuery page = TTInternal.AdminUserQuery.newBuilder().setOffset(offset).setLimit(NOTICE_USER_PAGE)
        .build();
    return admin.ask(AdminCmdID.CID_ADMIN_USER_LIST_VALUE, page, TTInternal.AdminUserPage.parser())
        .compose(users -> noticeTo(users.getUsersList().stream()
                .filter(user -> user.getStatus() == AdminOperations.STATUS_ACTIVE)
                .map(TTInternal.AdminUser::getId).toList(), content)
            .compose(sent -> users.getUsersCount() < NOTICE_USER_PAGE ? Future.succeededFuture(sentSoFar + sent)
                : noticeToEveryone(content, offset + NOTICE_USER_PAGE, sentSoFar + sent)));
  }

  private Future<Integer> noticeTo(List<Integer> userIds, byte[] content) {
    Set<Integer> receivers = new LinkedHashSet<>(userIds);
    receivers.remove(noticeSenderId);
    return Future.all(receivers.stream()
            .map(userId -> store(noticeSenderId, userId, MsgType.MSG_TYPE_SINGLE_TEXT, content, false)).toList())
        .map(all -> receivers.size());
  }

  /**
   * Stores the message through the db proxy's CID_MSG_DATA as msg does, then delivers the stored frame
   * to every connection of the receivers (and of the sender when {@code copyToSender}: not for notices,
   * which would flood the system account's clients), and hands it to a push verticle.
   */
  private Future<JsonObject> store(int fromUserId, int toSessionId, MsgType type, byte[] content,
                                   boolean copyToSender) {
    boolean group = type == MsgType.MSG_TYPE_GROUP_TEXT;
    IMMessage.IMMsgData message = IMMessage.IMMsgData.newBuilder()
        .setFromUserId(fromUserId)
        .setToSessionId(toSessionId)
        .setMsgId(0)
        .setCreateTime((int) (System.currentTimeMillis() / 1000))
        .setMsgType(type)
        .setMsgData(ByteString.copyFrom(content))
        .build();
    return db.request(MessageCmdID.CID_MSG_DATA_VALUE, Actor.SYSTEM, message)
        .recover(failure -> Future.failedFuture(new ApiError(503, ApiError.UNAVAILABLE,
            "the message was not stored: " + failure.getMessage())))
        .map(answer -> {
          IMMessage.IMMsgData stored;
          List<Integer> receivers;
          if (group) {
            TTInternal.StoredGroupMsg storedGroup = parse(answer, TTInternal.StoredGroupMsg.parser());
            stored = storedGroup.getMsg();
            receivers = new ArrayList<>(storedGroup.getMemberIdListList());
          } else {
            stored = parse(answer, IMMessage.IMMsgData.parser());
            receivers = new ArrayList<>(List.of(toSessionId));
          }
          if (copyToSender && !receivers.contains(fromUserId)) {
            receivers.add(fromUserId);
          }
          vertx.eventBus().send(Addresses.ROUTE_DELIVER,
              Pdu.encode(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, 0, stored),
              new DeliveryOptions().addHeader(Addresses.TO,
                  receivers.stream().map(String::valueOf).collect(Collectors.joining(","))));
          StoredMessages.handOff(vertx.eventBus(), group, answer);
          return new JsonObject().put("msgId", stored.getMsgId()).put("sessionId", toSessionId)
              .put("sessionType", group ? "group" : "single").put("createTime", stored.getCreateTime());
        });
  }

  /** The encrypted bytes of "text", or of "pictureUrl" inside the clients' picture markers. */
  private byte[] content(JsonObject body) {
    String text = body.getString("text");
    String pictureUrl = body.getString("pictureUrl");
    if ((text == null) == (pictureUrl == null)) {
      throw new ApiError(400, ApiError.BAD_REQUEST, "give exactly one of text and pictureUrl");
    }
    String plain = text != null ? text : PictureText.of(pictureUrl);
    byte[] encrypted = cipher.encrypt(plain.getBytes(StandardCharsets.UTF_8));
    if (encrypted.length > MAX_STORED_TEXT) {
      throw new ApiError(422, ApiError.INVALID, "the message is too long: encrypted it has " + encrypted.length
          + " characters, a message holds at most " + MAX_STORED_TEXT + " (about 3000 bytes of UTF-8)");
    }
    return encrypted;
  }

  // ---- history

  /** A conversation (userId and peerId) or a group's messages, newest first, before beforeMsgId; any participants. */
  Future<Answer> history(ValidatedRequest request) {
    RequestParameter userParameter = request.getQuery().get("userId");
    RequestParameter peerParameter = request.getQuery().get("peerId");
    RequestParameter groupParameter = request.getQuery().get("groupId");
    int userId = intParameter(userParameter, 0);
    int peerId = intParameter(peerParameter, 0);
    int groupId = intParameter(groupParameter, 0);
    int beforeMsgId = intParameter(request.getQuery().get("beforeMsgId"), 0);
    int limit = intParameter(request.getQuery().get("limit"), DEFAULT_HISTORY_PAGE);
    boolean conversation = userId != 0 && peerId != 0 && groupId == 0;
    if (!conversation && !(groupId != 0 && userId == 0 && peerId == 0)) {
      return Future.failedFuture(new ApiError(400, ApiError.BAD_REQUEST,
          "give userId and peerId (a conversation) or groupId (a group)"));
    }
    JsonObject page = new JsonObject().put("items", new JsonArray()).putNull("nextBeforeMsgId");
    if (beforeMsgId == 1) {
      return Future.succeededFuture(Answer.ok(page));
    }
    TTInternal.AdminHistoryQuery.Builder query = TTInternal.AdminHistoryQuery.newBuilder()
        .setBeginMsgId(beforeMsgId == 0 ? 0 : beforeMsgId - 1).setLimit(limit);
    Future<?> checked;
    if (conversation) {
      query.setUserId(userId).setPeerId(peerId);
      checked = requireUser(userId).compose(v -> requireUser(peerId));
    } else {
      query.setGroupId(groupId);
      checked = Future.succeededFuture();
    }
    return checked
        .compose(v -> admin.ask(AdminChatCmdID.CID_ADMIN_HISTORY_VALUE, query.build(),
            IMMessage.IMGetMsgListRsp.parser()))
        .map(found -> {
          JsonArray items = page.getJsonArray("items");
          found.getMsgListList().forEach(message -> items.add(historyItem(message)));
          int count = found.getMsgListCount();
          int oldest = count == 0 ? 0 : found.getMsgList(count - 1).getMsgId();
          if (count == limit && oldest > 1) {
            page.put("nextBeforeMsgId", oldest);
          }
          return Answer.ok(page);
        });
  }

  private JsonObject historyItem(IMBaseDefine.MsgInfo message) {
    MsgType type = message.getMsgType();
    boolean audio = type == MsgType.MSG_TYPE_SINGLE_AUDIO || type == MsgType.MSG_TYPE_GROUP_AUDIO;
    JsonObject item = new JsonObject()
        .put("msgId", message.getMsgId())
        .put("fromUserId", message.getFromSessionId())
        .put("createTime", message.getCreateTime())
        .put("type", type.name().substring("MSG_TYPE_".length()).toLowerCase(Locale.ROOT));
    if (audio) {
      return item.putNull("text").put("audioBytes", message.getMsgData().size());
    }
    String text = plainText(message.getMsgData().toByteArray());
    item.put("text", text);
    String pictureUrl = PictureText.urlOf(text);
    if (pictureUrl != null) {
      item.put("pictureUrl", pictureUrl);
    }
    return item;
  }

  /** The decrypted text; a text that is not encrypted (a client that does not encrypt) as it is. */
  private String plainText(byte[] stored) {
    try {
      return new String(cipher.decrypt(stored), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncrypted) {
      return new String(stored, StandardCharsets.UTF_8);
    }
  }

  // ---- helpers

  private Future<TTInternal.AdminUser> requireUser(int userId) {
    return admin.askUser(AdminCmdID.CID_ADMIN_USER_GET_VALUE,
        TTInternal.AdminUserChange.newBuilder().setUserId(userId).build());
  }

  private Future<Set<Integer>> existingUsers(List<Integer> userIds) {
    return Future.all(userIds.stream().distinct().map(id -> requireUser(id).map(user -> id).otherwise(0)).toList())
        .map(all -> all.<Integer>list().stream().filter(id -> id != 0).collect(Collectors.toSet()));
  }

  static JsonObject groupJson(TTInternal.AdminGroup group) {
    return new JsonObject()
        .put("id", group.getId())
        .put("name", group.getName())
        .put("avatar", group.getAvatar())
        .put("creatorId", group.getCreatorId())
        .put("type", typeName(group.getType()))
        .put("version", group.getVersion())
        .put("memberIds", new JsonArray(new ArrayList<>(group.getMemberIdsList())));
  }

  static String typeName(int groupType) {
    return groupType == GroupType.GROUP_TYPE_TMP_VALUE ? "temporary" : "normal";
  }

  private static List<Integer> ids(JsonArray array) {
    List<Integer> ids = new ArrayList<>(array.size());
    array.forEach(id -> ids.add(((Number) id).intValue()));
    return ids;
  }

  private static int groupId(ValidatedRequest request) {
    return request.getPathParameters().get("groupId").getInteger();
  }

  private static int intParameter(RequestParameter parameter, int absent) {
    return parameter == null || parameter.isNull() ? absent : parameter.getInteger();
  }

  private static <T> T parse(Buffer answer, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(answer.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("db proxy answered with undecodable bytes", e);
    }
  }
}
