package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The "login" section: the HTTP server that tells clients which msg server to use. */
public final class LoginOptions {
  public static final int DEFAULT_PORT = 8080;

  private int instances = 1;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private String msfsPrior = "";
  private String msfsBackup = "";
  private String discovery = "";

  public LoginOptions() {
  }

  static LoginOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader login = new ConfigReader(root, "login", env);
    LoginOptions o = new LoginOptions();
    o.instances = login.integer("instances", "TT_LOGIN_INSTANCES", 1);
    o.host = login.string("host", "TT_LOGIN_HOST", "0.0.0.0");
    o.port = login.port("port", "TT_LOGIN_PORT", DEFAULT_PORT);
    o.msfsPrior = login.string("msfsPrior", "TT_MSFS_PRIOR", "");
    o.msfsBackup = login.string("msfsBackup", "TT_MSFS_BACKUP", "");
    o.discovery = login.string("discovery", "TT_DISCOVERY", "");
    return o;
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("host", host).put("port", port)
        .put("msfsPrior", msfsPrior).put("msfsBackup", msfsBackup).put("discovery", discovery);
  }

  public static LoginOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("login", section), Map.of());
  }

  public int instances() { return instances; }
  public String host() { return host; }
  public int port() { return port; }
  public String msfsPrior() { return msfsPrior; }
  public String msfsBackup() { return msfsBackup; }
  public String discovery() { return discovery; }

}
