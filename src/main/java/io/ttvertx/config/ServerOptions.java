package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The whole conf.json, read once at start. A role (login, msg, route, db) is deployed when its
 * section is present and its instance count is above zero; a missing file means every role with its
 * defaults on the embedded store.
 */
public final class ServerOptions {
  private final LoginOptions login;
  private final MsgOptions msg;
  private final int routeInstances;
  private final int dbInstances;
  private final StoreOptions store;
  private final StorageOptions storage;
  private final HttpMsgOptions httpMsg;
  private final MetricsOptions metrics;
  private final FileOptions file;
  private final ClusterOptions cluster;
  private final MsfsOptions msfs;
  private final PushOptions push;
  private final WebhookOptions webhooks;
  private final TlsOptions tls;
  private final String aesKey;
  private final JsonObject source;

  public static final String DEFAULT_AES_KEY = "12345678901234567890123456789012";

  private ServerOptions(JsonObject source, Map<String, String> env) {
    this.source = source;
    this.login = LoginOptions.read(source, env);
    this.msg = MsgOptions.read(source, env);
    this.routeInstances = new ConfigReader(source, "route", env).integer("instances", null, 1);
    this.dbInstances = new ConfigReader(source, "db", env).integer("instances", "TT_DB_INSTANCES", 1);
    this.store = StoreOptions.read(source, env);
    this.storage = StorageOptions.read(source, env);
    this.httpMsg = HttpMsgOptions.read(source, env);
    this.metrics = MetricsOptions.read(source, env);
    this.file = FileOptions.read(source, env);
    this.cluster = ClusterOptions.read(source, env);
    this.msfs = MsfsOptions.read(source, env);
    this.push = PushOptions.read(source, env);
    this.webhooks = WebhookOptions.read(source, env);
    this.tls = TlsOptions.read(source, env);
    if (tls.enabled() && msg.tlsPort() != 0 && msg.tlsPort() == msg.port()) {
      throw new IllegalArgumentException("msg.tlsPort must differ from msg.port (TeamTalk's native clients need the"
          + " plain port), got " + msg.tlsPort() + " for both; 0 turns the TLS port off");
    }
    this.aesKey = new ConfigReader(source, "db", env).string("aesKey", "TT_AES_KEY", DEFAULT_AES_KEY);
    if (aesKey.length() != 32) {
      throw new IllegalArgumentException("db.aesKey must have 32 characters (TeamTalk's aesKey), got " + aesKey.length());
    }
    if (StoreOptions.EMBEDDED.equals(store.type()) && dbInstances > 1) {
      throw new IllegalArgumentException("db.instances must be 1 on the embedded store: the H2 file has one writer"
          + " per process (run several db proxies on MySQL + Redis), got " + dbInstances);
    }
    if (routeInstances > 1) {
      throw new IllegalArgumentException("route.instances must be 0 or 1: the route verticle holds the node's online table");
    }
  }

  /** Reads {@code root} (the parsed conf.json, or an empty object) with overrides from {@code env}. */
  public static ServerOptions read(JsonObject root, Map<String, String> env) {
    return new ServerOptions(root == null ? new JsonObject() : root, env);
  }

  /** Every role with its defaults: what runs when no conf.json is given. */
  public static JsonObject defaultConfig() {
    return new JsonObject()
        .put("login", new JsonObject())
        .put("msg", new JsonObject().put("webPort", MsgOptions.DEFAULT_WEB_PORT))
        .put("route", new JsonObject())
        .put("db", new JsonObject())
        .put("store", new JsonObject())
        .put("file", new JsonObject())
        .put("msfs", new JsonObject())
        .put("httpMsg", new JsonObject())
        .put("push", new JsonObject());
  }

  public boolean deploysLogin() { return source.containsKey("login") && login.instances() > 0; }
  public boolean deploysMsg() { return source.containsKey("msg") && msg.instances() > 0; }
  public boolean deploysRoute() { return source.containsKey("route") && routeInstances > 0; }
  public boolean deploysDb() { return source.containsKey("db") && dbInstances > 0; }
  public boolean deploysFile() { return source.containsKey("file") && file.instances() > 0; }
  public boolean deploysHttpMsg() { return source.containsKey("httpMsg") && httpMsg.instances() > 0; }
  public boolean deploysMsfs() { return source.containsKey("msfs") && msfs.instances() > 0; }
  public boolean deploysPush() { return source.containsKey("push") && push.instances() > 0; }
  /** Webhooks run where URLs are configured (TT_WEBHOOK_URLS counts as configuring them). */
  public boolean deploysWebhooks() { return webhooks.instances() > 0 && !webhooks.urls().isEmpty(); }

  public LoginOptions login() { return login; }
  public MsgOptions msg() { return msg; }
  public int routeInstances() { return routeInstances; }
  public int dbInstances() { return dbInstances; }
  public StoreOptions store() { return store; }
  /** What the node measures for /metrics. */
  public MetricsOptions metrics() { return metrics; }
  /** TeamTalk's http_msg_server API. */
  public HttpMsgOptions httpMsg() { return httpMsg; }
  /** Where msfs pictures and offline files are kept. */
  public StorageOptions storage() { return storage; }
  /** The file server (TeamTalk's file_server). */
  public FileOptions file() { return file; }
  public ClusterOptions cluster() { return cluster; }
  public MsfsOptions msfs() { return msfs; }
  /** The push verticle (TeamTalk's push_server). */
  public PushOptions push() { return push; }
  /** The outgoing webhooks. */
  public WebhookOptions webhooks() { return webhooks; }
  /** The certificate and key of the public ports (off unless configured). */
  public TlsOptions tls() { return tls; }
  /** The AES key TeamTalk clients encrypt message text with (TeamTalk's default unless configured). */
  public String aesKey() { return aesKey; }

  /** The configuration the login verticle is deployed with: its section and the TLS of its HTTP port. */
  public JsonObject loginConfig() {
    return login.toJson().put("tls", tls.toJson());
  }

  /**
   * The configuration the msg verticle is deployed with: its section, the TLS of its TLS port and web
   * port, and the AES key the web client encrypts text with.
   */
  public JsonObject msgConfig() {
    return msg.toJson().put("tls", tls.toJson()).put("aesKey", aesKey);
  }

  /** The configuration the route verticle is deployed with: its conf.json section. */
  public JsonObject routeConfig() {
    return source.getJsonObject("route", new JsonObject()).copy();
  }

  /** The configuration the file verticle is deployed with: its section and the storage section. */
  public JsonObject fileConfig() {
    return file.toJson().put("storage", storage.toJson());
  }

  /** The configuration the db proxy verticle is deployed with. */
  public JsonObject dbConfig() {
    return new JsonObject().put("store", store.toJson()).put("aesKey", aesKey)
        .put("offlineFileRetentionDays", file.retentionDays());
  }

  /** The configuration the msfs verticle is deployed with: its section, the storage it keeps pictures in, its TLS. */
  public JsonObject msfsConfig() {
    return msfs.toJson().put("storage", storage.toJson()).put("tls", tls.toJson());
  }

  /**
   * The configuration the http_msg verticle is deployed with: its section, the AES key message text is
   * sent with, its TLS.
   */
  public JsonObject httpMsgConfig() {
    return httpMsg.toJson().put("aesKey", aesKey).put("tls", tls.toJson());
  }

  /** The configuration the push verticle is deployed with: its section and the AES key message text is read with. */
  public JsonObject pushConfig() {
    return push.toJson().put("aesKey", aesKey);
  }

  /** The configuration the webhook verticle is deployed with: its section and the AES key message text is read with. */
  public JsonObject webhookConfig() {
    return webhooks.toJson().put("aesKey", aesKey);
  }
}
