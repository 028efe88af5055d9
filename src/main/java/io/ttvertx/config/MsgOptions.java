package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The "msg" section: the client-facing TCP server, and the web port where browsers get the web client
 * and speak the same PDUs over a WebSocket.
 */
public final class MsgOptions {
  public static final int DEFAULT_PORT = 8000;
  /** The same protocol over TLS, opened only when the "tls" section is configured; 0 turns it off. */
  public static final int DEFAULT_TLS_PORT = 8443;
  public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
  public static final int DEFAULT_MAX_FRAME_LENGTH = 256 * 1024;
  /** TeamTalk clients must log in within about 15 s of connecting. */
  public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 15;
  /** TeamTalk closes a silent PC connection after 120 s and a silent mobile one after 300 s. */
  public static final int DEFAULT_PC_IDLE_TIMEOUT_SECONDS = 120;
  public static final int DEFAULT_MOBILE_IDLE_TIMEOUT_SECONDS = 300;
  public static final int DEFAULT_LOAD_REPORT_SECONDS = 5;
  public static final int DEFAULT_MSG_LIST_LIMIT = 100;
  public static final int DEFAULT_BUS_TIMEOUT_MS = 15_000;
  /** The web port conf.json and the built-in defaults set; a "msg" section without webPort serves no web port. */
  public static final int DEFAULT_WEB_PORT = 8900;

  private int instances = 2;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private int tlsPort = DEFAULT_TLS_PORT;
  private String priorIp = "";
  private String backupIp = "";
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
  private int loginTimeoutSeconds = DEFAULT_LOGIN_TIMEOUT_SECONDS;
  private int pcIdleTimeoutSeconds = DEFAULT_PC_IDLE_TIMEOUT_SECONDS;
  private int mobileIdleTimeoutSeconds = DEFAULT_MOBILE_IDLE_TIMEOUT_SECONDS;
  private int loadReportSeconds = DEFAULT_LOAD_REPORT_SECONDS;
  private int msgListLimit = DEFAULT_MSG_LIST_LIMIT;
  private int busTimeoutMs = DEFAULT_BUS_TIMEOUT_MS;
  private int webPort;
  private List<String> webOrigins = List.of();
  private LimitOptions limits = new LimitOptions();

  public MsgOptions() {
  }

  static MsgOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader msg = new ConfigReader(root, "msg", env);
    MsgOptions o = new MsgOptions();
    o.instances = msg.integer("instances", "TT_MSG_INSTANCES", 2);
    o.host = msg.string("host", "TT_MSG_HOST", "0.0.0.0");
    o.port = msg.port("port", "TT_MSG_PORT", DEFAULT_PORT);
    o.tlsPort = msg.port("tlsPort", "TT_MSG_TLS_PORT", DEFAULT_TLS_PORT);
    o.priorIp = msg.string("priorIp", "TT_MSG_PRIOR_IP", "");
    o.backupIp = msg.string("backupIp", "TT_MSG_BACKUP_IP", "");
    o.maxConnections = msg.positive("maxConnections", "TT_MSG_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS);
    o.maxFrameLength = msg.positive("maxFrameLength", null, DEFAULT_MAX_FRAME_LENGTH);
    if (o.maxFrameLength < 16) {
      throw new IllegalArgumentException("msg.maxFrameLength must be at least 16");
    }
    o.loginTimeoutSeconds = msg.positive("loginTimeoutSeconds", null, DEFAULT_LOGIN_TIMEOUT_SECONDS);
    o.pcIdleTimeoutSeconds = msg.positive("pcIdleTimeoutSeconds", null, DEFAULT_PC_IDLE_TIMEOUT_SECONDS);
    o.mobileIdleTimeoutSeconds = msg.positive("mobileIdleTimeoutSeconds", null, DEFAULT_MOBILE_IDLE_TIMEOUT_SECONDS);
    o.loadReportSeconds = msg.positive("loadReportSeconds", null, DEFAULT_LOAD_REPORT_SECONDS);
    o.msgListLimit = msg.positive("msgListLimit", null, DEFAULT_MSG_LIST_LIMIT);
    o.busTimeoutMs = msg.positive("busTimeoutMs", null, DEFAULT_BUS_TIMEOUT_MS);
    o.webPort = msg.port("webPort", "TT_MSG_WEB_PORT", 0);
    o.webOrigins = msg.list("webOrigins", "TT_MSG_WEB_ORIGINS");
    o.limits = LimitOptions.read(root == null ? null : root.getJsonObject("msg"), env);
    return o;
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("host", host).put("port", port).put("tlsPort", tlsPort)
        .put("priorIp", priorIp).put("backupIp", backupIp).put("maxConnections", maxConnections)
        .put("maxFrameLength", maxFrameLength).put("loginTimeoutSeconds", loginTimeoutSeconds)
        .put("pcIdleTimeoutSeconds", pcIdleTimeoutSeconds).put("mobileIdleTimeoutSeconds", mobileIdleTimeoutSeconds)
        .put("loadReportSeconds", loadReportSeconds).put("msgListLimit", msgListLimit)
        .put("busTimeoutMs", busTimeoutMs).put("webPort", webPort).put("webOrigins", new JsonArray(webOrigins))
        .put("limits", limits.toJson());
  }

  public static MsgOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("msg", section), Map.of());
  }

  public int instances() { return instances; }
  public String host() { return host; }
  public int port() { return port; }
  /** The TLS port beside the plain one (TeamTalk's native clients cannot use TLS); 0: none. Needs the "tls" section. */
  public int tlsPort() { return tlsPort; }
  public String priorIp() { return priorIp; }
  public String backupIp() { return backupIp; }
  public int maxConnections() { return maxConnections; }
  public int maxFrameLength() { return maxFrameLength; }
  public int loginTimeoutSeconds() { return loginTimeoutSeconds; }
  public int pcIdleTimeoutSeconds() { return pcIdleTimeoutSeconds; }
  public int mobileIdleTimeoutSeconds() { return mobileIdleTimeoutSeconds; }
  public int loadReportSeconds() { return loadReportSeconds; }
  public int msgListLimit() { return msgListLimit; }
  public int busTimeoutMs() { return busTimeoutMs; }
  /** The HTTP port of the web client and its WebSocket {@code /ws}; 0 for none. */
  public int webPort() { return webPort; }
  /** Origins whose pages may open the WebSocket: empty for the web port's own origin only, "*" for any. */
  public List<String> webOrigins() { return webOrigins; }
  public LimitOptions limits() { return limits; }

}
