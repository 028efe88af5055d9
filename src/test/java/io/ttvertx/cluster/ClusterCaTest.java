package io.ttvertx.cluster;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code cluster-ca} command: a CA made once and reused, node certificates it signed for the hosts
 * named, usable as TLS server and client, each with the matching private key readable by its owner only.
 */
class ClusterCaTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return ClusterCaCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void makesACaAndNodeCertificatesItSignedThenReusesIt() throws Exception {
    Path directory = Files.createTempDirectory("tt-ca-test").resolve("certs");
    assertThat(run(directory.toString(), "node1=10.0.0.1,node1.internal")).as(err.toString()).isZero();
    X509Certificate ca = ClusterCa.readCertificate(directory.resolve(ClusterCa.CA_CERTIFICATE));
    assertThat(ca.getBasicConstraints()).isZero();
    assertThat(out.toString()).contains("\"certificate\": \"" + directory.resolve("node1.pem"));

    X509Certificate node1 = ClusterCa.readCertificate(directory.resolve("node1.pem"));
    node1.verify(ca.getPublicKey());
    assertThat(node1.getSubjectX500Principal().getName()).isEqualTo("CN=node1");
    assertThat(node1.getBasicConstraints()).isEqualTo(-1);
    assertThat(node1.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(node1.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(7, "10.0.0.1"),
        List.of(2, "node1.internal"));
    assertKeyMatches(directory.resolve("node1-key.pem"), node1);
    assertThat(Files.getPosixFilePermissions(directory.resolve("node1-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(directory.resolve(ClusterCa.CA_KEY)))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    // a second run keeps the CA, adds a node, and refuses to replace one
    byte[] caBefore = Files.readAllBytes(directory.resolve(ClusterCa.CA_CERTIFICATE));
    assertThat(run(directory.toString(), "node2=10.0.0.2")).as(err.toString()).isZero();
    assertThat(Files.readAllBytes(directory.resolve(ClusterCa.CA_CERTIFICATE))).isEqualTo(caBefore);
    ClusterCa.readCertificate(directory.resolve("node2.pem")).verify(ca.getPublicKey());
    byte[] node1Before = Files.readAllBytes(directory.resolve("node1.pem"));
    assertThat(run(directory.toString(), "node1=10.0.0.9")).isEqualTo(1);
    assertThat(err.toString()).contains("exists already");
    assertThat(Files.readAllBytes(directory.resolve("node1.pem"))).isEqualTo(node1Before);
  }

  private static void assertKeyMatches(Path keyPath, X509Certificate certificate) throws Exception {
    PrivateKey key = ClusterCa.readPrivateKey(keyPath);
    byte[] data = "proof of possession".getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(data);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(certificate.getPublicKey());
    verifier.update(data);
    assertThat(verifier.verify(signature)).isTrue();
  }

  @Test
  void badArgumentsAreUsageErrors() throws IOException {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("usage: cluster-ca DIR");
    Path directory = Files.createTempDirectory("tt-ca-args");
    assertThat(run(directory.toString(), "node1")).isEqualTo(2);
    assertThat(run(directory.toString(), "=10.0.0.1")).isEqualTo(2);
    assertThat(directory.resolve(ClusterCa.CA_CERTIFICATE)).doesNotExist();
    assertThat(run(directory.toString(), "../evil=10.0.0.1")).isEqualTo(1);
    assertThat(err.toString()).contains("a node name is");
  }
}
