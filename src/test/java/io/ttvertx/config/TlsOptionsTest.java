package io.ttvertx.config;

import io.ttvertx.support.TestCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The "tls" section: off by default, the files checked when the configuration is read, applied to a real server. */
class TlsOptionsTest {
  private static TestCertificate certificate;

  @BeforeAll
  static void makeCertificate() {
    certificate = TestCertificate.create("RSA");
  }

  private static ServerOptions read(JsonObject tls) {
    return ServerOptions.read(new JsonObject().put("tls", tls), Map.of());
  }

  @Test
  void offByDefaultLeavingServersPlain() {
    ServerOptions options = ServerOptions.read(ServerOptions.defaultConfig(), Map.of());
    assertThat(options.tls().enabled()).isFalse();
    assertThat(options.tls().httpScheme()).isEqualTo("http");
    assertThat(options.tls().applyTo(new HttpServerOptions()).isSsl()).isFalse();
    assertThat(options.msg().tlsPort()).isEqualTo(MsgOptions.DEFAULT_TLS_PORT);
  }

  @Test
  void readFromTheFileOrTheEnvironmentAndHandedToTheRolesThatServeIt() {
    ServerOptions fromFile = read(certificate.tlsSection());
    assertThat(fromFile.tls().enabled()).isTrue();
    assertThat(fromFile.tls().httpScheme()).isEqualTo("https");
    for (JsonObject config : new JsonObject[] {fromFile.loginConfig(), fromFile.msgConfig(), fromFile.msfsConfig(),
        fromFile.httpMsgConfig()}) {
      assertThat(TlsOptions.fromJson(config.getJsonObject("tls")).certificate())
          .isEqualTo(certificate.certificate.toString());
    }
    ServerOptions fromEnv = ServerOptions.read(new JsonObject(), Map.of("TT_TLS_CERTIFICATE",
        certificate.certificate.toString(), "TT_TLS_KEY", certificate.key.toString(), "TT_MSG_TLS_PORT", "9443"));
    assertThat(fromEnv.tls().key()).isEqualTo(certificate.key.toString());
    assertThat(fromEnv.msg().tlsPort()).isEqualTo(9443);
  }

  @Test
  void aCertificateWithoutKeyOrAKeyWithoutCertificateIsRefused() {
    assertThatThrownBy(() -> read(new JsonObject().put("certificate", certificate.certificate.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be set together");
    assertThatThrownBy(() -> read(new JsonObject().put("key", certificate.key.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be set together");
  }

  @Test
  void missingFilesAndFilesOfTheWrongKindAreRefusedByName() throws IOException {
    Path missing = certificate.certificate.resolveSibling("nothing.pem");
    assertThatThrownBy(() -> read(certificate.tlsSection().put("certificate", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.certificate: no file " + missing);
    assertThatThrownBy(() -> read(certificate.tlsSection().put("key", certificate.certificate.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.key:")
        .hasMessageContaining("is not an unencrypted PEM private key");
    assertThatThrownBy(() -> read(certificate.tlsSection().put("certificate", certificate.key.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls.certificate:")
        .hasMessageContaining("is not a PEM certificate");
    Path encrypted = Files.writeString(certificate.key.resolveSibling("encrypted.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> read(certificate.tlsSection().put("key", encrypted.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("this key is encrypted");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    TestCertificate other = TestCertificate.create("RSA");
    assertThatThrownBy(() -> read(certificate.tlsSection().put("key", other.key.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls.key: " + other.key + " is not the key of the certificate in "
            + certificate.certificate);
    TestCertificate ec = TestCertificate.create("EC");
    assertThatThrownBy(() -> read(certificate.tlsSection().put("key", ec.key.toString())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not the key of the certificate");
    assertThat(read(ec.tlsSection()).tls().enabled()).isTrue();
  }

  @Test
  void theTlsPortMustNotBeThePlainPort() {
    JsonObject config = new JsonObject().put("tls", certificate.tlsSection())
        .put("msg", new JsonObject().put("port", 8000).put("tlsPort", 8000));
    assertThatThrownBy(() -> ServerOptions.read(config, Map.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("msg.tlsPort must differ from msg.port");
    assertThat(ServerOptions.read(config.put("tls", new JsonObject()), Map.of()).tls().enabled()).isFalse();
  }

  @Test
  void appliedToAServerItServesHttpsWithAnRsaKey() {
    Vertx vertx = Vertx.vertx();
    try {
      TlsOptions tls = read(certificate.tlsSection()).tls();
      HttpServer server = await(vertx.createHttpServer(tls.applyTo(new HttpServerOptions()))
          .requestHandler(request -> request.response().end(request.isSSL() ? "secure" : "plain"))
          .listen(0, "127.0.0.1"));
      WebClient client = WebClient.create(vertx, certificate.webClientOptions());
      HttpResponse<Buffer> response = await(client.get(server.actualPort(), "127.0.0.1", "/").send());
      assertThat(response.bodyAsString()).isEqualTo("secure");
    } finally {
      await(vertx.close());
    }
  }
}
