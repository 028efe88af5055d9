package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.bus.Actor;
import io.ttvertx.protocol.ClientTypes;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.KickReasonType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBaseDefine.ResultType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** Login service (0x01): login, logout, a mobile kicking the PC client, device tokens. */
final class LoginCommands extends CommandHandlers {
  private static final Logger log = LoggerFactory.getLogger(LoginCommands.class);

  LoginCommands(MsgVerticle server) {
    super(server);
  }

  /**
   * A login waits first if its user name or its address has failed to log in too often (see
   * {@link LoginThrottle}); one that would wait past the login timeout is refused at once.
   */
  void handleLogin(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMLogin.IMLoginReq request = pdu.parse(IMLogin.IMLoginReq.parser());
    connection.loggingIn();
    String throttleName = request.getUserName().toLowerCase(Locale.ROOT);
    long maxWaitMs = Math.max(0, server.options().loginTimeoutSeconds() * 1000L - 2_000);
    LoginThrottle.Wait wait = server.loginThrottle().attempt(throttleName, connection.remoteHost(),
        System.currentTimeMillis(), maxWaitMs);
    if (wait.addressDelayed()) {
      server.limits().hit(RateLimit.LOGIN_ADDRESS, "address " + connection.remoteHost());
    }
    if (wait.userDelayed()) {
      server.limits().hit(RateLimit.LOGIN_USER, "user name '" + request.getUserName() + "'");
    }
    if (wait.refused()) {
      refuse(connection, pdu, ResultType.REFUSE_REASON_DB_VALIDATE_FAILED,
          "too many failed logins from this address; try again later");
    } else if (wait.delayMs() > 0) {
      server.vertx().setTimer(wait.delayMs(), t -> {
        if (!connection.isClosed()) {
          validate(connection, pdu, request, throttleName);
        }
      });
    } else {
      validate(connection, pdu, request, throttleName);
    }
  }

  private void validate(MsgConnection connection, Pdu pdu, IMLogin.IMLoginReq request, String throttleName) {
    int clientType = request.getClientType().getNumber();
    IMServer.IMValidateReq validate = IMServer.IMValidateReq.newBuilder()
        .setUserName(request.getUserName()).setPassword(request.getPassword()).build();
    // no user yet: msg checks the password as the system
    server.db().request(OtherCmdID.CID_OTHER_VALIDATE_REQ_VALUE, Actor.SYSTEM, validate).onComplete(ar -> {
      if (connection.isClosed()) {
        return;
      }
      if (ar.failed()) {
        log.warn("login of '{}' from {}: db proxy unavailable: {}", request.getUserName(), connection.remote(),
            ar.cause().getMessage());
        refuse(connection, pdu, ResultType.REFUSE_REASON_NO_DB_SERVER, "database unavailable");
        return;
      }
      IMServer.IMValidateRsp validated;
      try {
        validated = IMServer.IMValidateRsp.parseFrom(ar.result().getBytes());
      } catch (InvalidProtocolBufferException e) {
        refuse(connection, pdu, ResultType.REFUSE_REASON_NO_DB_SERVER, "bad db proxy answer");
        return;
      }
      if (validated.getResultCode() != 0 || !validated.hasUserInfo()) {
        server.loginThrottle().failed(throttleName, connection.remoteHost(), System.currentTimeMillis());
        log.info("login failed for '{}' from {}: wrong password or unknown user", request.getUserName(),
            connection.remote());
        refuse(connection, pdu, ResultType.REFUSE_REASON_DB_VALIDATE_FAILED, "wrong user name or password");
        return;
      }
      server.loginThrottle().succeeded(throttleName);
      int userId = validated.getUserInfo().getUserId();
      connection.loggedIn(userId, clientType);
      server.route().online(userId, clientType, connection.id()).onComplete(routed -> {
        if (connection.isClosed()) {
          return;
        }
        if (routed.failed()) {
          log.warn("login of user {}: route unavailable: {}", userId, routed.cause().getMessage());
          refuse(connection, pdu, ResultType.REFUSE_REASON_NO_ROUTE_SERVER, "route unavailable");
          return;
        }
        log.info("user {} ('{}') logged in from {} as client type {} on connection {}", userId,
            request.getUserName(), connection.remote(), clientType, connection.id());
        connection.reply(pdu, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_USERLOGIN_VALUE,
            IMLogin.IMLoginRes.newBuilder()
                .setServerTime(server.nowSeconds())
                .setResultCode(ResultType.REFUSE_REASON_NONE)
                .setOnlineStatus(request.getOnlineStatus())
                .setUserInfo(validated.getUserInfo())
                .build());
      });
    });
  }

  private void refuse(MsgConnection connection, Pdu pdu, ResultType result, String text) {
    server.metrics().loginRefused(result.name().replace("REFUSE_REASON_", ""));
    IMLogin.IMLoginRes response = IMLogin.IMLoginRes.newBuilder()
        .setServerTime(server.nowSeconds())
        .setResultCode(result)
        .setResultString(text)
        .build();
    connection.writeAndClose(Pdu.encode(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_USERLOGIN_VALUE,
        pdu.seq(), response), "login refused (" + result + ")");
  }

  void handleLogout(MsgConnection connection, Pdu pdu) {
    IMLogin.IMLogoutRsp response = IMLogin.IMLogoutRsp.newBuilder().setResultCode(0).build();
    connection.writeAndClose(Pdu.encode(ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_LOGINOUT_VALUE,
        pdu.seq(), response), "logout");
  }

  /** Only a mobile client may kick the same user's PC client (TeamTalk MsgConn::_HandleKickPCClient). */
  void handleKickPcClient(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    pdu.parse(IMLogin.IMKickPCClientReq.parser());
    int userId = connection.userId();
    if (!ClientTypes.isMobile(connection.clientType())) {
      connection.reply(pdu, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_KICKPCCLIENT_VALUE,
          IMLogin.IMKickPCClientRsp.newBuilder().setUserId(userId).setResultCode(1).build());
      return;
    }
    route(connection).kickPc(KickReasonType.KICK_REASON_MOBILE_KICK_VALUE).onComplete(ar ->
        connection.reply(pdu, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_KICKPCCLIENT_VALUE,
            IMLogin.IMKickPCClientRsp.newBuilder().setUserId(userId).setResultCode(ar.succeeded() ? 0 : 1).build()));
  }

  /**
   * A mobile client's push token is stored and answered with the user's id (TeamTalk answers without
   * it, leaving a required field unset). PC clients have no push token; theirs is ignored, as TeamTalk
   * does (MsgConn::_HandleClientDeviceToken).
   */
  void handleDeviceToken(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMLogin.IMDeviceTokenReq request = pdu.parse(IMLogin.IMDeviceTokenReq.parser());
    if (!ClientTypes.isMobile(connection.clientType())) {
      log.info("connection {} (user {}): device token from a PC client ignored", connection.id(), connection.userId());
      return;
    }
    IMLogin.IMDeviceTokenReq stored = request.toBuilder().clearAttachData().build();
    ask(connection, pdu, pdu.commandId(), stored, Order.CHANGE).onSuccess(answer ->
        connection.replyRaw(pdu, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_DEVICETOKEN_VALUE, answer));
  }

  /** The user's night-time push shield (TeamTalk's CID_LOGIN_REQ_PUSH_SHIELD), for the logged-in user only. */
  void handlePushShield(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMLogin.IMPushShieldReq request = pdu.parse(IMLogin.IMPushShieldReq.parser()).toBuilder()
        .clearAttachData()
        .build();
    forward(connection, pdu, request, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_PUSH_SHIELD_VALUE,
        Order.CHANGE);
  }

  void handleQueryPushShield(MsgConnection connection, Pdu pdu) throws InvalidProtocolBufferException {
    IMLogin.IMQueryPushShieldReq request = pdu.parse(IMLogin.IMQueryPushShieldReq.parser()).toBuilder()
        .clearAttachData()
        .build();
    forward(connection, pdu, request, ServiceID.SID_LOGIN_VALUE, LoginCmdID.CID_LOGIN_RES_QUERY_PUSH_SHIELD_VALUE);
  }
}
