package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The "httpMsg" section: TeamTalk's http_msg_server, the HTTP API its PHP panel and scripts use to
 * create groups and change their members. Every request must carry one of {@link #appKeys()}; with
 * none configured every request is refused. The same server serves the admin API under /api/v1,
 * whose requests must carry one of {@link #apiKeys()} as a bearer token.
 */
public final class HttpMsgOptions {
  /** TeamTalk's http_msg_server ListenPort. */
  public static final int DEFAULT_PORT = 8400;
  /** Largest request body: a group of a few thousand ids is a few tens of KB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
  /** No system user configured: the admin API refuses notices. */
  public static final int NO_NOTICE_SENDER = 0;

  private int instances = 1;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private List<String> appKeys = List.of();
  private List<String> apiKeys = List.of();
  private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  private int busTimeoutMs = MsgOptions.DEFAULT_BUS_TIMEOUT_MS;
  private int noticeSenderId = NO_NOTICE_SENDER;

  public HttpMsgOptions() {
  }

  static HttpMsgOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader section = new ConfigReader(root, "httpMsg", env);
    HttpMsgOptions o = new HttpMsgOptions();
    o.instances = section.integer("instances", "TT_HTTP_INSTANCES", 1);
    o.host = section.string("host", "TT_HTTP_HOST", "0.0.0.0");
    o.port = section.port("port", "TT_HTTP_PORT", DEFAULT_PORT);
    o.appKeys = section.list("appKeys", "TT_HTTP_APP_KEYS");
    o.apiKeys = section.list("apiKeys", "TT_HTTP_API_KEYS");
    o.maxBodyBytes = section.positive("maxBodyBytes", null, DEFAULT_MAX_BODY_BYTES);
    o.busTimeoutMs = section.positive("busTimeoutMs", null, MsgOptions.DEFAULT_BUS_TIMEOUT_MS);
    o.noticeSenderId = section.integer("noticeSenderId", "TT_HTTP_NOTICE_SENDER_ID", NO_NOTICE_SENDER);
    if (o.noticeSenderId < 0) {
      throw new IllegalArgumentException("httpMsg.noticeSenderId must be a user id, or 0 for no notices");
    }
    return o;
  }

  public static HttpMsgOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("httpMsg", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("host", host).put("port", port)
        .put("appKeys", new JsonArray(appKeys))
        .put("apiKeys", new JsonArray(apiKeys)).put("maxBodyBytes", maxBodyBytes).put("busTimeoutMs", busTimeoutMs)
        .put("noticeSenderId", noticeSenderId);
  }

  public int instances() { return instances; }
  public String host() { return host; }
  public int port() { return port; }
  /** The keys a request's {@code app_key} must be one of (TeamTalk's PHP panel sends "asdfasdf"). */
  public List<String> appKeys() { return appKeys; }
  /** The bearer keys of the admin API under /api/v1 (none: every request is refused). */
  public List<String> apiKeys() { return apiKeys; }
  public int maxBodyBytes() { return maxBodyBytes; }
  public int busTimeoutMs() { return busTimeoutMs; }
  /** The existing user system notices come from (an "admin" account); 0: notices are refused. */
  public int noticeSenderId() { return noticeSenderId; }
}
