package io.ttvertx.msfs;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * TeamTalk's msfs answers (msfs/HttpConn.cpp): JSON {error_code, error_msg, path, url} as
 * {@code text/html;charset=utf-8}, the only type iOS and Mac accept. The codes are TeamTalk's.
 */
final class MsfsAnswers {
  static final String CONTENT_TYPE = "text/html;charset=utf-8";

  static final int OK = 0;
  /** TeamTalk's text for a stored upload ("success"). */
  static final String OK_MESSAGE = "成功";
  /** Body larger than the limit. */
  static final int TOO_LARGE = 1;
  /** No file part in the body. */
  static final int NO_FILE_PART = 2;
  /** A form without any file (TeamTalk: no filename="). */
  static final int NO_FILE_NAME = 3;
  /** Not multipart/form-data with a boundary. */
  static final int NO_BOUNDARY = 4;
  /** The body is not the multipart the header announces. */
  static final int MALFORMED_BODY = 5;
  /** Ours: the storage failed (TeamTalk has no code for it). */
  static final int STORAGE_FAILED = 12;

  private MsfsAnswers() {
  }

  static JsonObject stored(String path, String url) {
    return new JsonObject().put("error_code", OK).put("error_msg", OK_MESSAGE).put("path", path).put("url", url);
  }

  static JsonObject error(int code, String message) {
    return new JsonObject().put("error_code", code).put("error_msg", message).put("path", "").put("url", "");
  }

  static void send(HttpServerResponse response, int status, JsonObject answer) {
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(answer.encode());
  }

  /** Answers a refused upload and closes: the rest of its body is not worth reading (TeamTalk closes after every answer). */
  static void sendAndClose(HttpServerResponse response, int status, JsonObject answer) {
    if (!response.ended() && !response.closed()) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    send(response, status, answer);
  }
}
