package io.ttvertx.http;

import io.vertx.core.json.JsonObject;

/** A refusal of the admin API: its HTTP status and {"error": code, "reason": text}. */
final class ApiError extends RuntimeException {
  static final String UNAUTHORIZED = "unauthorized";
  static final String FORBIDDEN = "forbidden";
  static final String BAD_REQUEST = "bad_request";
  static final String NOT_FOUND = "not_found";
  static final String CONFLICT = "conflict";
  static final String INVALID = "invalid";
  static final String TOO_LARGE = "too_large";
  static final String UNAVAILABLE = "unavailable";

  final int status;
  final String code;

  ApiError(int status, String code, String reason) {
    super(reason, null, false, false);
    this.status = status;
    this.code = code;
  }

  JsonObject toJson() {
    return new JsonObject().put("error", code).put("reason", getMessage());
  }
}
