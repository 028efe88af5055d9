package io.ttvertx.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * TeamTalk's http_msg_server answers: pretty JSON {error_code, error_msg[, group_id]} as
 * {@code text/html;charset=utf-8}, not cached, with TeamTalk's codes and texts. A refusal also says
 * why in "reason" (English), and has a 4xx status (TeamTalk's was always 200; its PHP panel reads the
 * body whatever the status).
 */
final class HttpMsgAnswers {
  static final String CONTENT_TYPE = "text/html;charset=utf-8";

  static final int OK = 0;
  static final int BAD_PARAMETER = 1;
  static final int BAD_APP_KEY = 2;
  static final int NOT_ALLOWED = 4;
  static final int UNKNOWN_INTERFACE = 5;
  static final int SERVER_ERROR = 10;
  static final int CREATE_GROUP_FAILED = 11;
  static final int CHANGE_MEMBERS_FAILED = 12;

  private HttpMsgAnswers() {
  }

  /** TeamTalk's text of each code (its table is shifted by one after code 8). */
  static String text(int code) {
    return switch (code) {
      case OK -> "成功";
      case BAD_PARAMETER -> "参数错误";
      case BAD_APP_KEY -> "appKey不存在";
      case 3 -> "appKey与用户不匹配";
      case NOT_ALLOWED -> "含有不允许发送的Id";
      case UNKNOWN_INTERFACE -> "未授权的接口";
      case SERVER_ERROR -> "服务器异常";
      case CREATE_GROUP_FAILED -> "创建群失败";
      case CHANGE_MEMBERS_FAILED -> "更改群成员失败";
      default -> "未知错误";
    };
  }

  static JsonObject ok() {
    return new JsonObject().put("error_code", OK).put("error_msg", text(OK));
  }

  static JsonObject refusal(int code, String reason) {
    return new JsonObject().put("error_code", code).put("error_msg", text(code)).put("reason", reason);
  }

  static void send(HttpServerResponse response, int status, JsonObject answer) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(answer.encodePrettily());
  }
}
