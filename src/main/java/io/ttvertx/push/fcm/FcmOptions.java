package io.ttvertx.push.fcm;

import io.ttvertx.push.ProviderSection;
import io.vertx.core.json.JsonObject;

/**
 * The "push.fcm" section: Firebase Cloud Messaging HTTP v1 with a service account (the JSON file the
 * Firebase console's "Generate new private key" gives). Without {@code serviceAccountFile} FCM is not
 * configured and Android pushes go to the log provider.
 */
public final class FcmOptions {
  public static final String DEFAULT_ENDPOINT = "https://fcm.googleapis.com";
  public static final int DEFAULT_CONNECTIONS = 1;
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

  private String serviceAccountFile = "";
  private String endpoint = DEFAULT_ENDPOINT;
  private String tokenEndpoint = "";
  private String trustedCertificate = "";
  private String title = "";
  private int connections = DEFAULT_CONNECTIONS;
  private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;

  /**
   * Reads and checks the section (null or empty: not configured).
   *
   * @throws IllegalArgumentException naming the key that is wrong
   */
  public static FcmOptions fromJson(JsonObject json) {
    ProviderSection section = new ProviderSection(json, "push.fcm");
    FcmOptions o = new FcmOptions();
    o.serviceAccountFile = section.text("serviceAccountFile");
    o.endpoint = section.endpoint("endpoint", DEFAULT_ENDPOINT);
    o.tokenEndpoint = section.text("tokenEndpoint").isEmpty() ? "" : section.endpoint("tokenEndpoint", "");
    o.trustedCertificate = section.text("trustedCertificate");
    o.title = section.text("title");
    o.connections = section.positive("connections", DEFAULT_CONNECTIONS);
    o.requestTimeoutMs = section.positive("requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    return o;
  }

  /** True when a service-account file is given: Android pushes then go to FCM. */
  public boolean configured() { return !serviceAccountFile.isEmpty(); }
  /** Google's service-account JSON (project_id, client_email, private_key, token_uri). */
  public String serviceAccountFile() { return serviceAccountFile; }
  /** FCM's base URL, without a trailing '/'; messages go to {endpoint}/v1/projects/{project_id}/messages:send. */
  public String endpoint() { return endpoint; }
  /** The OAuth2 token URL; empty: the service account's token_uri. */
  public String tokenEndpoint() { return tokenEndpoint; }
  /** A PEM certificate trusted besides the JVM's authorities (a stand-in server's); empty: none. */
  public String trustedCertificate() { return trustedCertificate; }
  /** The notification title Android shows above the alert; empty: none. */
  public String title() { return title; }
  public int connections() { return connections; }
  public int requestTimeoutMs() { return requestTimeoutMs; }

  public JsonObject toJson() {
    return new JsonObject().put("serviceAccountFile", serviceAccountFile).put("endpoint", endpoint)
        .put("tokenEndpoint", tokenEndpoint).put("trustedCertificate", trustedCertificate).put("title", title)
        .put("connections", connections).put("requestTimeoutMs", requestTimeoutMs);
  }
}
