package io.ttvertx.config;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The "storage" section: where msfs pictures and offline files are kept. A directory (one node, or a
 * mount shared by every node that serves files) or an S3-compatible bucket (any number of nodes).
 */
public final class StorageOptions {
  public static final String DIRECTORY = "directory";
  public static final String S3 = "s3";
  public static final String DEFAULT_DIRECTORY = "data/files";
  public static final String DEFAULT_S3_REGION = "us-east-1";

  private String type = DIRECTORY;
  private String directory = DEFAULT_DIRECTORY;
  private String spoolDirectory = "";
  private String s3Endpoint = "";
  private String s3Region = DEFAULT_S3_REGION;
  private String s3Bucket = "";
  private String s3AccessKey = "";
  private String s3SecretKey = "";
  private boolean s3PathStyle = true;
  private String s3Prefix = "";

  public StorageOptions() {
  }

  static StorageOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader storage = new ConfigReader(root, "storage", env);
    JsonObject storageJson = root == null ? new JsonObject() : root.getJsonObject("storage", new JsonObject());
    ConfigReader s3 = new ConfigReader(storageJson, "s3", env);
    StorageOptions o = new StorageOptions();
    o.type = storage.string("type", "TT_STORAGE", DIRECTORY);
    if (!DIRECTORY.equals(o.type) && !S3.equals(o.type)) {
      throw new IllegalArgumentException("storage.type must be '" + DIRECTORY + "' or '" + S3 + "', got '" + o.type + "'");
    }
    o.directory = storage.string("directory", "TT_STORAGE_DIRECTORY", DEFAULT_DIRECTORY);
    o.spoolDirectory = storage.string("spoolDirectory", "TT_STORAGE_SPOOL", "");
    o.s3Endpoint = s3.string("endpoint", "TT_S3_ENDPOINT", "");
    o.s3Region = s3.string("region", "TT_S3_REGION", DEFAULT_S3_REGION);
    o.s3Bucket = s3.string("bucket", "TT_S3_BUCKET", "");
    o.s3AccessKey = s3.string("accessKey", "TT_S3_ACCESS_KEY", "");
    o.s3SecretKey = s3.string("secretKey", "TT_S3_SECRET_KEY", "");
    o.s3PathStyle = Boolean.parseBoolean(s3.string("pathStyle", "TT_S3_PATH_STYLE", "true"));
    o.s3Prefix = s3.string("prefix", "TT_S3_PREFIX", "");
    if (S3.equals(o.type) && o.s3Bucket.isBlank()) {
      throw new IllegalArgumentException("storage.s3.bucket must be set when storage.type is s3");
    }
    return o;
  }

  public static StorageOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("storage", section == null ? new JsonObject() : section), Map.of());
  }

  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("directory", directory).put("spoolDirectory", spoolDirectory)
        .put("s3", new JsonObject().put("endpoint", s3Endpoint).put("region", s3Region).put("bucket", s3Bucket)
            .put("accessKey", s3AccessKey).put("secretKey", s3SecretKey).put("pathStyle", s3PathStyle)
            .put("prefix", s3Prefix));
  }

  public String type() { return type; }
  /** The directory of the directory storage. */
  public String directory() { return directory; }
  /**
   * Where uploads are written while they arrive; empty means a {@code .spool} folder inside the
   * directory storage (so keeping a file is a rename), or the system's temp directory for S3.
   */
  public String spoolDirectory() { return spoolDirectory; }
  /** The S3 endpoint URL; empty means AWS's own for the region. */
  public String s3Endpoint() { return s3Endpoint; }
  public String s3Region() { return s3Region; }
  public String s3Bucket() { return s3Bucket; }
  /** Empty means the AWS SDK's default credential chain (environment, profile, instance role). */
  public String s3AccessKey() { return s3AccessKey; }
  public String s3SecretKey() { return s3SecretKey; }
  /** Path-style URLs (endpoint/bucket/key), as MinIO, S3Proxy and most self-hosted servers want. */
  public boolean s3PathStyle() { return s3PathStyle; }
  /** Prepended to every key, so one bucket can hold several systems. */
  public String s3Prefix() { return s3Prefix; }
}
