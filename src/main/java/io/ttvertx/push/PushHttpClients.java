package io.ttvertx.push;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The HTTP/2 clients the providers talk to APNs and FCM with: TLS with ALPN for https endpoints
 * (HTTP/1.1 when a server offers only that), HTTP/2 with prior knowledge for plain http (a local
 * proxy or stand-in). A {@code trustedCertificate} PEM is trusted besides the JVM's authorities, for
 * stand-ins with a self-signed certificate.
 */
public final class PushHttpClients {
  private PushHttpClients() {
  }

  public static HttpClient create(Vertx vertx, String trustedCertificate, int connections) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true)
        .setHttp2ClearTextUpgrade(false)
        .setKeepAlive(true);
    if (!trustedCertificate.isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trustedCertificate));
    }
    return vertx.createHttpClient(options, new PoolOptions().setHttp2MaxSize(connections).setHttp1MaxSize(connections));
  }

  /**
   * An endpoint URL without its trailing '/': scheme http or https and a host.
   *
   * @throws IllegalArgumentException naming {@code key} otherwise
   */
  public static String checkEndpoint(String url, String key) {
    String trimmed = url.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = new URI(trimmed);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException(key + " must be an http(s) URL with a host, got '" + url + "'");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a URL: '" + url + "'");
    }
    return trimmed;
  }

  /** Retry-After (seconds, or an HTTP date) in milliseconds from {@code nowMs}; -1 when absent or unreadable. */
  public static long retryAfterMs(String header, long nowMs) {
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      long seconds = Long.parseLong(header.trim());
      return seconds < 0 ? -1 : seconds * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        long at = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        return Math.max(0, at - nowMs);
      } catch (DateTimeParseException notDate) {
        return -1;
      }
    }
  }
}
