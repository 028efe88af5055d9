package io.ttvertx.push.apns;

import io.ttvertx.push.ProviderSection;
import io.vertx.core.json.JsonObject;

/**
 * The "push.apns" section: token-based authentication to Apple's push service (a .p8 key from the
 * developer console, its key id, the team id, the app's bundle id). Without {@code keyFile} APNs is
 * not configured and iOS pushes go to the log provider.
 */
public final class ApnsOptions {
  public static final String PRODUCTION_ENDPOINT = "https://api.push.apple.com";
  public static final String SANDBOX_ENDPOINT = "https://api.sandbox.push.apple.com";
  public static final int DEFAULT_CONNECTIONS = 1;
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
  /** How long APNs keeps trying to reach a device that is off (apns-expiration). */
  public static final int DEFAULT_EXPIRATION_SECONDS = 24 * 3600;
  /** TeamTalk's push_server sends this sound (ps/apns_msg.cpp). */
  public static final String DEFAULT_SOUND = "bingbong.aiff";

  private String keyFile = "";
  private String keyId = "";
  private String teamId = "";
  private String bundleId = "";
  private boolean sandbox;
  private String endpoint = PRODUCTION_ENDPOINT;
  private String trustedCertificate = "";
  private int connections = DEFAULT_CONNECTIONS;
  private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
  private int expirationSeconds = DEFAULT_EXPIRATION_SECONDS;
  private String sound = DEFAULT_SOUND;

  /**
   * Reads and checks the section (null or empty: not configured).
   *
   * @throws IllegalArgumentException naming the key that is missing or wrong
   */
  public static ApnsOptions fromJson(JsonObject json) {
    ProviderSection section = new ProviderSection(json, "push.apns");
    ApnsOptions o = new ApnsOptions();
    o.keyFile = section.text("keyFile");
    o.keyId = section.text("keyId");
    o.teamId = section.text("teamId");
    o.bundleId = section.text("bundleId");
    o.sandbox = section.bool("sandbox", false);
    o.endpoint = section.endpoint("endpoint", o.sandbox ? SANDBOX_ENDPOINT : PRODUCTION_ENDPOINT);
    o.trustedCertificate = section.text("trustedCertificate");
    o.connections = section.positive("connections", DEFAULT_CONNECTIONS);
    o.requestTimeoutMs = section.positive("requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    o.expirationSeconds = section.positive("expirationSeconds", DEFAULT_EXPIRATION_SECONDS);
    o.sound = section.has("sound") ? section.text("sound") : DEFAULT_SOUND;
    if (o.configured()) {
      for (String required : new String[] {"keyId", "teamId", "bundleId"}) {
        if (section.text(required).isEmpty()) {
          throw new IllegalArgumentException("push.apns." + required + " is required with push.apns.keyFile");
        }
      }
    }
    return o;
  }

  /** True when a key file is given: iOS pushes then go to APNs. */
  public boolean configured() { return !keyFile.isEmpty(); }
  /** The .p8 file (PKCS#8 PEM) of an APNs authentication key. */
  public String keyFile() { return keyFile; }
  /** The 10-character id of that key (the JWT's kid). */
  public String keyId() { return keyId; }
  /** The developer account's team id (the JWT's iss). */
  public String teamId() { return teamId; }
  /** The app's bundle id, sent as apns-topic. */
  public String bundleId() { return bundleId; }
  /** Apple's development environment (apps built for development get sandbox tokens). */
  public boolean sandbox() { return sandbox; }
  /** Where requests go, without a trailing '/'. */
  public String endpoint() { return endpoint; }
  /** A PEM certificate trusted besides the JVM's authorities (a stand-in server's); empty: none. */
  public String trustedCertificate() { return trustedCertificate; }
  /** HTTP/2 connections kept to APNs (each carries many requests at once). */
  public int connections() { return connections; }
  public int requestTimeoutMs() { return requestTimeoutMs; }
  public int expirationSeconds() { return expirationSeconds; }
  /** The sound of an alert push when the notification names none; empty: no sound. */
  public String sound() { return sound; }

  public JsonObject toJson() {
    return new JsonObject().put("keyFile", keyFile).put("keyId", keyId).put("teamId", teamId).put("bundleId", bundleId)
        .put("sandbox", sandbox).put("endpoint", endpoint).put("trustedCertificate", trustedCertificate)
        .put("connections", connections).put("requestTimeoutMs", requestTimeoutMs)
        .put("expirationSeconds", expirationSeconds).put("sound", sound);
  }
}
