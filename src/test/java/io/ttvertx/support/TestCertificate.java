package io.ttvertx.support;

import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made at test time: the JDK's keytool makes a
 * key pair in a PKCS#12 keystore, and its entry is written out as the PEM files a server is configured
 * with (the certificate, and the key in PKCS#8), as Let's Encrypt's fullchain.pem and privkey.pem.
 */
public final class TestCertificate {
  private static final String PASSWORD = "changeit";
  private static final String ALIAS = "tt-test";

  /** The PEM certificate. */
  public final Path certificate;
  /** The PEM private key (PKCS#8). */
  public final Path key;

  private TestCertificate(Path certificate, Path key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new key pair of {@code keyAlgorithm} ("RSA" or "EC") and its certificate, valid for two days. */
  public static TestCertificate create(String keyAlgorithm) {
    try {
      Path dir = Files.createTempDirectory("tt-tls");
      Path keystore = dir.resolve("test.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
          "-keyalg", keyAlgorithm, "-keysize", keyAlgorithm.equals("EC") ? "256" : "2048",
          "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      Key privateKey = store.getKey(ALIAS, PASSWORD.toCharArray());
      if (!"PKCS#8".equals(privateKey.getFormat())) {
        throw new IllegalStateException("the key is encoded as " + privateKey.getFormat() + ", not PKCS#8");
      }
      Path certificate = dir.resolve("fullchain.pem");
      Path key = dir.resolve("privkey.pem");
      Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate(ALIAS).getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()));
      return new TestCertificate(certificate, key);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** The server's "tls" section for these files. */
  public JsonObject tlsSection() {
    return new JsonObject().put("certificate", certificate.toString()).put("key", key.toString());
  }

  /** A client's trust in this certificate alone. */
  public PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(certificate.toString());
  }

  /** A TCP client that trusts this certificate alone and checks the host name (localhost and 127.0.0.1 are in it). */
  public NetClientOptions netClientOptions() {
    return new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(trust())
        .setTcpNoDelay(true);
  }

  /** An HTTPS client that trusts this certificate alone and checks the host name. */
  public WebClientOptions webClientOptions() {
    return new WebClientOptions().setSsl(true).setVerifyHost(true).setTrustOptions(trust());
  }
}
