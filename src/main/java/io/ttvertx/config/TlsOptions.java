package io.ttvertx.config;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The "tls" section: a PEM certificate (the chain, leaf first, as Let's Encrypt's fullchain.pem) and
 * its unencrypted private key (privkey.pem). When both are set, every HTTP port (login, msfs, http_msg
 * with the admin API) serves HTTPS and msg opens {@code msg.tlsPort} beside its plain port; every
 * role applies it to its server the same way, with {@link #applyTo}. The files are checked once, when
 * the configuration is read; the verticles get the paths through {@link #toJson()} / {@link #fromJson}.
 */
public final class TlsOptions {
  /** How often the files are looked at for a renewed certificate. */
  public static final int DEFAULT_RELOAD_CHECK_SECONDS = 600;
  private static final String CERTIFICATE_BEGIN = "-----BEGIN CERTIFICATE-----";
  /** The key formats Vert.x reads: PKCS#8, and OpenSSL's traditional RSA and EC keys. */
  private static final String[] KEY_BEGINS = {
      "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"};

  private final String certificate;
  private final String key;
  private final int reloadCheckSeconds;

  private TlsOptions(String certificate, String key, int reloadCheckSeconds) {
    this.certificate = certificate;
    this.key = key;
    this.reloadCheckSeconds = reloadCheckSeconds;
  }

  /** Reads the section and checks that the files exist, are readable and hold what they should. */
  static TlsOptions read(JsonObject root, Map<String, String> env) {
    ConfigReader tls = new ConfigReader(root, "tls", env);
    String certificate = tls.string("certificate", "TT_TLS_CERTIFICATE", "").trim();
    String key = tls.string("key", "TT_TLS_KEY", "").trim();
    int reloadCheckSeconds = tls.integer("reloadCheckSeconds", "TT_TLS_RELOAD_CHECK_SECONDS",
        DEFAULT_RELOAD_CHECK_SECONDS);
    if (reloadCheckSeconds < 0) {
      throw new IllegalArgumentException("tls.reloadCheckSeconds must be 0 (never) or more, got " + reloadCheckSeconds);
    }
    if (certificate.isEmpty() != key.isEmpty()) {
      throw new IllegalArgumentException("tls.certificate and tls.key (TT_TLS_CERTIFICATE, TT_TLS_KEY) must be set"
          + " together: a PEM certificate chain and its private key");
    }
    if (!certificate.isEmpty()) {
      checkPem("tls.certificate", certificate, new String[] {CERTIFICATE_BEGIN},
          "a PEM certificate (" + CERTIFICATE_BEGIN + "), such as Let's Encrypt's fullchain.pem");
      checkPem("tls.key", key, KEY_BEGINS, "an unencrypted PEM private key (PKCS#8, RSA or EC), such as Let's Encrypt's"
          + " privkey.pem");
    }
    return new TlsOptions(certificate, key, reloadCheckSeconds);
  }

  private static void checkPem(String name, String file, String[] expectedBegins, String expected) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(name + ": no file " + path.toAbsolutePath());
    }
    if (!Files.isReadable(path)) {
      throw new IllegalArgumentException(name + ": " + path.toAbsolutePath()
          + " is not readable by the user this server runs as");
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new IllegalArgumentException(name + ": cannot read " + path.toAbsolutePath() + ": " + e.getMessage());
    }
    for (String begin : expectedBegins) {
      if (text.contains(begin)) {
        return;
      }
    }
    String encrypted = text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
        ? " (this key is encrypted: decrypt it with openssl pkey -in <key> -out <new key>)" : "";
    throw new IllegalArgumentException(name + ": " + path.toAbsolutePath() + " is not " + expected + encrypted);
  }

  /** The options a verticle was deployed with ({@code null}: no TLS); the files were checked by {@link #read}. */
  public static TlsOptions fromJson(JsonObject section) {
    if (section == null) {
      return new TlsOptions("", "", DEFAULT_RELOAD_CHECK_SECONDS);
    }
    return new TlsOptions(section.getString("certificate", ""), section.getString("key", ""),
        section.getInteger("reloadCheckSeconds", DEFAULT_RELOAD_CHECK_SECONDS));
  }

  public JsonObject toJson() {
    return new JsonObject().put("certificate", certificate).put("key", key)
        .put("reloadCheckSeconds", reloadCheckSeconds);
  }

  /** Whether a certificate and key are configured. */
  public boolean enabled() {
    return !certificate.isEmpty();
  }

  /** "https" when TLS is on, else "http": the scheme of URLs handed out for this node's HTTP ports. */
  public String httpScheme() {
    return enabled() ? "https" : "http";
  }

  /**
   * Turns TLS on in {@code serverOptions} (an HttpServerOptions, NetServerOptions, or the options of
   * a WebSocket server) with this certificate and key when configured; unchanged otherwise.
   */
  public <T extends NetServerOptions> T applyTo(T serverOptions) {
    if (enabled()) {
      serverOptions.setSsl(true).setKeyCertOptions(keyCertOptions());
    }
    return serverOptions;
  }

  /** What a running server is given to serve the certificate as the files now hold it (a renewal). */
  public ServerSSLOptions serverSslOptions() {
    return new ServerSSLOptions().setKeyCertOptions(keyCertOptions());
  }

  private PemKeyCertOptions keyCertOptions() {
    return new PemKeyCertOptions().setCertPath(certificate).setKeyPath(key);
  }

  /** The certificate chain file (PEM), empty when TLS is off. */
  public String certificate() { return certificate; }
  /** The private key file (PEM), empty when TLS is off. */
  public String key() { return key; }
  /** How often the files are looked at for a renewed certificate, which servers then take; 0: never. */
  public int reloadCheckSeconds() { return reloadCheckSeconds; }
}
