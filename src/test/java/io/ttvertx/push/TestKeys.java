package io.ttvertx.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs made for a test, their private half written as PKCS#8 PEM, and JWS checks with the public half. */
public final class TestKeys {
  private TestKeys() {
  }

  public static KeyPair ecP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsa2048() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "-----BEGIN PRIVATE KEY-----" PEM, lines of 64 characters, as Apple's .p8 and Google's files hold it. */
  public static String pkcs8Pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  public static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when the compact JWS's signature is valid for {@code publicKey} under {@code jdkAlgorithm}. */
  public static boolean verify(String jws, PublicKey publicKey, String jdkAlgorithm) {
    int lastDot = jws.lastIndexOf('.');
    try {
      Signature signature = Signature.getInstance(jdkAlgorithm);
      signature.initVerify(publicKey);
      signature.update(jws.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
      return signature.verify(Base64.getUrlDecoder().decode(jws.substring(lastDot + 1)));
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The decoded JSON text of part 0 (header) or 1 (claims) of a compact JWS. */
  public static String part(String jws, int index) {
    return new String(Base64.getUrlDecoder().decode(jws.split("\\.")[index]), StandardCharsets.UTF_8);
  }
}
