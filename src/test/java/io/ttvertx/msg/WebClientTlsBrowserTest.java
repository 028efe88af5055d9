package io.ttvertx.msg;

import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.support.HeadlessChromium;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestCertificate;
import io.ttvertx.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client over HTTPS and WSS, with the server's "tls" section (a self-signed test certificate,
 * which this browser is told to accept): it logs in and chats with a native client both ways.
 */
public class WebClientTlsBrowserTest extends ServerTestBase {
  private static final MessageCipher CIPHER = new MessageCipher(MessageCipher.DEFAULT_KEY);
  private static ChromeDriver browser;

  @BeforeAll
  static void start() {
    HeadlessChromium.assumeInstalled();
    JsonObject config = TestServer.defaultConfig().put("tls", TestCertificate.create("EC").tlsSection());
    startServer(config);
    browser = HeadlessChromium.start("--ignore-certificate-errors");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    stopServer();
  }

  @Test
  void logsInOverHttpsAndChatsOverWss() {
    Session bob = login("bob", ClientType.CLIENT_TYPE_ANDROID);
    browser.get("https://127.0.0.1:" + server.webPort + "/");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-name"))).sendKeys("alice");
    browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login-button")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session-list")));
    int aliceId = ((Number) browser.executeScript("return ttApp.me.userId;")).intValue();

    sendText(bob, aliceId, new String(CIPHER.encrypt("over WSS".getBytes(StandardCharsets.UTF_8)),
        StandardCharsets.US_ASCII));
    By bobsChat = By.cssSelector("li[data-session='u:" + bob.userId() + "']");
    wait.until(ExpectedConditions.visibilityOfElementLocated(bobsChat)).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "over WSS"));
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("draft"))).sendKeys("back over WSS");
    browser.findElement(By.id("send")).click();
    assertThat(new String(CIPHER.decrypt(receiveMessage(bob).getMsgData().toByteArray()), StandardCharsets.UTF_8))
        .isEqualTo("back over WSS");
  }
}
