package io.ttvertx.msg;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.msfs.TestPictures;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.protocol.PictureText;
import io.ttvertx.support.HeadlessChromium;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web client in headless Chromium against the whole server: a browser user (alice) chats with
 * native-protocol clients, which encrypt and decrypt with TeamTalk's cipher as the apps do; sends a
 * picture that the other side fetches from msfs; finds an unread badge and the history after a
 * reload; pages history as it scrolls up; creates a group and changes its members; and reconnects
 * after the server restarts, with what it was typing still there. The chat view's screenshot is
 * saved as target/web-client.png (docs/web-client.png is a copy).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class WebClientBrowserTest extends ServerTestBase {
  private static final MessageCipher CIPHER = new MessageCipher(MessageCipher.DEFAULT_KEY);
  private static ChromeDriver browser;
  private static String base;
  private static Session bob;
  private static int aliceId;

  @BeforeAll
  static void start() {
    HeadlessChromium.assumeInstalled();
    JsonObject config = TestServer.defaultConfig();
    int msfsPort = TestServer.freePort();
    config.put("msfs", new JsonObject().put("host", "127.0.0.1").put("port", msfsPort)
        .put("publicUrl", "http://127.0.0.1:" + msfsPort + "/"));
    startServer(config);
    base = "http://127.0.0.1:" + server.webPort + "/";
    browser = HeadlessChromium.start();
  }

  @AfterAll
  static void stop() {
    if (bob != null) {
      bob.client().close();
    }
    if (browser != null) {
      browser.quit();
    }
    stopServer();
  }

  /** A native client kept from one step to the next (the base class closes its own after each). */
  private static Session loginKept(String name) {
    TeamTalkClient client = await(TeamTalkClient.connect(vertx, "127.0.0.1", server.msgPort));
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, ClientType.CLIENT_TYPE_ANDROID));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId(), response);
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void waitForText(By by, String text) {
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static String encrypt(String text) {
    return new String(CIPHER.encrypt(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
  }

  private static String decrypt(ByteString data) {
    return new String(CIPHER.decrypt(data.toByteArray()), StandardCharsets.UTF_8);
  }

  private static String session(int userId) {
    return "li[data-session='u:" + userId + "']";
  }

  private static List<String> shownTexts() {
    return browser.findElements(By.cssSelector("#messages .message .text")).stream().map(WebElement::getText).toList();
  }

  private void sendFromBob(String text) {
    assertThat(sendText(bob, aliceId, encrypt(text)).getMsgId()).isPositive();
  }

  @Test
  @Order(1)
  void logsInAndChatsWithANativeClientBothWays() {
    bob = loginKept("bob");
    browser.get(base);
    // the language follows the browser's (English here) and can be switched
    waitForText(By.id("login-button"), "Log in");
    browser.findElement(By.cssSelector(".login .lang a")).click();
    waitForText(By.id("login-button"), "登录");
    browser.findElement(By.cssSelector(".login .lang a")).click();
    waitForText(By.id("login-button"), "Log in");
    waitFor(By.id("login-name")).sendKeys("alice");
    browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login-button")).click();
    waitFor(By.id("session-list"));
    aliceId = ((Number) js("return ttApp.me.userId;")).intValue();

    sendFromBob("你好 Alice, from the app");
    waitForText(By.cssSelector(session(bob.userId()) + " .badge"), "1");
    browser.findElement(By.cssSelector(session(bob.userId()))).click();
    waitForText(By.id("messages"), "你好 Alice, from the app");
    assertThat(browser.findElements(By.cssSelector(session(bob.userId()) + " .badge"))).isEmpty();

    waitFor(By.id("draft")).sendKeys("Hi Bob ");
    browser.findElement(By.cssSelector("footer .icon")).click();
    waitFor(By.cssSelector(".emoji button")).click();
    browser.findElement(By.id("send")).click();
    IMMessage.IMMsgData received = receiveMessage(bob);
    assertThat(received.getFromUserId()).isEqualTo(aliceId);
    assertThat(decrypt(received.getMsgData())).isEqualTo("Hi Bob 😀");
    // bob's phone was online: the server tells the browser its message reached him
    waitForText(By.cssSelector(".message.own .state.delivered"), "delivered");
    // and once bob reads the chat, that he read it
    bob.client().send(IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_READ_ACK_VALUE,
        IMMessage.IMMsgDataReadAck.newBuilder().setUserId(bob.userId()).setSessionId(aliceId)
            .setMsgId(received.getMsgId()).setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE).build());
    waitForText(By.cssSelector(".message.own .state.read"), "read");
    // bob's read receipt is not alice reading her own chat with bob: her badges stay as they were
    assertThat(browser.findElements(By.cssSelector(session(bob.userId()) + " .badge"))).isEmpty();
  }

  @Test
  @Order(2)
  void sendsAPictureTheNativeClientFetchesFromMsfs() throws IOException, InterruptedException {
    byte[] png = TestPictures.encode("png", 64, 48, 7);
    Path file = Files.createTempFile("tt-web-picture", ".png");
    Files.write(file, png);
    browser.findElement(By.id("picture-input")).sendKeys(file.toString());

    String text = decrypt(receiveMessage(bob).getMsgData());
    String url = PictureText.urlOf(text);
    assertThat(url).as("picture text %s", text).startsWith("http://127.0.0.1:");
    HttpResponse<byte[]> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).isEqualTo(png);

    WebElement picture = waitFor(By.cssSelector("#messages img.picture"));
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> ((Number) js(
        "return arguments[0].naturalWidth;", picture)).intValue() == 64);
    picture.click();
    waitFor(By.cssSelector(".viewer img")).click();

    sendFromBob("Nice picture 👍");
    waitForText(By.id("messages"), "Nice picture 👍");
    Files.write(Path.of("target", "web-client.png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  @Order(3)
  void afterAReloadTheUnreadBadgeAndTheHistoryAreThere() {
    browser.get("about:blank");
    sendFromBob("while you were away");
    browser.get(base);
    waitForText(By.cssSelector(session(bob.userId()) + " .badge"), "1");
    assertThat(browser.getTitle()).isEqualTo("(1) TeamTalk");
    browser.findElement(By.cssSelector(session(bob.userId()))).click();
    waitForText(By.id("messages"), "while you were away");
    assertThat(shownTexts()).containsSubsequence("你好 Alice, from the app", "Hi Bob 😀", "Nice picture 👍",
        "while you were away");
    assertThat(browser.findElements(By.cssSelector("#messages img.picture"))).hasSize(1);
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "TeamTalk".equals(d.getTitle()));
  }

  @Test
  @Order(4)
  void historyIsPagedAsTheUserScrollsUp() {
    Session erin = loginPc("erin");
    for (int i = 1; i <= 45; i++) {
      sendText(erin, aliceId, encrypt("page message " + i));
    }
    browser.findElement(By.cssSelector(session(erin.userId()))).click();
    waitForText(By.id("messages"), "page message 45");
    assertThat(shownTexts()).hasSize(20).startsWith("page message 26");
    for (int expected : new int[] {40, 45}) {
      js("document.getElementById('messages').scrollTop = 0;"
          + "document.getElementById('messages').dispatchEvent(new Event('scroll'));");
      new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> shownTexts().size() == expected);
    }
    assertThat(shownTexts().get(0)).isEqualTo("page message 1");
    assertThat(shownTexts()).endsWith("page message 45");
    erin.client().close();
  }

  @Test
  @Order(5)
  void theOrganisationShowsDepartmentsUsersAndPresence() throws IOException {
    browser.findElement(By.id("tab-contacts")).click();
    waitFor(By.id("contact-list"));
    List<String> departments = browser.findElements(By.cssSelector("#contact-list summary")).stream()
        .map(WebElement::getText).toList();
    assertThat(departments).anyMatch(d -> d.startsWith("Dev")).anyMatch(d -> d.startsWith("Sales"));
    // bob is online (his phone), carol is not; a login and a logout are announced to the PC clients
    assertThat(browser.findElement(By.cssSelector("#contact-list li[data-user='bob'] .presence"))
        .getDomAttribute("class")).contains("on");
    By carol = By.cssSelector("#contact-list li[data-user='carol'] .presence.on");
    assertThat(browser.findElements(carol)).isEmpty();
    Session carolOnPc = loginPc("carol");
    waitFor(carol);
    carolOnPc.client().close();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.invisibilityOfElementLocated(carol));
    Files.write(Path.of("target", "web-client-contacts.png"), browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  @Order(6)
  void createsAGroupAndChangesItsMembers() {
    browser.findElement(By.id("tab-groups")).click();
    waitFor(By.id("new-group")).click();
    waitFor(By.id("group-name")).sendKeys("Web team");
    browser.findElement(By.cssSelector("#group-dialog input[data-user='bob']")).click();
    browser.findElement(By.id("group-save")).click();
    waitForText(By.id("chat-title"), "Web team");

    waitFor(By.id("draft")).sendKeys("hello group");
    browser.findElement(By.id("send")).click();
    IMMessage.IMMsgData received = receiveMessage(bob);
    assertThat(received.getMsgType()).isEqualTo(IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT);
    assertThat(decrypt(received.getMsgData())).isEqualTo("hello group");
    int groupId = received.getToSessionId();
    ask(bob.client(), IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(bob, groupId, IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT, encrypt("hello from the app")),
        IMBaseDefine.MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    waitForText(By.id("messages"), "hello from the app");
    assertThat(browser.findElements(By.cssSelector("#messages .from")).stream().map(WebElement::getText))
        .containsExactly("Bob");

    browser.findElement(By.id("group-members")).click();
    waitFor(By.cssSelector("#group-dialog input[data-user='carol']")).click();
    browser.findElement(By.id("group-save")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> browser.findElements(By.id("group-dialog")).isEmpty());
    IMGroup.IMGroupInfoListRsp info = ask(bob.client(), IMBaseDefine.ServiceID.SID_GROUP_VALUE,
        IMBaseDefine.GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE, IMGroup.IMGroupInfoListReq.newBuilder()
            .setUserId(bob.userId()).addGroupVersionList(IMBaseDefine.GroupVersionInfo.newBuilder()
                .setGroupId(groupId).setVersion(0)).build(),
        IMBaseDefine.GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE, IMGroup.IMGroupInfoListRsp.parser());
    assertThat(info.getGroupInfoList(0).getGroupName()).isEqualTo("Web team");
    assertThat(info.getGroupInfoList(0).getGroupMemberListList()).hasSize(3).contains(aliceId, bob.userId());
  }

  @Test
  @Order(7)
  void changesOwnSignatureAndAvatarAndOthersAreTold() throws IOException {
    browser.findElement(By.id("my-avatar")).click();
    WebElement sign = waitFor(By.id("sign-input"));
    sign.clear();
    sign.sendKeys("busy coding");
    byte[] png = TestPictures.encode("png", 32, 32, 11);
    Path file = Files.createTempFile("tt-web-avatar", ".png");
    Files.write(file, png);
    browser.findElement(By.id("avatar-input")).sendKeys(file.toString());
    IMBuddy.IMAvatarChangedNotify avatar = push(bob.client(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE, IMBuddy.IMAvatarChangedNotify.parser());
    assertThat(avatar.getChangedUserId()).isEqualTo(aliceId);
    assertThat(avatar.getAvatarUrl()).startsWith("http://127.0.0.1:");
    browser.findElement(By.id("profile-save")).click();
    IMBuddy.IMSignInfoChangedNotify signInfo = push(bob.client(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_SIGN_INFO_CHANGED_NOTIFY_VALUE,
        IMBuddy.IMSignInfoChangedNotify.parser());
    assertThat(signInfo.getSignInfo()).isEqualTo("busy coding");
    waitForText(By.cssSelector(".me .who small"), "busy coding");
    assertThat(waitFor(By.cssSelector("#my-avatar img")).getDomAttribute("src")).isEqualTo(avatar.getAvatarUrl());
  }

  @Test
  @Order(8)
  void whileTheTabIsHiddenANotificationIsShownAndTheTitleCounts() {
    browser.findElement(By.cssSelector(session(bob.userId()))).click();
    // headless Chromium has no desktop to show notifications on: the page's Notification is recorded instead
    js("window.shownNotifications = [];"
        + "window.Notification = function (title, options) { shownNotifications.push(title + ': ' + options.body); };"
        + "window.Notification.permission = 'granted';"
        + "Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });");
    sendFromBob("are you there?");
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "(1) TeamTalk".equals(d.getTitle()));
    assertThat(js("return shownNotifications;")).isEqualTo(List.of("Bob: are you there?"));

    js("Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });"
        + "document.dispatchEvent(new Event('visibilitychange'));");
    new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> "TeamTalk".equals(d.getTitle()));
  }

  @Test
  @Order(9)
  void onAPhoneTheListAndTheChatTakeTheScreenInTurn() throws IOException {
    Dimension desktop = browser.manage().window().getSize();
    browser.manage().window().setSize(new Dimension(390, 800));
    try {
      // a chat is open: it fills the screen
      waitFor(By.id("messages"));
      assertThat(browser.findElement(By.cssSelector(".side")).isDisplayed()).isFalse();
      Files.write(Path.of("target", "web-client-phone.png"), browser.getScreenshotAs(OutputType.BYTES));
      browser.findElement(By.cssSelector(".chat .back")).click();
      waitFor(By.id("session-list"));
      assertThat(browser.findElements(By.id("chat"))).isEmpty();
      browser.findElement(By.cssSelector(session(bob.userId()))).click();
      waitFor(By.id("messages"));
      assertThat(browser.findElement(By.cssSelector(".side")).isDisplayed()).isFalse();
    } finally {
      browser.manage().window().setSize(desktop);
    }
  }

  @Test
  @Order(10)
  void reconnectsAfterTheServerRestartsWithTheDraftKept() {
    browser.findElement(By.cssSelector(session(bob.userId()))).click();
    waitFor(By.id("draft")).sendKeys("typed before the restart");
    await(server.stop());
    waitFor(By.cssSelector("#link-state.reconnecting"));
    server = await(TestServer.start(vertx, server.config, List.of()));
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#link-state.online")));
    assertThat(browser.findElement(By.id("draft")).getDomProperty("value")).isEqualTo("typed before the restart");

    bob = loginKept("bob");
    browser.findElement(By.id("send")).click();
    assertThat(decrypt(receiveMessage(bob).getMsgData())).isEqualTo("typed before the restart");
  }

  @Test
  @Order(11)
  void aPcLoginOfTheSameUserKicksTheBrowserBackToTheLoginPage() {
    loginPc("alice");
    waitForText(By.id("login-error"), "You logged in elsewhere");
    roundTrip(bob.client());
  }
}
