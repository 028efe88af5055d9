package io.ttvertx.config;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.NoSuchElementException;

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
  private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";
  private static final String[] KEY_BEGINS = {
      PKCS8_BEGIN, "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----"};
  private static final Logger log = LoggerFactory.getLogger(TlsOptions.class);

  private final String certificate;
  private final String key;
  private final int reloadCheckSeconds;

  private TlsOptions(String certificate, String key, int reloadCheckSeconds) {
    this.certificate = certificate;
    this.key = key;
    this.reloadCheckSeconds = reloadCheckSeconds;
  }

  /** Reads the section and checks the files ({@link #checkFiles()}). */
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
    TlsOptions options = new TlsOptions(certificate, key, reloadCheckSeconds);
    if (options.enabled()) {
      options.checkFiles();
    }
    return options;
  }

  /**
   * Checks that the files exist, are readable, hold a certificate and a key, and that the key is the
   * certificate's; throws an IllegalArgumentException saying which file is wrong. It reads the files:
   * not on an event loop.
   */
  public void checkFiles() {
    String chain = readPem("tls.certificate", certificate, new String[] {CERTIFICATE_BEGIN},
        "a PEM certificate (" + CERTIFICATE_BEGIN + "), such as Let's Encrypt's fullchain.pem");
    String keyText = readPem("tls.key", key, KEY_BEGINS, "an unencrypted PEM private key (PKCS#8, RSA or EC), such"
        + " as Let's Encrypt's privkey.pem");
    checkPair(certificate, chain, key, keyText);
  }

  /** The file's text, once it is found to hold one of {@code expectedBegins}. */
  private static String readPem(String name, String file, String[] expectedBegins, String expected) {
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
        return text;
      }
    }
    String encrypted = text.contains("ENCRYPTED PRIVATE KEY") || text.contains("Proc-Type: 4,ENCRYPTED")
        ? " (this key is encrypted: decrypt it with openssl pkey -in <key> -out <new key>)" : "";
    throw new IllegalArgumentException(name + ": " + path.toAbsolutePath() + " is not " + expected + encrypted);
  }

  /**
   * Checks that the key is the certificate's (a renewal copied without its key, or the other way
   * round, would otherwise fail every handshake with nothing in the server's log) and warns of a
   * certificate out of its validity. The key is compared when in PKCS#8; the traditional RSA and EC
   * formats are left to Vert.x, which reads them when the servers start.
   */
  private static void checkPair(String certificateFile, String chain, String keyFile, String keyText) {
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(chain.getBytes(StandardCharsets.ISO_8859_1)))
          .iterator().next();
    } catch (CertificateException | NoSuchElementException e) {
      throw new IllegalArgumentException("tls.certificate: " + Path.of(certificateFile).toAbsolutePath()
          + " holds no certificate that can be read: " + e.getMessage());
    }
    try {
      leaf.checkValidity();
    } catch (CertificateException e) {
      log.warn("the certificate {} ({}) is not valid now: {} to {}; clients will refuse it", certificateFile,
          leaf.getSubjectX500Principal(), leaf.getNotBefore(), leaf.getNotAfter());
    }
    int begin = keyText.indexOf(PKCS8_BEGIN);
    int end = keyText.indexOf(PKCS8_END, begin + 1);
    if (begin < 0 || end < 0) {
      return;
    }
    PublicKey publicKey = leaf.getPublicKey();
    String signing = switch (publicKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> null;
    };
    if (signing == null) {
      return;
    }
    boolean matches;
    try {
      byte[] der = Base64.getMimeDecoder().decode(keyText.substring(begin + PKCS8_BEGIN.length(), end));
      PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(der));
      byte[] probe = "tt-vertx key check".getBytes(StandardCharsets.US_ASCII);
      Signature signature = Signature.getInstance(signing);
      signature.initSign(privateKey);
      signature.update(probe);
      byte[] signed = signature.sign();
      signature.initVerify(publicKey);
      signature.update(probe);
      matches = signature.verify(signed);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      matches = false;
    }
    if (!matches) {
      throw new IllegalArgumentException("tls.key: " + Path.of(keyFile).toAbsolutePath() + " is not the key of the"
          + " certificate in " + Path.of(certificateFile).toAbsolutePath() + " ("
          + leaf.getSubjectX500Principal() + ")");
    }
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
