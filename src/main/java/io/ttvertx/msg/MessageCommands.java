package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.bus.StoredMessages;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMBaseDefine.SwitchServiceCmdID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMSwitchService;
import io.ttvertx.proto.TTInternal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Message service (0x03) and the peer-to-peer command relay (0x06). A message is stored first; only
 * then does the sender get its DATA_ACK (with the id the store assigned) and do the copies go to
 * every connection of the receiver (of every member, for a group message) and to the sender's other
 * connections. A message the store refuses (a group the sender is not in, an unknown receiver)
 * gets no ack, as in TeamTalk: the client reports it unsent.
 */
final class MessageCommands extends CommandHandlers {
  /** Most ids one GET_BY_MSG_ID request may ask for. */
  static final int MAX_IDS_PER_REQUEST = 1_000;

  MessageCommands(MsgVerticle server) {
    super(server);
  }

  void handleMsgData(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMMsgData message = pdu.parse(IMMessage.IMMsgData.parser());
    boolean group = message.getMsgType() == MsgType.MSG_TYPE_GROUP_TEXT
        || message.getMsgType() == MsgType.MSG_TYPE_GROUP_AUDIO;
    String type = metricType(message.getMsgType());
    long receivedAt = System.currentTimeMillis();
    server.metrics().messageReceived(type);
    // the time is the server's, the store assigns the id (TeamTalk ignores the client's), and the db
    // proxy makes the logged-in user the sender
    IMMessage.IMMsgData toStore = message.toBuilder()
        .setCreateTime(server.nowSeconds())
        .setMsgId(0)
        .clearAttachData()
        .build();
    ask(connection, pdu, MessageCmdID.CID_MSG_DATA_VALUE, toStore, Order.MESSAGE).onSuccess(answer -> {
      server.metrics().messageStored(type);
      if (group) {
        TTInternal.StoredGroupMsg stored = parseAnswer(TTInternal.StoredGroupMsg.parser(), answer);
        acknowledge(connection, pdu, stored.getMsg(), SessionType.SESSION_TYPE_GROUP);
        route(connection).deliverMessage(stored.getMemberIdListList(),
            Pdu.encode(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, 0, stored.getMsg()), connection.id(),
            receivedAt);
        StoredMessages.handOff(server.eventBus(), true, answer);
      } else {
        IMMessage.IMMsgData stored = parseAnswer(IMMessage.IMMsgData.parser(), answer);
        acknowledge(connection, pdu, stored, SessionType.SESSION_TYPE_SINGLE);
        List<Integer> to = List.of(stored.getToSessionId(), connection.userId());
        Buffer copy = new Pdu(Pdu.VERSION, 0, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, 0, 0, answer)
            .encode();
        if (connection.isWeb()) {
          route(connection).deliverMessageReached(to, copy, connection.id(), receivedAt)
              .onSuccess(reached -> sendDeliveryReceipt(connection, stored, reached));
        } else {
          route(connection).deliverMessage(to, copy, connection.id(), receivedAt);
        }
        StoredMessages.handOff(server.eventBus(), false, answer);
      }
    });
  }

  /** Each type's label, made once: "single_text", "group_audio"... */
  private static final Map<MsgType, String> METRIC_TYPES = new EnumMap<>(MsgType.class);

  static {
    for (MsgType type : MsgType.values()) {
      METRIC_TYPES.put(type, type.name().replace("MSG_TYPE_", "").toLowerCase(Locale.ROOT));
    }
  }

  /** The type's metric label; "unknown" for a type no client sends. */
  private static String metricType(MsgType type) {
    return type == null ? "unknown" : METRIC_TYPES.get(type);
  }

  private static void acknowledge(MsgConnection connection, Pdu pdu, IMMessage.IMMsgData stored, SessionType type) {
    connection.reply(pdu, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_ACK_VALUE,
        IMMessage.IMMsgDataAck.newBuilder()
            .setUserId(connection.userId())
            .setSessionId(stored.getToSessionId())
            .setMsgId(stored.getMsgId())
            .setSessionType(type)
            .build());
  }

  /**
   * Tells a browser that its 1:1 message reached a connection of the receiver: a DATA_ACK pushed with
   * seq 0 whose user and session are the receiver. Only the web client asks for it (TeamTalk's
   * clients get no delivery receipts and never see one).
   */
  private static void sendDeliveryReceipt(MsgConnection connection, IMMessage.IMMsgData stored, JsonArray reached) {
    int receiver = stored.getToSessionId();
    if (receiver != connection.userId() && reached.contains(receiver)) {
      connection.write(Pdu.encode(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_ACK_VALUE, 0,
          IMMessage.IMMsgDataAck.newBuilder().setUserId(receiver).setSessionId(receiver)
              .setMsgId(stored.getMsgId()).setSessionType(SessionType.SESSION_TYPE_SINGLE).build()));
    }
  }

  /** A receiver's acknowledgement of a delivered copy; TeamTalk only logs it. */
  void handleDeliveryAck(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    pdu.parse(IMMessage.IMMsgDataAck.parser());
  }

  void handleReadAck(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMMsgDataReadAck request = pdu.parse(IMMessage.IMMsgDataReadAck.parser());
    ask(connection, pdu, MessageCmdID.CID_MSG_READ_ACK_VALUE, request, Order.CHANGE).onSuccess(answer -> {
      IMMessage.IMMsgDataReadNotify notify = IMMessage.IMMsgDataReadNotify.newBuilder()
          .setUserId(connection.userId())
          .setSessionId(request.getSessionId())
          .setMsgId(request.getMsgId())
          .setSessionType(request.getSessionType())
          .build();
      route(connection).deliverToOwnDevices(Pdu.encode(ServiceID.SID_MSG_VALUE,
          MessageCmdID.CID_MSG_READ_NOTIFY_VALUE, 0, notify), connection.id());
      if (request.getSessionType() == SessionType.SESSION_TYPE_SINGLE && request.getSessionId() != connection.userId()) {
        // the other side's browsers learn it was read: the notify names the reader as user and session
        IMMessage.IMMsgDataReadNotify receipt = notify.toBuilder().setSessionId(connection.userId()).build();
        route(connection).deliverToBrowsers(request.getSessionId(), Pdu.encode(ServiceID.SID_MSG_VALUE,
            MessageCmdID.CID_MSG_READ_NOTIFY_VALUE, 0, receipt));
      }
    });
  }

  void handleTime(MsgConnection connection, Pdu pdu) {
    connection.reply(pdu, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_TIME_RESPONSE_VALUE,
        IMMessage.IMClientTimeRsp.newBuilder().setServerTime(server.nowSeconds()).build());
  }

  void handleUnreadCount(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMUnreadMsgCntReq request = pdu.parse(IMMessage.IMUnreadMsgCntReq.parser());
    forward(connection, pdu, request, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE);
  }

  void handleMsgList(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMGetMsgListReq request = pdu.parse(IMMessage.IMGetMsgListReq.parser());
    IMMessage.IMGetMsgListReq bounded = request.toBuilder()
        .setMsgCnt(Math.min(request.getMsgCnt(), server.options().msgListLimit()))
        .build();
    forward(connection, pdu, bounded, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE);
  }

  void handleLatestMsgId(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMGetLatestMsgIdReq request = pdu.parse(IMMessage.IMGetLatestMsgIdReq.parser());
    forward(connection, pdu, request, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_GET_LATEST_MSG_ID_RSP_VALUE);
  }

  void handleMsgById(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMMessage.IMGetMsgByIdReq request = pdu.parse(IMMessage.IMGetMsgByIdReq.parser());
    if (request.getMsgIdListCount() > MAX_IDS_PER_REQUEST) {
      connection.close("message request for " + request.getMsgIdListCount() + " ids");
      return;
    }
    forward(connection, pdu, request, ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_GET_BY_MSG_ID_RES_VALUE);
  }

  /**
   * Relays a peer-to-peer command (such as "typing") to the other user's connections, as TeamTalk
   * does. The relays count in the sender's pending budget (and have a rate of their own, see
   * {@link MsgConnection#countCommand}), so a client cannot flood someone's connections with them.
   */
  void handleP2pCommand(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMSwitchService.IMP2PCmdMsg command = pdu.parse(IMSwitchService.IMP2PCmdMsg.parser())
        .toBuilder().setFromUserId(connection.userId()).build();
    connection.requestStarted();
    route(connection).relay(command.getToUserId(), Pdu.encode(ServiceID.SID_SWITCH_SERVICE_VALUE,
        SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE, 0, command), connection.id())
        .onComplete(ar -> connection.requestFinished());
  }
}
