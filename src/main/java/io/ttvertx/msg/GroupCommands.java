package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupType;
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
        .toBuilder().setUserId(connection.userId()).clearAttachData().build();
    forward(connection, pdu, request, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE);
  }

  void handleInfo(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupInfoListReq request = pdu.parse(IMGroup.IMGroupInfoListReq.parser());
    if (tooMany(connection, pdu, request.getGroupVersionListCount())) {
      return;
    }
    forward(connection, pdu, request.toBuilder().setUserId(connection.userId()).clearAttachData().build(),
        ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE);
  }

  void handleCreate(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupCreateReq request = pdu.parse(IMGroup.IMGroupCreateReq.parser());
    if (tooMany(connection, pdu, request.getMemberIdListCount())) {
      return;
    }
    if (request.getGroupType() != GroupType.GROUP_TYPE_TMP) {
      // clients create temporary groups only: TeamTalk's msg server drops the request, here it gets result 1
      connection.reply(pdu, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE,
          IMGroup.IMGroupCreateRsp.newBuilder().setUserId(connection.userId()).setResultCode(1)
              .setGroupName(request.getGroupName()).build());
      return;
    }
    IMGroup.IMGroupCreateReq own = request.toBuilder().setUserId(connection.userId()).clearAttachData().build();
    forward(connection, pdu, own, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CREATE_RESPONSE_VALUE, Order.CHANGE);
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
    IMGroup.IMGroupChangeMemberReq own = request.toBuilder().setUserId(connection.userId()).clearAttachData().build();
    forward(connection, pdu, own, ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CHANGE_MEMBER_RESPONSE_VALUE,
        Order.CHANGE).onSuccess(answer -> {
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
      server.route().deliver(told, Pdu.encode(ServiceID.SID_GROUP_VALUE,
          GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE, 0, notify), connection.id());
    });
  }

  void handleShield(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMGroup.IMGroupShieldReq request = pdu.parse(IMGroup.IMGroupShieldReq.parser())
        .toBuilder().setUserId(connection.userId()).clearAttachData().build();
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
