package io.ttvertx.db;

import io.ttvertx.bus.Actor;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.GroupVersion;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The group service (0x04) of the db proxy, as TeamTalk's GroupAction answers it, for the acting
 * user; group details and members are answered only to members (TeamTalk answers anyone), which the
 * store decides. Group messages are stored by {@link MessageAnswers}.
 */
final class GroupAnswers implements DbCommand.Answers {
  private static final int OK = 0;
  private static final int FAILED = 1;

  private final GroupStore store;

  GroupAnswers(GroupStore store) {
    this.store = store;
  }

  @Override
  public void register(DbCommand.Table commands) {
    commands.forUsers(GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, (user, body) -> normalGroups(user.userId()));
    commands.forUsers(GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE,
        (user, body) -> groupInfo(user.userId(), IMGroup.IMGroupInfoListReq.parseFrom(body)));
    // http_msg and the admin API create groups and change members too, as the administration or a named user
    commands.forBoth(GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE,
        (actor, body) -> create(actor, IMGroup.IMGroupCreateReq.parseFrom(body)));
    commands.forBoth(GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE, (actor, body) -> {
      IMGroup.IMGroupChangeMemberReq request = IMGroup.IMGroupChangeMemberReq.parseFrom(body);
      return changeMembers(actor.userOr(request.getUserId()), request);
    });
    commands.forUsers(GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE,
        (user, body) -> shield(user.userId(), IMGroup.IMGroupShieldReq.parseFrom(body)));
  }

  Future<IMGroup.IMNormalGroupListRsp> normalGroups(int userId) {
    return store.userGroups(userId, GroupStore.GROUP_TYPE_NORMAL).map(groups -> {
      IMGroup.IMNormalGroupListRsp.Builder response = IMGroup.IMNormalGroupListRsp.newBuilder().setUserId(userId);
      for (GroupVersion group : groups) {
        response.addGroupVersionList(IMBaseDefine.GroupVersionInfo.newBuilder()
            .setGroupId(group.groupId()).setVersion(group.version()));
      }
      return response.build();
    });
  }

  /**
   * The user's groups among those asked whose version is newer than the one the client holds (so
   * clients ask with version 0).
   */
  Future<IMGroup.IMGroupInfoListRsp> groupInfo(int userId, IMGroup.IMGroupInfoListReq request) {
    Map<Integer, Integer> heldVersions = new HashMap<>();
    request.getGroupVersionListList().forEach(held -> heldVersions.put(held.getGroupId(), held.getVersion()));
    IMGroup.IMGroupInfoListRsp.Builder response = IMGroup.IMGroupInfoListRsp.newBuilder().setUserId(userId);
    if (heldVersions.isEmpty()) {
      return Future.succeededFuture(response.build());
    }
    return store.memberGroups(userId, heldVersions.keySet()).compose(groups -> {
      List<GroupRecord> visible = groups.stream()
          .filter(group -> heldVersions.getOrDefault(group.id(), 0) < group.version())
          .toList();
      return Future.all(visible.stream().map(group -> store.groupShields(group.id(), List.of(userId))).toList())
          .map(shields -> {
            for (int i = 0; i < visible.size(); i++) {
              Map<Integer, Integer> shield = shields.resultAt(i);
              response.addGroupInfoList(groupInfo(visible.get(i), shield.getOrDefault(userId, 0)));
            }
            return response.build();
          });
    });
  }

  /**
   * A group created by the acting user, or for the system by {@code user_id} (0: the administration).
   * Users create temporary groups only, as TeamTalk's msg server allows (it drops the request; here it
   * is answered with result 1); the system creates normal ones too.
   */
  Future<IMGroup.IMGroupCreateRsp> create(Actor actor, IMGroup.IMGroupCreateReq request) {
    int creatorId = actor.userOr(request.getUserId());
    IMGroup.IMGroupCreateRsp.Builder response = IMGroup.IMGroupCreateRsp.newBuilder()
        .setUserId(creatorId)
        .setGroupName(request.getGroupName());
    if (actor.isUser() && request.getGroupType() != IMBaseDefine.GroupType.GROUP_TYPE_TMP) {
      return Future.succeededFuture(response.setResultCode(FAILED).build());
    }
    Set<Integer> members = new LinkedHashSet<>(request.getMemberIdListList());
    int type = request.getGroupType() == IMBaseDefine.GroupType.GROUP_TYPE_NORMAL ? GroupStore.GROUP_TYPE_NORMAL
        : GroupStore.GROUP_TYPE_TEMPORARY;
    return store.createGroup(creatorId, request.getGroupName(), request.getGroupAvatar(), type, members)
        .map(group -> response.setResultCode(OK).setGroupId(group.id()).addAllUserIdList(group.members()).build())
        .recover(refused -> Future.succeededFuture(response.setResultCode(FAILED).build()));
  }

  /** Who may change what is the store's rule, checked against the group's stored creator and members. */
  Future<IMGroup.IMGroupChangeMemberRsp> changeMembers(int userId, IMGroup.IMGroupChangeMemberReq request) {
    boolean add = request.getChangeType() == IMBaseDefine.GroupModifyType.GROUP_MODIFY_TYPE_ADD;
    return store.changeGroupMembers(userId, request.getGroupId(), add, request.getMemberIdListList())
        .map(change -> {
          IMGroup.IMGroupChangeMemberRsp.Builder response = IMGroup.IMGroupChangeMemberRsp.newBuilder()
              .setUserId(userId)
              .setChangeType(request.getChangeType())
              .setGroupId(request.getGroupId())
              .setResultCode(change.done() ? OK : FAILED);
          if (change.done()) {
            response.addAllCurUserIdList(change.current()).addAllChgUserIdList(change.changed());
          }
          return response.build();
        });
  }

  Future<IMGroup.IMGroupShieldRsp> shield(int userId, IMGroup.IMGroupShieldReq request) {
    return store.setGroupShield(userId, request.getGroupId(), request.getShieldStatus())
        .map(done -> IMGroup.IMGroupShieldRsp.newBuilder()
            .setUserId(userId)
            .setGroupId(request.getGroupId())
            .setResultCode(done ? OK : FAILED)
            .build());
  }

  private static IMBaseDefine.GroupInfo groupInfo(GroupRecord group, int shieldStatus) {
    return IMBaseDefine.GroupInfo.newBuilder()
        .setGroupId(group.id())
        .setVersion(group.version())
        .setGroupName(group.name() == null ? "" : group.name())
        .setGroupAvatar(group.avatar() == null ? "" : group.avatar())
        .setGroupCreatorId(group.creatorId())
        .setGroupType(group.type() == GroupStore.GROUP_TYPE_NORMAL ? IMBaseDefine.GroupType.GROUP_TYPE_NORMAL
            : IMBaseDefine.GroupType.GROUP_TYPE_TMP)
        .setShieldStatus(shieldStatus)
        .addAllGroupMemberList(group.members())
        .build();
  }
}
