package io.ttvertx.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private certificate authority for one cluster, kept in a directory as PEM files: {@code ca.pem}
 * (the certificate every node trusts, {@code cluster.tls.ca}) and {@code ca-key.pem} (its private key,
 * to keep off the nodes), and per node {@code <name>.pem} and {@code <name>-key.pem}. Keys are EC
 * P-256; the signing is done by the JDK's keytool (the JDK has no public API to sign certificates), so
 * nothing beyond Java is needed. Blocking: for the command line and tests, not an event loop.
 */
public final class ClusterCa {
  public static final String CA_CERTIFICATE = "ca.pem";
  public static final String CA_KEY = "ca-key.pem";
  static final int CA_VALIDITY_DAYS = 3650;
  static final int NODE_VALIDITY_DAYS = 825;
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern PEM_BODY = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
  private static final String KEYTOOL_PASSWORD = "TT_KEYTOOL_STORE_PASSWORD";

  private final Path directory;
  private final X509Certificate certificate;
  private final PrivateKey key;

  private ClusterCa(Path directory, X509Certificate certificate, PrivateKey key) {
    this.directory = directory;
    this.certificate = certificate;
    this.key = key;
  }

  /** The CA in {@code directory}: the one already there, or a new one when it has none. */
  public static ClusterCa openOrCreate(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path certificatePath = directory.resolve(CA_CERTIFICATE);
    Path keyPath = directory.resolve(CA_KEY);
    if (Files.exists(certificatePath) != Files.exists(keyPath)) {
      throw new IOException("found only one of " + CA_CERTIFICATE + " and " + CA_KEY + " in " + directory
          + ": restore the other, or use another directory for a new CA");
    }
    if (!Files.exists(certificatePath)) {
      create(directory);
    }
    return new ClusterCa(directory, readCertificate(certificatePath), readPrivateKey(keyPath));
  }

  private static void create(Path directory) throws IOException {
    Path work = Files.createTempDirectory("tt-cluster-ca");
    try {
      String password = randomPassword();
      Path store = work.resolve("ca.p12");
      byte[] tag = new byte[4];
      new SecureRandom().nextBytes(tag);
      keytool(password, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=tt-vertx cluster CA " + HexFormat.of().formatHex(tag), "-ext", "bc:c=ca:true,pathlen:0",
          "-ext", "ku:c=keyCertSign,cRLSign", "-validity", String.valueOf(CA_VALIDITY_DAYS),
          "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass:env", KEYTOOL_PASSWORD);
      KeyStore keyStore = loadKeyStore(store, password);
      writeSecret(directory.resolve(CA_KEY), pem("PRIVATE KEY", privateKey(keyStore, "ca", password).getEncoded()));
      Files.writeString(directory.resolve(CA_CERTIFICATE), pem("CERTIFICATE", encoded(certificate(keyStore, "ca"))));
    } finally {
      deleteTree(work);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Where a node's certificate and key are written. */
  public record NodeFiles(Path certificate, Path key) {
  }

  /**
   * Makes a key and a certificate for node {@code name}, valid as TLS server and client, naming
   * {@code hosts} (IP addresses or DNS names) as its subject alternative names. Refuses to replace a
   * node's existing files.
   */
  public NodeFiles issue(String name, List<String> hosts) throws IOException {
    if (!NODE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a node name is letters, digits, '.', '_' or '-' (at most 63), got '" + name + "'");
    }
    NodeFiles files = new NodeFiles(directory.resolve(name + ".pem"), directory.resolve(name + "-key.pem"));
    if (Files.exists(files.certificate()) || Files.exists(files.key())) {
      throw new IOException(files.certificate() + " or " + files.key() + " exists already: delete them to make new ones");
    }
    Path work = Files.createTempDirectory("tt-cluster-node");
    try {
      String password = randomPassword();
      Path caStore = work.resolve("ca.p12");
      writeCaKeyStore(caStore, password);
      Path nodeStore = work.resolve("node.p12");
      Path request = work.resolve("node.csr");
      Path signed = work.resolve("node.pem");
      keytool(password, "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=" + name, "-keystore", nodeStore.toString(), "-storetype", "PKCS12", "-storepass:env", KEYTOOL_PASSWORD);
      keytool(password, "-certreq", "-alias", "node", "-keystore", nodeStore.toString(), "-storepass:env", KEYTOOL_PASSWORD,
          "-file", request.toString());
      List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", caStore.toString(),
          "-storepass:env", KEYTOOL_PASSWORD, "-infile", request.toString(), "-outfile", signed.toString(), "-rfc",
          "-validity", String.valueOf(NODE_VALIDITY_DAYS), "-ext", "ku:c=digitalSignature",
          "-ext", "eku=serverAuth,clientAuth"));
      if (!hosts.isEmpty()) {
        gencert.addAll(List.of("-ext", "san=" + String.join(",", hosts.stream().map(ClusterCa::alternativeName).toList())));
      }
      keytool(password, gencert.toArray(String[]::new));
      PrivateKey nodeKey = privateKey(loadKeyStore(nodeStore, password), "node", password);
      writeSecret(files.key(), pem("PRIVATE KEY", nodeKey.getEncoded()));
      Files.writeString(files.certificate(), pem("CERTIFICATE", encoded(readCertificate(signed))));
    } finally {
      deleteTree(work);
    }
    return files;
  }

  private static String alternativeName(String host) {
    if (host.isBlank() || !host.matches("[A-Za-z0-9.:\\-]+")) {
      throw new IllegalArgumentException("not an IP address or DNS name: '" + host + "'");
    }
    boolean ip = host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    return (ip ? "ip:" : "dns:") + host;
  }

  /** keytool signs from a key store: one holding the CA's key, written only for the time of a signing. */
  private void writeCaKeyStore(Path store, String password) throws IOException {
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(null, null);
      keyStore.setKeyEntry("ca", key, password.toCharArray(), new Certificate[] {certificate});
      try (OutputStream out = Files.newOutputStream(store)) {
        keyStore.store(out, password.toCharArray());
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot hold the CA key for signing: " + e.getMessage(), e);
    }
  }

  /** The password of the temporary key stores goes to keytool in its environment, not on its command line. */
  private static void keytool(String password, String... arguments) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "keytool.exe" : "keytool");
    List<String> command = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1", "-noprompt"));
    command.addAll(List.of(arguments));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(KEYTOOL_PASSWORD, password);
    Process process = builder.start();
    try (InputStream output = process.getInputStream()) {
      byte[] text = output.readAllBytes();
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool " + arguments[0] + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IOException("keytool " + arguments[0] + " failed: " + new String(text, StandardCharsets.UTF_8).trim());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
  }

  private static KeyStore loadKeyStore(Path path, String password) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, password.toCharArray());
      return keyStore;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key store keytool wrote: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(KeyStore keyStore, String alias, String password) throws IOException {
    try {
      return (PrivateKey) keyStore.getKey(alias, password.toCharArray());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key keytool made: " + e.getMessage(), e);
    }
  }

  private static Certificate certificate(KeyStore keyStore, String alias) throws IOException {
    try {
      return keyStore.getCertificate(alias);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the certificate keytool made: " + e.getMessage(), e);
    }
  }

  private static byte[] encoded(Certificate certificate) throws IOException {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  static X509Certificate readCertificate(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException("not a PEM certificate: " + path + " (" + e.getMessage() + ")", e);
    }
  }

  static PrivateKey readPrivateKey(Path path) throws IOException {
    var matcher = PEM_BODY.matcher(Files.readString(path, StandardCharsets.US_ASCII));
    if (!matcher.find() || !matcher.group(1).equals("PRIVATE KEY")) {
      throw new IOException("not a PEM PKCS#8 private key (BEGIN PRIVATE KEY): " + path);
    }
    byte[] der = Base64.getMimeDecoder().decode(matcher.group(2).replaceAll("\\s", ""));
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IOException("not an EC private key: " + path + " (" + e.getMessage() + ")", e);
    }
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  /** A private key file readable by its owner only (where the file system has POSIX permissions). */
  private static void writeSecret(Path path, String text) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(path, text);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
