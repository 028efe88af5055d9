package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** The "store" section: which backend and how to reach it. */
public final class StoreOptions {
  public static final String EMBEDDED = "embedded";
  public static final String MYSQL = "mysql";

  public static final String DEFAULT_EMBEDDED_PATH = "data/teamtalk";
  public static final String DEFAULT_BACKUP_DIRECTORY = "data/backups";
  public static final String DEFAULT_MYSQL_HOST = "127.0.0.1";
  public static final int DEFAULT_MYSQL_PORT = 3306;
  public static final String DEFAULT_MYSQL_DATABASE = "teamtalk";
  public static final String DEFAULT_MYSQL_USER = "root";
  public static final int DEFAULT_POOL_SIZE = 16;
  public static final String DEFAULT_REDIS_HOST = "127.0.0.1";
  public static final int DEFAULT_REDIS_PORT = 6379;
  public static final String REDIS_STANDALONE = "standalone";
  public static final String REDIS_SENTINEL = "sentinel";
  public static final String DEFAULT_REDIS_MASTER_NAME = "mymaster";
  public static final int DEFAULT_RELATION_CACHE = 200_000;
  public static final int DEFAULT_SESSION_CACHE = 500_000;
  public static final int DEFAULT_USER_CACHE = 100_000;

  private String type = EMBEDDED;
  private String embeddedPath = DEFAULT_EMBEDDED_PATH;
  private String backupDirectory = DEFAULT_BACKUP_DIRECTORY;
  private String mysqlHost = DEFAULT_MYSQL_HOST;
  private int mysqlPort = DEFAULT_MYSQL_PORT;
  private String mysqlDatabase = DEFAULT_MYSQL_DATABASE;
  private String mysqlUser = DEFAULT_MYSQL_USER;
  private String mysqlPassword = "";
  private int mysqlPoolSize = DEFAULT_POOL_SIZE;
  private String redisHost = DEFAULT_REDIS_HOST;
  private int redisPort = DEFAULT_REDIS_PORT;
  private String redisPassword = "";
  private int redisDatabase = 0;
  private int redisPoolSize = DEFAULT_POOL_SIZE;
  private String redisMode = REDIS_STANDALONE;
  private List<String> redisSentinels = List.of();
  private String redisMasterName = DEFAULT_REDIS_MASTER_NAME;
  private int relationCacheSize = DEFAULT_RELATION_CACHE;
  private int sessionCacheSize = DEFAULT_SESSION_CACHE;
  private int userCacheSize = DEFAULT_USER_CACHE;

  public StoreOptions() {
  }

  static StoreOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader store = new ConfigReader(root, "store", env);
    JsonObject storeJson = root == null ? new JsonObject() : root.getJsonObject("store", new JsonObject());
    ConfigReader embedded = new ConfigReader(storeJson, "embedded", env);
    ConfigReader mysql = new ConfigReader(storeJson, "mysql", env);
    ConfigReader redis = new ConfigReader(storeJson, "redis", env);
    StoreOptions options = new StoreOptions();
    options.type = store.string("type", "TT_STORE", EMBEDDED);
    if (!EMBEDDED.equals(options.type) && !MYSQL.equals(options.type)) {
      throw new IllegalArgumentException("store.type must be 'embedded' or 'mysql', got '" + options.type + "'");
    }
    options.embeddedPath = embedded.string("path", "TT_EMBEDDED_PATH", DEFAULT_EMBEDDED_PATH);
    options.backupDirectory = embedded.string("backupDirectory", "TT_BACKUP_DIRECTORY", DEFAULT_BACKUP_DIRECTORY);
    if (options.backupDirectory.isBlank()) {
      throw new IllegalArgumentException("store.embedded.backupDirectory must not be empty");
    }
    options.mysqlHost = mysql.string("host", "TT_MYSQL_HOST", DEFAULT_MYSQL_HOST);
    options.mysqlPort = mysql.port("port", "TT_MYSQL_PORT", DEFAULT_MYSQL_PORT);
    options.mysqlDatabase = mysql.string("database", "TT_MYSQL_DATABASE", DEFAULT_MYSQL_DATABASE);
    options.mysqlUser = mysql.string("user", "TT_MYSQL_USER", DEFAULT_MYSQL_USER);
    options.mysqlPassword = mysql.string("password", "TT_MYSQL_PASSWORD", "");
    options.mysqlPoolSize = mysql.positive("poolSize", "TT_MYSQL_POOL_SIZE", DEFAULT_POOL_SIZE);
    options.redisHost = redis.string("host", "TT_REDIS_HOST", DEFAULT_REDIS_HOST);
    options.redisPort = redis.port("port", "TT_REDIS_PORT", DEFAULT_REDIS_PORT);
    options.redisPassword = redis.string("password", "TT_REDIS_PASSWORD", "");
    options.redisDatabase = redis.integer("database", "TT_REDIS_DATABASE", 0);
    options.redisPoolSize = redis.positive("poolSize", "TT_REDIS_POOL_SIZE", DEFAULT_POOL_SIZE);
    options.redisMode = redis.string("mode", "TT_REDIS_MODE", REDIS_STANDALONE);
    if ("cluster".equals(options.redisMode)) {
      throw new IllegalArgumentException("store.redis.mode 'cluster' is not supported: message ids are allocated by"
          + " scripts that check one store-wide key beside each counter, and Redis Cluster refuses scripts whose keys"
          + " are in different slots (TeamTalk's key names cannot share a hash tag); use 'sentinel' for failover");
    }
    if (!REDIS_STANDALONE.equals(options.redisMode) && !REDIS_SENTINEL.equals(options.redisMode)) {
      throw new IllegalArgumentException("store.redis.mode must be 'standalone' or 'sentinel', got '"
          + options.redisMode + "'");
    }
    options.redisSentinels = redis.list("sentinels", "TT_REDIS_SENTINELS");
    options.redisMasterName = redis.string("masterName", "TT_REDIS_MASTER_NAME", DEFAULT_REDIS_MASTER_NAME);
    if (REDIS_SENTINEL.equals(options.redisMode) && options.redisSentinels.isEmpty()) {
      throw new IllegalArgumentException("store.redis.sentinels must list the sentinels (\"host:port\") in sentinel"
          + " mode");
    }
    options.relationCacheSize = store.positive("relationCacheSize", "TT_RELATION_CACHE_SIZE", DEFAULT_RELATION_CACHE);
    options.sessionCacheSize = store.positive("sessionCacheSize", "TT_SESSION_CACHE_SIZE", DEFAULT_SESSION_CACHE);
    options.userCacheSize = store.positive("userCacheSize", "TT_USER_CACHE_SIZE", DEFAULT_USER_CACHE);
    return options;
  }

  public String type() { return type; }
  public String embeddedPath() { return embeddedPath; }
  /** Where online backups of the embedded store are written (the admin API's POST /backup). */
  public String backupDirectory() { return backupDirectory; }
  public String mysqlHost() { return mysqlHost; }
  public int mysqlPort() { return mysqlPort; }
  public String mysqlDatabase() { return mysqlDatabase; }
  public String mysqlUser() { return mysqlUser; }
  public String mysqlPassword() { return mysqlPassword; }
  public int mysqlPoolSize() { return mysqlPoolSize; }
  public String redisHost() { return redisHost; }
  public int redisPort() { return redisPort; }
  public String redisPassword() { return redisPassword; }
  public int redisDatabase() { return redisDatabase; }
  public int redisPoolSize() { return redisPoolSize; }
  public String redisMode() { return redisMode; }
  public List<String> redisSentinels() { return redisSentinels; }
  public String redisMasterName() { return redisMasterName; }
  public int relationCacheSize() { return relationCacheSize; }
  public int sessionCacheSize() { return sessionCacheSize; }
  public int userCacheSize() { return userCacheSize; }

  public StoreOptions setType(String type) { this.type = type; return this; }
  public StoreOptions setEmbeddedPath(String embeddedPath) { this.embeddedPath = embeddedPath; return this; }
  public StoreOptions setBackupDirectory(String backupDirectory) { this.backupDirectory = backupDirectory; return this; }
  public StoreOptions setMysqlHost(String mysqlHost) { this.mysqlHost = mysqlHost; return this; }
  public StoreOptions setMysqlPort(int mysqlPort) { this.mysqlPort = mysqlPort; return this; }
  public StoreOptions setMysqlDatabase(String mysqlDatabase) { this.mysqlDatabase = mysqlDatabase; return this; }
  public StoreOptions setMysqlUser(String mysqlUser) { this.mysqlUser = mysqlUser; return this; }
  public StoreOptions setMysqlPassword(String mysqlPassword) { this.mysqlPassword = mysqlPassword; return this; }
  public StoreOptions setRedisHost(String redisHost) { this.redisHost = redisHost; return this; }
  public StoreOptions setRedisPort(int redisPort) { this.redisPort = redisPort; return this; }
  public StoreOptions setRedisDatabase(int redisDatabase) { this.redisDatabase = redisDatabase; return this; }
  public StoreOptions setRedisPassword(String redisPassword) { this.redisPassword = redisPassword; return this; }
  public StoreOptions setRedisSentinels(String masterName, List<String> sentinels) {
    this.redisMode = REDIS_SENTINEL;
    this.redisMasterName = masterName;
    this.redisSentinels = List.copyOf(sentinels);
    return this;
  }

  /** For passing to verticles in their deployment config. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type)
        .put("embedded", new JsonObject().put("path", embeddedPath).put("backupDirectory", backupDirectory))
        .put("mysql", new JsonObject().put("host", mysqlHost).put("port", mysqlPort).put("database", mysqlDatabase)
            .put("user", mysqlUser).put("password", mysqlPassword).put("poolSize", mysqlPoolSize))
        .put("redis", new JsonObject().put("host", redisHost).put("port", redisPort).put("password", redisPassword)
            .put("database", redisDatabase).put("poolSize", redisPoolSize).put("mode", redisMode)
            .put("sentinels", new JsonArray(redisSentinels)).put("masterName", redisMasterName))
        .put("relationCacheSize", relationCacheSize)
        .put("sessionCacheSize", sessionCacheSize)
        .put("userCacheSize", userCacheSize);
  }

  public static StoreOptions fromJson(JsonObject storeSection) {
    return read(new JsonObject().put("store", storeSection), Map.of());
  }
}
