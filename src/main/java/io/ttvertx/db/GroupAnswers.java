package io.ttvertx.db;

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
 * The group service (0x04) of the db proxy, as TeamTalk's GroupAction answers it. Requests arrive
 * with the logged-in user's id; group details and members are answered only to members (TeamTalk
 * answers anyone). Group messages are stored by {@link MessageAnswers}.
 */
final class GroupAnswers implements DbCommand.Answers {
  private static final int OK = 0;
  private static final int FAILED = 1;

  private final GroupStore store;

  GroupAnswers(GroupStore store) {
    this.store = store;
  }

  @Override
  public void register(Map<Integer, DbCommand> commands) {
    commands.put(GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE,
        body -> normalGroups(IMGroup.IMNormalGroupListReq.parseFrom(body)));
    commands.put(GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE, body -> groupInfo(IMGroup.IMGroupInfoListReq.parseFrom(body)));
    commands.put(GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, body -> create(IMGroup.IMGroupCreateReq.parseFrom(body)));
    commands.put(GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE,
        body -> changeMembers(IMGroup.IMGroupChangeMemberReq.parseFrom(body)));
    commands.put(GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE, body -> shield(IMGroup.IMGroupShieldReq.parseFrom(body)));
  }

  Future<IMGroup.IMNormalGroupListRsp> normalGroups(IMGroup.IMNormalGroupListReq request) {
    return store.userGroups(request.getUserId(), GroupStore.GROUP_TYPE_NORMAL).map(groups -> {
      IMGroup.IMNormalGroupListRsp.Builder response = IMGroup.IMNormalGroupListRsp.newBuilder()
          .setUserId(request.getUserId());
      for (GroupVersion group : groups) {
        response.addGroupVersionList(IMBaseDefine.GroupVersionInfo.newBuilder()
            .setGroupId(group.groupId()).setVersion(group.version()));
      }
      return response.build();
    });
  }

  /** Groups whose version is newer than the one the client holds (so clients ask with version 0). */
  Future<IMGroup.IMGroupInfoListRsp> groupInfo(IMGroup.IMGroupInfoListReq request) {
    int userId = request.getUserId();
    Map<Integer, Integer> heldVersions = new HashMap<>();
    request.getGroupVersionListList().forEach(held -> heldVersions.put(held.getGroupId(), held.getVersion()));
    IMGroup.IMGroupInfoListRsp.Builder response = IMGroup.IMGroupInfoListRsp.newBuilder().setUserId(userId);
    if (heldVersions.isEmpty()) {
      return Future.succeededFuture(response.build());
    }
    return store.groupsByIds(heldVersions.keySet()).compose(groups -> {
      List<GroupRecord> visible = groups.stream()
          .filter(group -> group.members().contains(userId))
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
   * A group of either type, created by {@code user_id} (0: the administration). msg lets clients
   * create temporary groups only, as TeamTalk's msg server does; http_msg creates normal ones too.
   */
  Future<IMGroup.IMGroupCreateRsp> create(IMGroup.IMGroupCreateReq request) {
    IMGroup.IMGroupCreateRsp.Builder response = IMGroup.IMGroupCreateRsp.newBuilder()
        .setUserId(request.getUserId())
        .setGroupName(request.getGroupName());
    Set<Integer> members = new LinkedHashSet<>(request.getMemberIdListList());
    int type = request.getGroupType() == IMBaseDefine.GroupType.GROUP_TYPE_NORMAL ? GroupStore.GROUP_TYPE_NORMAL
        : GroupStore.GROUP_TYPE_TEMPORARY;
    return store.createGroup(request.getUserId(), request.getGroupName(), request.getGroupAvatar(), type, members)
        .map(group -> response.setResultCode(OK).setGroupId(group.id()).addAllUserIdList(group.members()).build())
        .recover(refused -> Future.succeededFuture(response.setResultCode(FAILED).build()));
  }

  Future<IMGroup.IMGroupChangeMemberRsp> changeMembers(IMGroup.IMGroupChangeMemberReq request) {
    boolean add = request.getChangeType() == IMBaseDefine.GroupModifyType.GROUP_MODIFY_TYPE_ADD;
    return store.changeGroupMembers(request.getUserId(), request.getGroupId(), add, request.getMemberIdListList())
        .map(change -> {
          IMGroup.IMGroupChangeMemberRsp.Builder response = IMGroup.IMGroupChangeMemberRsp.newBuilder()
              .setUserId(request.getUserId())
              .setChangeType(request.getChangeType())
              .setGroupId(request.getGroupId())
              .setResultCode(change.done() ? OK : FAILED);
          if (change.done()) {
            response.addAllCurUserIdList(change.current()).addAllChgUserIdList(change.changed());
          }
          return response.build();
        });
  }

  Future<IMGroup.IMGroupShieldRsp> shield(IMGroup.IMGroupShieldReq request) {
    return store.setGroupShield(request.getUserId(), request.getGroupId(), request.getShieldStatus())
        .map(done -> IMGroup.IMGroupShieldRsp.newBuilder()
            .setUserId(request.getUserId())
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
