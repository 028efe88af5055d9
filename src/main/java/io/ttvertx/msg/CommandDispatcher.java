package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.SwitchServiceCmdID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a client frame is matched to its handler. Before login only the login request
 * is accepted (heartbeats are answered by the connection itself); any other frame closes the
 * connection, unlike TeamTalk, which runs such commands as user 0.
 */
final class CommandDispatcher {
  private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

  private final LoginCommands login;
  private final BuddyCommands buddy;
  private final MessageCommands message;
  private final GroupCommands group;
  private final FileCommands file;

  CommandDispatcher(MsgVerticle server) {
    this.login = new LoginCommands(server);
    this.buddy = new BuddyCommands(server);
    this.message = new MessageCommands(server);
    this.group = new GroupCommands(server);
    this.file = new FileCommands(server, server.fileServers());
  }

  void dispatch(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    if (!connection.isOnline()) {
      if (pdu.commandId() == LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE
          && connection.state() == MsgConnection.State.AWAITING_LOGIN) {
        login.handleLogin(connection, pdu);
      } else {
        connection.close(pdu.describe() + " before login");
      }
      return;
    }
    connection.countCommand(pdu.serviceId(), pdu.commandId());
    switch (pdu.commandId()) {
      case LoginCmdID.CID_LOGIN_REQ_LOGINOUT_VALUE -> login.handleLogout(connection, pdu);
      case LoginCmdID.CID_LOGIN_REQ_KICKPCCLIENT_VALUE -> login.handleKickPcClient(connection, pdu);
      case LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE -> login.handleDeviceToken(connection, pdu);
      case LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE -> login.handlePushShield(connection, pdu);
      case LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE -> login.handleQueryPushShield(connection, pdu);
      case LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE -> connection.close("second login request on one connection");

      case BuddyListCmdID.CID_BUDDY_LIST_RECENT_CONTACT_SESSION_REQUEST_VALUE -> buddy.handleRecentSessions(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE -> buddy.handleUsersInfo(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_REMOVE_SESSION_REQ_VALUE -> buddy.handleRemoveSession(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE -> buddy.handleAllUsers(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_USERS_STATUS_REQUEST_VALUE -> buddy.handleUsersStatus(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE -> buddy.handleChangeAvatar(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_DEPARTMENT_REQUEST_VALUE -> buddy.handleDepartments(connection, pdu);
      case BuddyListCmdID.CID_BUDDY_LIST_CHANGE_SIGN_INFO_REQUEST_VALUE -> buddy.handleChangeSignInfo(connection, pdu);

      case MessageCmdID.CID_MSG_DATA_VALUE -> message.handleMsgData(connection, pdu);
      case MessageCmdID.CID_MSG_DATA_ACK_VALUE -> message.handleDeliveryAck(connection, pdu);
      case MessageCmdID.CID_MSG_READ_ACK_VALUE -> message.handleReadAck(connection, pdu);
      case MessageCmdID.CID_MSG_TIME_REQUEST_VALUE -> message.handleTime(connection, pdu);
      case MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE -> message.handleUnreadCount(connection, pdu);
      case MessageCmdID.CID_MSG_LIST_REQUEST_VALUE -> message.handleMsgList(connection, pdu);
      case MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_REQ_VALUE -> message.handleLatestMsgId(connection, pdu);
      case MessageCmdID.CID_MSG_GET_BY_MSG_ID_REQ_VALUE -> message.handleMsgById(connection, pdu);

      case GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE -> group.handleNormalList(connection, pdu);
      case GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE -> group.handleInfo(connection, pdu);
      case GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE -> group.handleCreate(connection, pdu);
      case GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE -> group.handleChangeMember(connection, pdu);
      case GroupCmdID.CID_GROUP_SHIELD_GROUP_REQUEST_VALUE -> group.handleShield(connection, pdu);

      case FileCmdID.CID_FILE_REQUEST_VALUE -> file.handleRequest(connection, pdu);
      case FileCmdID.CID_FILE_HAS_OFFLINE_REQ_VALUE -> file.handleHasOffline(connection, pdu);
      case FileCmdID.CID_FILE_ADD_OFFLINE_REQ_VALUE -> file.handleAddOffline(connection, pdu);
      case FileCmdID.CID_FILE_DEL_OFFLINE_REQ_VALUE -> file.handleDelOffline(connection, pdu);

      case SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE -> message.handleP2pCommand(connection, pdu);
      default -> log.info("connection {} (user {}): ignoring unsupported {}", connection.id(), connection.userId(),
          pdu.describe());
    }
  }
}
