package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The "file" section: TeamTalk's file_server, the TCP server clients send and fetch files through.
 * Its transfer tasks live in one event loop, so a node runs at most one instance.
 */
public final class FileOptions {
  /** TeamTalk's file_server ClientListenPort. */
  public static final int DEFAULT_PORT = 8600;
  /** 2 GiB: file sizes travel as uint32, so nothing above 4 GiB - 1 can be announced anyway. */
  public static final long DEFAULT_MAX_FILE_SIZE = 2L * 1024 * 1024 * 1024;
  public static final long LARGEST_FILE_SIZE = 0xFFFF_FFFFL;
  public static final int DEFAULT_MAX_TASKS_PER_USER = 10;
  public static final int DEFAULT_TASK_IDLE_TIMEOUT_SECONDS = 300;
  public static final int DEFAULT_LOGIN_TIMEOUT_SECONDS = 15;
  public static final int DEFAULT_RETENTION_DAYS = 7;
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** A 64 KiB segment with its header and fields: clients pull 32 KiB (offline) or 34 KiB (Windows, online). */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024 + 1024;
  /** Frames the file server must carry whole (a 32 KiB offline segment with its header and fields). */
  public static final int SMALLEST_MAX_FRAME_LENGTH = 32 * 1024 + 1024;

  private int instances = 1;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private String priorIp = "";
  private List<String> addresses = List.of();
  private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
  private int maxTasksPerUser = DEFAULT_MAX_TASKS_PER_USER;
  private int taskIdleTimeoutSeconds = DEFAULT_TASK_IDLE_TIMEOUT_SECONDS;
  private int loginTimeoutSeconds = DEFAULT_LOGIN_TIMEOUT_SECONDS;
  private int retentionDays = DEFAULT_RETENTION_DAYS;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;

  public FileOptions() {
  }

  static FileOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader file = new ConfigReader(root, "file", env);
    FileOptions o = new FileOptions();
    o.instances = file.integer("instances", "TT_FILE_INSTANCES", 1);
    if (o.instances < 0 || o.instances > 1) {
      throw new IllegalArgumentException("file.instances must be 0 or 1: the file server's transfer tasks live in one"
          + " event loop (run one per node; msg finds the others over the cluster), got " + o.instances);
    }
    o.host = file.string("host", "TT_FILE_HOST", "0.0.0.0");
    o.port = file.port("port", "TT_FILE_PORT", DEFAULT_PORT);
    o.priorIp = file.string("priorIp", "TT_FILE_PRIOR_IP", "");
    o.addresses = file.list("addresses", "TT_FILE_ADDRESSES");
    for (String address : o.addresses.isEmpty() ? List.of(o.priorIp) : o.addresses) {
      String ip = hostOf(address);
      if (ip.equals("0.0.0.0") || ip.equals("::") || ip.equals("[::]")) {
        throw new IllegalArgumentException("file.priorIp / file.addresses must be addresses clients can reach, not "
            + ip + " (TeamTalk handed out its listen address, which clients cannot connect to)");
      }
      portOf(address, 0);
    }
    String maxSize = file.string("maxFileSize", "TT_FILE_MAX_FILE_SIZE", null);
    if (maxSize != null) {
      try {
        o.maxFileSize = Long.parseLong(maxSize.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("file.maxFileSize must be an integer, got '" + maxSize + "'");
      }
    }
    if (o.maxFileSize <= 0 || o.maxFileSize > LARGEST_FILE_SIZE) {
      throw new IllegalArgumentException("file.maxFileSize must be between 1 and " + LARGEST_FILE_SIZE
          + " (file sizes are uint32 in TeamTalk's protocol), got " + o.maxFileSize);
    }
    o.maxTasksPerUser = file.positive("maxTasksPerUser", "TT_FILE_MAX_TASKS_PER_USER", DEFAULT_MAX_TASKS_PER_USER);
    o.taskIdleTimeoutSeconds = file.positive("taskIdleTimeoutSeconds", "TT_FILE_TASK_IDLE_TIMEOUT_SECONDS",
        DEFAULT_TASK_IDLE_TIMEOUT_SECONDS);
    o.loginTimeoutSeconds = file.positive("loginTimeoutSeconds", "TT_FILE_LOGIN_TIMEOUT_SECONDS",
        DEFAULT_LOGIN_TIMEOUT_SECONDS);
    o.retentionDays = file.integer("retentionDays", "TT_FILE_RETENTION_DAYS", DEFAULT_RETENTION_DAYS);
    if (o.retentionDays < 0) {
      throw new IllegalArgumentException("file.retentionDays must be 0 (keep forever) or more, got " + o.retentionDays);
    }
    o.maxConnections = file.positive("maxConnections", "TT_FILE_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS);
    o.maxFrameLength = file.positive("maxFrameLength", "TT_FILE_MAX_FRAME_LENGTH", DEFAULT_MAX_FRAME_LENGTH);
    if (o.maxFrameLength < SMALLEST_MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("file.maxFrameLength must be at least " + SMALLEST_MAX_FRAME_LENGTH
          + " (a 32 KiB segment with its header), got " + o.maxFrameLength);
    }
    return o;
  }

  public static FileOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("file", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("host", host).put("port", port).put("priorIp", priorIp)
        .put("addresses", new JsonArray(List.copyOf(addresses))).put("maxFileSize", maxFileSize)
        .put("maxTasksPerUser", maxTasksPerUser).put("taskIdleTimeoutSeconds", taskIdleTimeoutSeconds)
        .put("loginTimeoutSeconds", loginTimeoutSeconds).put("retentionDays", retentionDays)
        .put("maxConnections", maxConnections).put("maxFrameLength", maxFrameLength);
  }

  /** The host part of "host", "host:port" or "[v6]:port" (a bare IPv6 address is all host). */
  public static String hostOf(String address) {
    String text = address.trim();
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      return close < 0 ? text : text.substring(0, close + 1);
    }
    int colon = text.indexOf(':');
    return colon >= 0 && colon == text.lastIndexOf(':') ? text.substring(0, colon) : text;
  }

  /** The port of "host:port", or {@code defaultPort} when none is written. */
  public static int portOf(String address, int defaultPort) {
    String text = address.trim();
    String host = hostOf(text);
    if (host.length() == text.length()) {
      return defaultPort;
    }
    String port = text.substring(host.length() + 1);
    try {
      int value = Integer.parseInt(port);
      if (value > 0 && value <= 65535) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("file.addresses: '" + address + "' is not host or host:port");
  }

  public int instances() { return instances; }
  public String host() { return host; }
  public int port() { return port; }
  /** The address handed to clients; empty means the host's first non-loopback IPv4 address. */
  public String priorIp() { return priorIp; }
  /** Addresses handed to clients ("host" or "host:port"), in place of priorIp, e.g. one per network. */
  public List<String> addresses() { return addresses; }
  public long maxFileSize() { return maxFileSize; }
  public int maxTasksPerUser() { return maxTasksPerUser; }
  public int taskIdleTimeoutSeconds() { return taskIdleTimeoutSeconds; }
  public int loginTimeoutSeconds() { return loginTimeoutSeconds; }
  /** Offline files older than this are deleted; 0 keeps them forever. */
  public int retentionDays() { return retentionDays; }
  public int maxConnections() { return maxConnections; }
  public int maxFrameLength() { return maxFrameLength; }
}
