package io.ttvertx;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestCertificate;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A certificate renewed while the server runs (its files replaced, as certbot does) is served by
 * login's HTTPS port and by both msg instances' TLS port without a restart; a pair whose key is not
 * the certificate's is refused and the one served kept.
 */
class CertificateReloadTest extends ServerTestBase {
  /** The certificate the server starts with; its files stay as they are, for the clients' trust. */
  private static TestCertificate configured;
  /** The files the server is configured with, replaced by the renewal. */
  private static Path liveCertificate;
  private static Path liveKey;
  private static int msgTlsPort;

  @BeforeAll
  static void start() throws IOException {
    configured = TestCertificate.create("EC");
    Path live = Files.createTempDirectory("tt-tls-live");
    liveCertificate = Files.copy(configured.certificate, live.resolve("fullchain.pem"));
    liveKey = Files.copy(configured.key, live.resolve("privkey.pem"));
    msgTlsPort = TestServer.freePort();
    JsonObject config = TestServer.defaultConfig().put("tls", new JsonObject().put("certificate",
        liveCertificate.toString()).put("key", liveKey.toString()).put("reloadCheckSeconds", 1));
    config.getJsonObject("msg").put("tlsPort", msgTlsPort).put("instances", 2);
    startServer(config);
  }

  private Future<HttpResponse<Buffer>> msgServer(TestCertificate trusted) {
    WebClient client = WebClient.create(vertx, trusted.webClientOptions());
    return client.get(server.loginPort, "127.0.0.1", "/msg_server").send().andThen(ar -> client.close());
  }

  @Test
  void aRenewedCertificateIsServedWithoutARestart() throws IOException {
    assertThat(await(msgServer(configured)).statusCode()).isEqualTo(200);

    TestCertificate renewed = TestCertificate.create("EC");
    Files.copy(renewed.certificate, liveCertificate, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(renewed.key, liveKey, StandardCopyOption.REPLACE_EXISTING);

    boolean served = false;
    for (int attempt = 0; attempt < 100 && !served; attempt++) {
      served = await(msgServer(renewed).transform(ar -> Future.succeededFuture(ar.succeeded())));
      if (!served) {
        await(vertx.timer(100));
      }
    }
    assertThat(served).as("the renewed certificate served by login within 10 s").isTrue();
    assertThat(awaitFailure(msgServer(configured))).as("the replaced certificate is no longer served").isNotNull();

    // msg's TLS port: connections go to each instance in turn, so ten in a row succeed only once both
    // instances serve the renewed certificate
    int inARow = 0;
    for (int attempt = 0; attempt < 200 && inARow < 10; attempt++) {
      TeamTalkClient client = await(TeamTalkClient.connect(vertx, renewed.netClientOptions(), "127.0.0.1", msgTlsPort)
          .transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result() : null)));
      if (client == null) {
        inARow = 0;
        await(vertx.timer(100));
        continue;
      }
      assertThat(await(client.login(USER_NAMES.get(attempt % 4), PASSWORD, ClientType.CLIENT_TYPE_ANDROID))
          .getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
      await(client.close());
      inARow++;
    }
    assertThat(inARow).as("TLS connections to msg in a row with the renewed certificate").isEqualTo(10);

    // the renewed certificate with the old key: refused (Vert.x would take the pair, and every handshake
    // would then fail), said in the log, and the renewed pair kept
    Logger reloadLog = (Logger) LoggerFactory.getLogger(CertificateReload.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    reloadLog.addAppender(logged);
    try {
      Files.copy(configured.key, liveKey, StandardCopyOption.REPLACE_EXISTING);
      boolean refused = false;
      for (int attempt = 0; attempt < 100 && !refused; attempt++) {
        synchronized (logged) {
          refused = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
              .filter(line -> line.contains("cannot be used") && line.contains("is not the key of the certificate"))
              .map(line -> line.substring(0, line.indexOf(':'))).collect(Collectors.toSet())
              .containsAll(List.of("login", "msg"));
        }
        if (!refused) {
          await(vertx.timer(100));
        }
      }
      assertThat(refused).as("the mismatched pair refused by login and msg within 10 s").isTrue();
      assertThat(await(msgServer(renewed)).statusCode()).isEqualTo(200);
      assertThat(await(TeamTalkClient.connect(vertx, renewed.netClientOptions(), "127.0.0.1", msgTlsPort)
          .compose(client -> client.close()).map(true))).isTrue();
    } finally {
      reloadLog.detachAppender(logged);
    }
  }
}
