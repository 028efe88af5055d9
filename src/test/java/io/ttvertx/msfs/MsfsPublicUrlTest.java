package io.ttvertx.msfs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With msfs.publicUrl set (behind NAT or a proxy), answers and login hand out that URL, never the Host
 * header; two instances share the port.
 */
class MsfsPublicUrlTest {
  private static final String PUBLIC_URL = "http://pictures.example.com:9000/tt";

  private static MsfsTestServer msfs;

  @BeforeAll
  static void start() {
    msfs = MsfsTestServer.start(new JsonObject().put("publicUrl", PUBLIC_URL).put("instances", 2),
        config -> config.getJsonObject("login").put("msfsBackup", "http://backup.example/msfs"));
  }

  @AfterAll
  static void stop() {
    msfs.stop();
  }

  @Test
  void answersUseThePublicUrl() {
    byte[] jpeg = TestPictures.encode("jpg", 120, 90, 21);
    RawHttp.Response response = await(RawHttp.exchange(msfs.vertx, msfs.msfsPort,
        ClientUploads.android(msfs.msfsPort, "a.jpg", jpeg)));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("text/html;charset=utf-8");
    JsonObject answer = response.json();
    assertThat(answer.getInteger("error_code")).isZero();
    assertThat(answer.getString("url")).isEqualTo(PUBLIC_URL + "/" + answer.getString("path"));

    // the proxy in front strips its prefix: the path alone reaches the msfs
    HttpResponse<Buffer> download = await(msfs.http.get(msfs.msfsPort, "127.0.0.1", "/" + answer.getString("path"))
        .send());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.getHeader("Content-Type")).isEqualTo("image/jpeg");
    assertThat(download.body().getBytes()).isEqualTo(jpeg);
  }

  @Test
  void loginHandsOutThePublicUrlAndAConfiguredValueWins() {
    JsonObject answer = msfs.msgServerAnswer();
    assertThat(answer.getString("msfsPrior")).isEqualTo(PUBLIC_URL + "/");
    assertThat(answer.getString("msfsBackup")).isEqualTo("http://backup.example/msfs/");
  }
}
