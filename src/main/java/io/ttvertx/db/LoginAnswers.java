package io.ttvertx.db;

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

import java.util.Map;

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
  public void register(Map<Integer, DbCommand> commands) {
    commands.put(OtherCmdID.CID_OTHER_VALIDATE_REQ_VALUE, body -> validate(IMServer.IMValidateReq.parseFrom(body)));
    commands.put(LoginCmdID.CID_LOGIN_REQ_DEVICETOKEN_VALUE,
        body -> deviceToken(IMLogin.IMDeviceTokenReq.parseFrom(body)));
    commands.put(LoginCmdID.CID_LOGIN_REQ_PUSH_SHIELD_VALUE,
        body -> setPushShield(IMLogin.IMPushShieldReq.parseFrom(body)));
    commands.put(LoginCmdID.CID_LOGIN_REQ_QUERY_PUSH_SHIELD_VALUE,
        body -> queryPushShield(IMLogin.IMQueryPushShieldReq.parseFrom(body)));
  }

  /** Result 0 and the status now stored; result 1 for a status other than 0 or 1 or an unknown user. */
  private Future<IMLogin.IMPushShieldRsp> setPushShield(IMLogin.IMPushShieldReq request) {
    IMLogin.IMPushShieldRsp.Builder response = IMLogin.IMPushShieldRsp.newBuilder().setUserId(request.getUserId());
    int status = request.getShieldStatus();
    if (status != 0 && status != 1) {
      return Future.succeededFuture(response.setResultCode(1).build());
    }
    return directory.setPushShield(request.getUserId(), status).map(done -> done
        ? response.setResultCode(0).setShieldStatus(status).build() : response.setResultCode(1).build());
  }

  private Future<IMLogin.IMQueryPushShieldRsp> queryPushShield(IMLogin.IMQueryPushShieldReq request) {
    IMLogin.IMQueryPushShieldRsp.Builder response = IMLogin.IMQueryPushShieldRsp.newBuilder()
        .setUserId(request.getUserId());
    return directory.pushShield(request.getUserId()).map(status -> status == null
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

  /** The answer carries no result (TeamTalk's neither): a refused token is logged and the client answered. */
  private Future<IMLogin.IMDeviceTokenRsp> deviceToken(IMLogin.IMDeviceTokenReq request) {
    IMLogin.IMDeviceTokenRsp response = IMLogin.IMDeviceTokenRsp.newBuilder().setUserId(request.getUserId()).build();
    return devices.setDeviceToken(request.getUserId(), request.getClientType().getNumber(), request.getDeviceToken())
        .map(response)
        .recover(failure -> {
          if (failure instanceof StoreException refused) {
            log.info("device token of user {} refused: {}", request.getUserId(), refused.getMessage());
            return Future.succeededFuture(response);
          }
          return Future.failedFuture(failure);
        });
  }
}
