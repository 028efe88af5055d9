package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMGroup;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Group service (0x04): the group lists and details, creating temporary groups, adding and removing
 * members (with a notify to the members before and after the change) and the push shield.
 */
final class GroupCommands extends CommandHandlers {
  /** Most ids one request may name (groups asked about, members created or changed). */
  static final int MAX_IDS_PER_REQUEST = 2_000;

  GroupCommands(MsgVerticle server) {
    super(server);
  }

  void handleNormalList(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMNormalGroupListReq request = pdu.parse(IMGroup.IMNormalGroupListReq.parser())
        .toBuilder().clearAttachData().build();
    forward(connection, pdu, request, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE);
  }

  void handleInfo(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupInfoListReq request = pdu.parse(IMGroup.IMGroupInfoListReq.parser());
    if (tooMany(connection, pdu, request.getGroupVersionListCount())) {
      return;
    }
    forward(connection, pdu, request.toBuilder().clearAttachData().build(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE);
  }

  void handleCreate(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupCreateReq request = pdu.parse(IMGroup.IMGroupCreateReq.parser());
    if (tooMany(connection, pdu, request.getMemberIdListCount())) {
      return;
    }
    // the db proxy refuses a user's request for a normal group (result 1)
    forward(connection, pdu, request.toBuilder().clearAttachData().build(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, Order.CHANGE);
  }

  /**
   * After a change, every member before and after it (the changed users and the current members)
   * gets CHANGE_MEMBER_NOTIFY on all their connections but the requesting one, as TeamTalk sends it.
   */
  void handleChangeMember(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupChangeMemberReq request = pdu.parse(IMGroup.IMGroupChangeMemberReq.parser());
    if (tooMany(connection, pdu, request.getMemberIdListCount())) {
      return;
    }
    forward(connection, pdu, request.toBuilder().clearAttachData().build(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_CHANGE_MEMBER_RESPONSE_VALUE, Order.CHANGE).onSuccess(answer -> {
      IMGroup.IMGroupChangeMemberRsp response = parseAnswer(IMGroup.IMGroupChangeMemberRsp.parser(), answer);
      if (response.getResultCode() != 0) {
        return;
      }
      IMGroup.IMGroupChangeMemberNotify notify = IMGroup.IMGroupChangeMemberNotify.newBuilder()
          .setUserId(connection.userId())
          .setChangeType(response.getChangeType())
          .setGroupId(response.getGroupId())
          .addAllCurUserIdList(response.getCurUserIdListList())
          .addAllChgUserIdList(response.getChgUserIdListList())
          .build();
      Set<Integer> told = new LinkedHashSet<>(response.getChgUserIdListList());
      told.addAll(response.getCurUserIdListList());
      route(connection).deliver(told, Pdu.encode(ServiceID.SID_GROUP_VALUE,
          GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE, 0, notify), connection.id());
    });
  }

  void handleShield(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupShieldReq request = pdu.parse(IMGroup.IMGroupShieldReq.parser())
        .toBuilder().clearAttachData().build();
    forward(connection, pdu, request, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_SHIELD_GROUP_RESPONSE_VALUE,
        Order.CHANGE);
  }

  private static boolean tooMany(MsgConnection connection, Pdu pdu, int ids) {
    if (ids > MAX_IDS_PER_REQUEST) {
      connection.close(pdu.describe() + " names " + ids + " ids (at most " + MAX_IDS_PER_REQUEST + ")");
      return true;
    }
    return false;
  }
}
