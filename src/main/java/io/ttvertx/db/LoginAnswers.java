package io.ttvertx.db;

import io.ttvertx.bus.Actor;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMServer;
import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.StoreException;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logins (TeamTalk's IMValidateReq), mobile devices' push tokens and the night-time push shield. */
final class LoginAnswers implements DbCommand.Answers {
  private static final Logger log = LoggerFactory.getLogger(LoginAnswers.class);

  private final DirectoryStore directory;
  private final DeviceStore devices;

  LoginAnswers(DirectoryStore directory, DeviceStore devices) {
    this.directory = directory;
    this.devices = devices;
  }

  @Override
  public void register(DbCommand.Table commands) {
    // msg checks a login's password as the system: there is no user yet
    commands.forSystem(OtherCmdID.CID_OTHER_VALIDATE_REQ_VALUE,
        body -> validate(IMServer.IMValidateReq.parseFrom(body)));
    commands.forUsers(LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE,
        (user, body) -> deviceToken(user, IMLogin.IMDeviceTokenReq.parseFrom(body)));
    commands.forUsers(LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE,
        (user, body) -> setPushShield(user.userId(), IMLogin.IMPushShieldReq.parseFrom(body)));
    commands.forUsers(LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE,
        (user, body) -> queryPushShield(user.userId()));
  }

  /** Result 0 and the status now stored; result 1 for a status other than 0 or 1 or an unknown user. */
  private Future<IMLogin.IMPushShieldRsp> setPushShield(int userId, IMLogin.IMPushShieldReq request) {
    IMLogin.IMPushShieldRsp.Builder response = IMLogin.IMPushShieldRsp.newBuilder().setUserId(userId);
    int status = request.getShieldStatus();
    if (status != 0 && status != 1) {
      return Future.succeededFuture(response.setResultCode(1).build());
    }
    return directory.setPushShield(userId, status).map(done -> done
        ? response.setResultCode(0).setShieldStatus(status).build() : response.setResultCode(1).build());
  }

  private Future<IMLogin.IMQueryPushShieldRsp> queryPushShield(int userId) {
    IMLogin.IMQueryPushShieldRsp.Builder response = IMLogin.IMQueryPushShieldRsp.newBuilder().setUserId(userId);
    return directory.pushShield(userId).map(status -> status == null
        ? response.setResultCode(1).build() : response.setResultCode(0).setShieldStatus(status).build());
  }

  private Future<IMServer.IMValidateRsp> validate(IMServer.IMValidateReq request) {
    return directory.authenticate(request.getUserName(), request.getPassword()).map(user -> {
      IMServer.IMValidateRsp.Builder response = IMServer.IMValidateRsp.newBuilder().setUserName(request.getUserName());
      if (user == null) {
        return response.setResultCode(1).setResultString("wrong user name or password").build();
      }
      return response.setResultCode(0).setUserInfo(ProtoMapping.userInfo(user)).build();
    });
  }

  /**
   * The token of the actor's device, of the actor's client type. The answer carries no result
   * (TeamTalk's neither): a refused token is logged and the client answered.
   */
  private Future<IMLogin.IMDeviceTokenRsp> deviceToken(Actor user, IMLogin.IMDeviceTokenReq request) {
    IMLogin.IMDeviceTokenRsp response = IMLogin.IMDeviceTokenRsp.newBuilder().setUserId(user.userId()).build();
    return devices.setDeviceToken(user.userId(), user.clientType(), request.getDeviceToken())
        .map(response)
        .recover(failure -> {
          if (failure instanceof StoreException refused) {
            log.info("device token of user {} refused: {}", user.userId(), refused.getMessage());
            return Future.succeededFuture(response);
          }
          return Future.failedFuture(failure);
        });
  }
}
