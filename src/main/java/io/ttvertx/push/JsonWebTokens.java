package io.ttvertx.push;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Compact JWS tokens signed with a PKCS#8 private key, as APNs (ES256) and Google's OAuth2 (RS256)
 * ask for them. ES256 uses the JDK's P1363 format: JWS wants the raw 64-byte R||S, not DER.
 */
public final class JsonWebTokens {
  public static final String ES256 = "ES256";
  public static final String RS256 = "RS256";

  private static final Base64.Encoder BASE64_URL = Base64.getUrlEncoder().withoutPadding();

  private JsonWebTokens() {
  }

  /**
   * The private key of a PEM text holding "-----BEGIN PRIVATE KEY-----" (PKCS#8, as Apple's .p8 files
   * and Google's service-account files carry it). {@code keyAlgorithm} is "EC" or "RSA".
   *
   * @throws IllegalArgumentException naming {@code source} when the text is not such a key
   */
  public static PrivateKey readPrivateKey(String pem, String keyAlgorithm, String source) {
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(source + " holds no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
    }
    String base64 = pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException(source + " does not hold a valid " + keyAlgorithm + " private key: "
          + e.getMessage());
    }
  }

  /** header.claims.signature, each part base64url without padding; {@code algorithm} is ES256 or RS256. */
  public static String sign(String algorithm, JsonObject header, JsonObject claims, PrivateKey key) {
    String signingInput = base64Url(header.put("alg", algorithm).encode()) + "." + base64Url(claims.encode());
    try {
      Signature signature = Signature.getInstance(jdkAlgorithm(algorithm));
      signature.initSign(key);
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + BASE64_URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a " + algorithm + " token: " + e.getMessage(), e);
    }
  }

  /** The JDK's name of a JWS algorithm. */
  public static String jdkAlgorithm(String algorithm) {
    return switch (algorithm) {
      case ES256 -> "SHA256withECDSAinP1363Format";
      case RS256 -> "SHA256withRSA";
      default -> throw new IllegalArgumentException("unsupported JWS algorithm " + algorithm);
    };
  }

  private static String base64Url(String json) {
    return BASE64_URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
