package io.ttvertx.db;

import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminChatCmdID;
import io.ttvertx.proto.TTInternal.AdminResultCode;
import io.ttvertx.store.AdminRefusal;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.GroupVersion;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.MessageStore;
import io.vertx.core.Future;

import java.util.Comparator;
import java.util.List;

/**
 * The admin API's group and history commands (http_msg asks them): groups listed, read, renamed and
 * dissolved; the history of a conversation or group read whoever the participants are. A store
 * refusal is an answer with its code and reason, not a failure.
 */
final class AdminChatAnswers implements DbCommand.Answers {
  private final GroupStore groups;
  private final MessageStore messages;

  AdminChatAnswers(GroupStore groups, MessageStore messages) {
    this.groups = groups;
    this.messages = messages;
  }

  @Override
  public void register(DbCommand.Table commands) {
    commands.forSystem(AdminChatCmdID.CID_ADMIN_GROUP_LIST_VALUE,
        body -> listGroups(TTInternal.AdminGroupQuery.parseFrom(body)));
    commands.forSystem(AdminChatCmdID.CID_ADMIN_GROUP_GET_VALUE, body -> {
      int groupId = TTInternal.AdminGroupChange.parseFrom(body).getGroupId();
      return groups.groupsByIds(List.of(groupId)).map(found -> found.isEmpty()
          ? refused(AdminResultCode.ADMIN_NOT_FOUND, "no group " + groupId + " in use")
          : TTInternal.AdminGroupResult.newBuilder().setResult(AdminResultCode.ADMIN_OK).setGroup(group(found.get(0)))
              .build());
    });
    commands.forSystem(AdminChatCmdID.CID_ADMIN_GROUP_RENAME_VALUE, body -> {
      TTInternal.AdminGroupChange change = TTInternal.AdminGroupChange.parseFrom(body);
      return groupResult(groups.renameGroup(change.getGroupId(), change.hasName() ? change.getName() : null,
          change.hasAvatar() ? change.getAvatar() : null));
    });
    commands.forSystem(AdminChatCmdID.CID_ADMIN_GROUP_DISSOLVE_VALUE, body -> {
      int groupId = TTInternal.AdminGroupChange.parseFrom(body).getGroupId();
      // read first for the answer: the group as it was, with the members who left
      return groups.groupsByIds(List.of(groupId)).compose(found -> groupResult(groups.dissolveGroup(groupId)
          .map(change -> {
            GroupRecord before = found.isEmpty()
                ? new GroupRecord(groupId, "", "", 0, 0, 0, 0, change.changed()) : found.get(0);
            return new GroupRecord(before.id(), before.name(), before.avatar(), before.creatorId(), before.type(), 1,
                before.version(), change.changed());
          })));
    });
    commands.forSystem(AdminChatCmdID.CID_ADMIN_HISTORY_VALUE,
        body -> history(TTInternal.AdminHistoryQuery.parseFrom(body)));
  }

  private Future<TTInternal.AdminGroupPage> listGroups(TTInternal.AdminGroupQuery query) {
    Future<List<GroupRecord>> all = query.hasMemberId()
        ? groups.userGroups(query.getMemberId(), 0)
            .compose(memberOf -> groups.groupsByIds(memberOf.stream().map(GroupVersion::groupId).toList()))
        : groups.listGroups();
    return all.map(found -> {
      List<GroupRecord> byId = found.stream().sorted(Comparator.comparingInt(GroupRecord::id)).toList();
      TTInternal.AdminGroupPage.Builder page = TTInternal.AdminGroupPage.newBuilder().setTotal(byId.size());
      byId.stream().skip(query.getOffset()).limit(query.getLimit()).forEach(group -> page.addGroups(group(group)));
      return page.build();
    });
  }

  private Future<IMMessage.IMGetMsgListRsp> history(TTInternal.AdminHistoryQuery query) {
    boolean group = query.hasGroupId();
    Future<List<MessageRecord>> found = group
        ? groups.allGroupMessages(query.getGroupId(), query.getBeginMsgId(), query.getLimit())
        : messages.messages(query.getUserId(), query.getPeerId(), query.getBeginMsgId(), query.getLimit());
    return found.map(list -> {
      IMMessage.IMGetMsgListRsp.Builder answer = IMMessage.IMGetMsgListRsp.newBuilder()
          .setUserId(query.getUserId())
          .setSessionType(group ? SessionType.SESSION_TYPE_GROUP : SessionType.SESSION_TYPE_SINGLE)
          .setSessionId(group ? query.getGroupId() : query.getPeerId())
          .setMsgIdBegin(query.getBeginMsgId());
      list.forEach(message -> answer.addMsgList(ProtoMapping.msgInfo(message)));
      return answer.build();
    });
  }

  private static Future<TTInternal.AdminGroupResult> groupResult(Future<GroupRecord> change) {
    return change.map(group -> TTInternal.AdminGroupResult.newBuilder().setResult(AdminResultCode.ADMIN_OK)
            .setGroup(group(group)).build())
        .recover(failure -> failure instanceof AdminRefusal refusal
            ? Future.succeededFuture(refused(AdminAnswers.code(refusal.kind()), refusal.getMessage()))
            : Future.failedFuture(failure));
  }

  private static TTInternal.AdminGroupResult refused(AdminResultCode code, String reason) {
    return TTInternal.AdminGroupResult.newBuilder().setResult(code).setReason(reason).build();
  }

  private static TTInternal.AdminGroup group(GroupRecord group) {
    return TTInternal.AdminGroup.newBuilder()
        .setId(group.id())
        .setName(group.name())
        .setAvatar(group.avatar() == null ? "" : group.avatar())
        .setCreatorId(group.creatorId())
        .setType(group.type())
        .setVersion(group.version())
        .addAllMemberIds(group.members())
        .build();
  }
}
