package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/** The "msfs" section: the HTTP server that stores and serves pictures (TeamTalk's msfs). */
public final class MsfsOptions {
  /** TeamTalk's msfs.conf ListenPort. */
  public static final int DEFAULT_PORT = 8700;
  /** TeamTalk refuses bodies over 10 MiB (msfs/HttpConn.cpp). */
  public static final int DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
  public static final int DEFAULT_MAX_THUMBNAIL_SIDE = 2048;
  /** Beyond this a thumbnail costs more memory than any avatar is worth. */
  public static final int LARGEST_THUMBNAIL_SIDE = 8192;

  private int instances = 1;
  private String host = "0.0.0.0";
  private int port = DEFAULT_PORT;
  private String publicUrl = "";
  private List<String> corsOrigins = List.of("*");
  private int maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
  private int maxThumbnailSide = DEFAULT_MAX_THUMBNAIL_SIDE;

  public MsfsOptions() {
  }

  static MsfsOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader msfs = new ConfigReader(root, "msfs", env);
    MsfsOptions o = new MsfsOptions();
    o.instances = msfs.integer("instances", "TT_MSFS_INSTANCES", 1);
    o.host = msfs.string("host", "TT_MSFS_HOST", "0.0.0.0");
    o.port = msfs.port("port", "TT_MSFS_PORT", DEFAULT_PORT);
    o.publicUrl = normalizePublicUrl(msfs.string("publicUrl", "TT_MSFS_PUBLIC_URL", "").trim());
    if (root != null && root.getJsonObject("msfs", new JsonObject()).containsKey("corsOrigins")
        || env.containsKey("TT_MSFS_CORS_ORIGINS")) {
      o.corsOrigins = msfs.list("corsOrigins", "TT_MSFS_CORS_ORIGINS");
    }
    o.maxUploadBytes = msfs.positive("maxUploadBytes", "TT_MSFS_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES);
    o.maxThumbnailSide = msfs.positive("maxThumbnailSide", "TT_MSFS_MAX_THUMBNAIL_SIDE", DEFAULT_MAX_THUMBNAIL_SIDE);
    if (o.maxThumbnailSide > LARGEST_THUMBNAIL_SIDE) {
      throw new IllegalArgumentException("msfs.maxThumbnailSide must be at most " + LARGEST_THUMBNAIL_SIDE + ", got "
          + o.maxThumbnailSide);
    }
    return o;
  }

  /** Checks the scheme and ends the URL with '/': clients append "upload/" or the picture's path to it. */
  private static String normalizePublicUrl(String url) {
    if (url.isEmpty()) {
      return url;
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("msfs.publicUrl must start with http:// or https://, got '" + url + "'");
    }
    return url.endsWith("/") ? url : url + "/";
  }

  public JsonObject toJson() {
    return new JsonObject().put("instances", instances).put("host", host).put("port", port)
        .put("publicUrl", publicUrl).put("maxUploadBytes", maxUploadBytes).put("maxThumbnailSide", maxThumbnailSide)
        .put("corsOrigins", new JsonArray(corsOrigins));
  }

  public static MsfsOptions fromJson(JsonObject section) {
    return read(new JsonObject().put("msfs", section == null ? new JsonObject() : section), Map.of());
  }

  public int instances() { return instances; }
  public String host() { return host; }
  public int port() { return port; }
  /** The URL clients reach this msfs on, ending with '/'; empty: the Host header (answers) or the host's address. */
  public String publicUrl() { return publicUrl; }
  /** Origins whose pages (the web client's) may read msfs's answers: "*" for any, empty for none. */
  public List<String> corsOrigins() { return corsOrigins; }
  /** The largest request body accepted; bigger uploads are refused with TeamTalk's error code 1. */
  public int maxUploadBytes() { return maxUploadBytes; }
  /** The largest width or height a thumbnail may be asked for. */
  public int maxThumbnailSide() { return maxThumbnailSide; }
}
