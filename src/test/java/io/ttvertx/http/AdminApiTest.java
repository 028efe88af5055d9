package io.ttvertx.http;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.LoginCmdID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API under /api/v1 with a real HTTP client, its effects seen by real TCP clients: users
 * created log in, disabled ones are kicked at once and refused, enabled ones come back; departments as
 * a tree; presence; every refusal a 4xx with {"error", "reason"}.
 */
class AdminApiTest extends ServerTestBase {
  static final String API_KEY = "admin-secret";
  private static int port;
  private static WebClient http;

  @BeforeAll
  static void start() {
    startServer(withHttpMsg(TestServer.defaultConfig()));
  }

  static JsonObject withHttpMsg(JsonObject config) {
    port = TestServer.freePort();
    return config.put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", port)
        .put("apiKeys", new JsonArray().add("other-key").add(API_KEY)).put("maxBodyBytes", 4096));
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
      http = null;
    }
    stopServer();
  }

  // ---- HTTP helpers

  /** The client, made on the first call: subclasses start the server their own way. */
  private static WebClient http() {
    if (http == null) {
      http = WebClient.create(vertx);
    }
    return http;
  }

  private static HttpRequest<Buffer> request(HttpMethod method, String path, String key) {
    HttpRequest<Buffer> request = http().request(method, port, "127.0.0.1", path);
    if (key != null) {
      request.putHeader("Authorization", "Bearer " + key);
    }
    return request;
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = request(method, "/api/v1" + path, API_KEY);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static JsonObject expect(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    if (status == 204) {
      return null;
    }
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    return response.bodyAsJsonObject();
  }

  /** A refusal: the status, {"error": code, "reason": text}. */
  private static JsonObject refused(HttpResponse<Buffer> response, int status, String error) {
    JsonObject body = expect(response, status);
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("reason")).isNotBlank();
    return body;
  }

  private static int createDepartment(String name, int parentId, int priority) {
    return expect(call(HttpMethod.POST, "/departments", new JsonObject().put("name", name).put("parentId", parentId)
        .put("priority", priority)), 201).getInteger("id");
  }

  private static JsonObject createUser(String name, String password, int departmentId) {
    return expect(call(HttpMethod.POST, "/users", new JsonObject().put("name", name).put("password", password)
        .put("departmentId", departmentId)), 201);
  }

  private IMLogin.IMLoginRes tryLogin(String name, String password, ClientType type) {
    return await(connect().login(name, password, type));
  }

  private static List<IMBaseDefine.UserInfo> usersChangedSince(TeamTalkClient client, int since) {
    IMBuddy.IMAllUserRsp all = ask(client, IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(0).setLatestUpdateTime(since).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE, IMBuddy.IMAllUserRsp.parser());
    return all.getUserListList();
  }

  private static void expectKicked(Session session) {
    IMLogin.IMKickUser kick = push(session.client(), LoginCmdID.CID_LOGIN_KICK_USER_VALUE, IMLogin.IMKickUser.parser());
    assertThat(kick.getUserId()).isEqualTo(session.userId());
    assertThat(kick.getKickReason()).isEqualTo(AdminOperations.ADMIN_KICK_REASON);
    await(session.client().closed());
  }

  // ---- tests

  @Test
  void everyApiRequestNeedsAConfiguredBearerKey() {
    refused(await(request(HttpMethod.GET, "/api/v1/users", null).send()), 401, "unauthorized");
    refused(await(request(HttpMethod.GET, "/api/v1/users", "guess").send()), 401, "unauthorized");
    refused(await(http().get(port, "127.0.0.1", "/api/v1/users").putHeader("Authorization", "Basic " + API_KEY).send()),
        401, "unauthorized");
    // a request without a key is refused before its body is looked at
    refused(await(request(HttpMethod.POST, "/api/v1/users", null).sendBuffer(Buffer.buffer("{"))), 401,
        "unauthorized");
    expect(await(request(HttpMethod.GET, "/api/v1/users", "other-key").send()), 200);

    int keyless = TestServer.freePort();
    String deployment = await(vertx.deployVerticle(HttpMsgVerticle.class.getName(), new DeploymentOptions()
        .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", keyless))));
    try {
      HttpResponse<Buffer> response = await(http().get(keyless, "127.0.0.1", "/api/v1/users")
          .putHeader("Authorization", "Bearer " + API_KEY).send());
      assertThat(refused(response, 403, "forbidden").getString("reason")).contains("httpMsg.apiKeys");
    } finally {
      await(vertx.undeploy(deployment));
    }
  }

  @Test
  void healthAndTheDocumentNeedNoKey() {
    JsonObject health = expect(await(http().get(port, "127.0.0.1", "/health").send()), 200);
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getJsonArray("checks").stream().map(check -> ((JsonObject) check).getString("id")))
        .containsExactlyInAnyOrder("db", "route");
    HttpResponse<Buffer> document = await(http().get(port, "127.0.0.1", "/api/v1/openapi.yaml").send());
    assertThat(document.statusCode()).isEqualTo(200);
    assertThat(document.bodyAsString()).contains("openapi: 3.1.0").contains("operationId: createUser");
  }

  @Test
  void healthIsDownWhenNoDbProxyAndNoRouteAnswer() {
    Vertx alone = Vertx.vertx();
    int alonePort = TestServer.freePort();
    try {
      await(alone.deployVerticle(HttpMsgVerticle.class.getName(), new DeploymentOptions()
          .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", alonePort))));
      JsonObject health = expect(await(http().get(alonePort, "127.0.0.1", "/health").send()), 503);
      assertThat(health.getString("status")).isEqualTo("DOWN");
      assertThat(health.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(check -> "DOWN".equals(check.getString("status"))).map(check -> check.getString("id")))
          .containsExactlyInAnyOrder("db", "route");
    } finally {
      await(alone.close());
    }
  }

  @Test
  void badRequestsAreRefusedWithAReason() {
    refused(await(request(HttpMethod.POST, "/api/v1/users", API_KEY).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{not json"))), 400, "bad_request");
    refused(call(HttpMethod.POST, "/users", new JsonObject().put("name", "nopassword").put("departmentId", 1)), 400,
        "bad_request");
    refused(call(HttpMethod.POST, "/users", new JsonObject().put("name", "x").put("password", "p")
        .put("departmentId", 1).put("department", "Dev")), 400, "bad_request");
    refused(call(HttpMethod.POST, "/users", new JsonObject().put("name", "n".repeat(33)).put("password", "p")
        .put("departmentId", 1)), 400, "bad_request");
    refused(call(HttpMethod.PATCH, "/users/1", new JsonObject()), 400, "bad_request");
    refused(call(HttpMethod.GET, "/users/abc", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/users/0", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/users?limit=501", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/users?offset=-1", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/nothing", null), 404, "not_found");
    refused(call(HttpMethod.POST, "/departments", new JsonObject().put("name", "x".repeat(5000))), 413, "too_large");
    // TeamTalk's /query API is still there beside it
    assertThat(await(http().post(port, "127.0.0.1", "/query/CreateGroup").sendBuffer(Buffer.buffer("{}")))
        .bodyAsJsonObject().getInteger("error_code")).isEqualTo(HttpMsgAnswers.BAD_APP_KEY);
  }

  @Test
  void unknownIdsAreNotFound() {
    refused(call(HttpMethod.GET, "/users/999999", null), 404, "not_found");
    refused(call(HttpMethod.PATCH, "/users/999999", new JsonObject().put("nick", "Ghost")), 404, "not_found");
    refused(call(HttpMethod.POST, "/users/999999/disable", null), 404, "not_found");
    refused(call(HttpMethod.POST, "/users/999999/enable", null), 404, "not_found");
    refused(call(HttpMethod.PUT, "/users/999999/password", new JsonObject().put("password", "x")), 404, "not_found");
    refused(call(HttpMethod.PATCH, "/departments/999999", new JsonObject().put("name", "Ghosts")), 404, "not_found");
    refused(call(HttpMethod.DELETE, "/departments/999999", null), 404, "not_found");
    // a user in a department that does not exist
    refused(call(HttpMethod.POST, "/users", new JsonObject().put("name", "orphan").put("password", "p")
        .put("departmentId", 999_999)), 422, "invalid");
  }

  @Test
  void aUserCreatedOverTheApiLogsInAndChangesReachClients() {
    int support = createDepartment("Support", 0, 0);
    JsonObject body = new JsonObject().put("name", "newhire").put("password", "first-pass").put("nick", "New Hire")
        .put("departmentId", support).put("sex", 2).put("phone", "13800000000").put("email", "new@example.com")
        .put("sign", "hello");
    HttpResponse<Buffer> first = await(request(HttpMethod.POST, "/api/v1/users", API_KEY)
        .putHeader("Idempotency-Key", "hire-1").sendJsonObject(body));
    JsonObject created = expect(first, 201);
    int id = created.getInteger("id");
    assertThat(created.getString("nick")).isEqualTo("New Hire");
    assertThat(created.getInteger("departmentId")).isEqualTo(support);
    assertThat(created.getBoolean("disabled")).isFalse();
    assertThat(created.containsKey("password")).isFalse();

    // a retry with the same key and body gets the first answer; another body under that key is refused
    HttpResponse<Buffer> retried = await(request(HttpMethod.POST, "/api/v1/users", API_KEY)
        .putHeader("Idempotency-Key", "hire-1").sendJsonObject(body));
    assertThat(expect(retried, 201)).isEqualTo(created);
    refused(await(request(HttpMethod.POST, "/api/v1/users", API_KEY).putHeader("Idempotency-Key", "hire-1")
        .sendJsonObject(body.copy().put("nick", "Other"))), 422, "invalid");
    // without the key, the same creation is a taken name
    refused(call(HttpMethod.POST, "/users", body), 409, "conflict");

    Session session = login("newhire", ClientType.CLIENT_TYPE_WINDOWS, "first-pass");
    assertThat(session.userId()).isEqualTo(id);
    assertThat(session.login().getUserInfo().getUserNickName()).isEqualTo("New Hire");
    assertThat(expect(call(HttpMethod.GET, "/users/" + id, null), 200)).isEqualTo(created);

    int before = created.getInteger("updated");
    JsonObject changed = expect(call(HttpMethod.PATCH, "/users/" + id, new JsonObject().put("nick", "Senior Hire")
        .put("sign", "busy")), 200);
    assertThat(changed.getString("nick")).isEqualTo("Senior Hire");
    assertThat(changed.getString("email")).isEqualTo("new@example.com");
    assertThat(changed.getInteger("updated")).isGreaterThanOrEqualTo(before);
    // a client syncing users changed since its last sync sees the new nick
    assertThat(usersChangedSince(session.client(), before)).filteredOn(user -> user.getUserId() == id)
        .singleElement().satisfies(user -> {
          assertThat(user.getUserNickName()).isEqualTo("Senior Hire");
          assertThat(user.getSignInfo()).isEqualTo("busy");
        });

    expect(call(HttpMethod.PUT, "/users/" + id + "/password", new JsonObject().put("password", "second-pass")), 204);
    assertThat(tryLogin("newhire", "first-pass", ClientType.CLIENT_TYPE_MAC).getResultCode())
        .isNotEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    login("newhire", ClientType.CLIENT_TYPE_MAC, "second-pass");
  }

  private Session login(String name, ClientType type, String password) {
    TeamTalkClient client = connect();
    IMLogin.IMLoginRes response = await(client.login(name, password, type));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId(), response);
  }

  @Test
  void aDisabledUserIsKickedAtOnceAndRefusedUntilEnabled() {
    int ops = createDepartment("Operations", 0, 0);
    int id = createUser("leaver", "pass", ops).getInteger("id");
    Session pc = login("leaver", ClientType.CLIENT_TYPE_WINDOWS, "pass");
    Session phone = login("leaver", ClientType.CLIENT_TYPE_ANDROID, "pass");
    Session watcher = loginPc("grace");

    JsonObject disabled = expect(call(HttpMethod.POST, "/users/" + id + "/disable", null), 200);
    assertThat(disabled.getInteger("kicked")).isEqualTo(2);
    assertThat(disabled.getInteger("status")).isEqualTo(AdminOperations.STATUS_DEPARTED);
    assertThat(disabled.getBoolean("disabled")).isTrue();
    expectKicked(pc);
    expectKicked(phone);
    // the PC logout is announced to the other PC clients (among announcements of other tests' clients, which
    // may come late)
    IMBaseDefine.UserStat announced;
    do {
      announced = push(watcher.client(), IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_STATUS_NOTIFY_VALUE,
          IMBuddy.IMUserStatNotify.parser()).getUserStat();
    } while (announced.getUserId() != id || announced.getStatus() != IMBaseDefine.UserStatType.USER_STATUS_OFFLINE);

    assertThat(tryLogin("leaver", "pass", ClientType.CLIENT_TYPE_WINDOWS).getResultCode())
        .isNotEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    assertThat(expect(call(HttpMethod.GET, "/users/" + id, null), 200).getBoolean("disabled")).isTrue();

    assertThat(expect(call(HttpMethod.POST, "/users/" + id + "/enable", null), 200).getBoolean("disabled")).isFalse();
    login("leaver", ClientType.CLIENT_TYPE_WINDOWS, "pass");
  }

  @Test
  void aKickClosesEveryConnectionAndTheUserMayComeBack() {
    Session pc = loginPc("heidi");
    Session phone = login("heidi", ClientType.CLIENT_TYPE_IOS);
    assertThat(expect(call(HttpMethod.POST, "/users/" + pc.userId() + "/kick", null), 200).getInteger("kicked"))
        .isEqualTo(2);
    expectKicked(pc);
    expectKicked(phone);
    loginPc("heidi");
    assertThat(expect(call(HttpMethod.POST, "/users/999999/kick", null), 200).getInteger("kicked")).isZero();
  }

  @Test
  void presenceCountsEveryConnectionByNodeAndClientType() {
    Session pc = loginPc("ivan");
    login("ivan", ClientType.CLIENT_TYPE_ANDROID);
    JsonObject presence = expect(call(HttpMethod.GET, "/presence?limit=500", null), 200);
    assertThat(presence.getInteger("users")).isGreaterThanOrEqualTo(1);
    assertThat(presence.getInteger("connections")).isGreaterThanOrEqualTo(2);
    JsonObject node = presence.getJsonArray("nodes").getJsonObject(0);
    assertThat(node.getJsonObject("clientTypes").getInteger("windows")).isGreaterThanOrEqualTo(1);
    assertThat(node.getJsonObject("clientTypes").getInteger("android")).isGreaterThanOrEqualTo(1);
    JsonObject ivan = presence.getJsonArray("online").stream().map(JsonObject.class::cast)
        .filter(user -> user.getInteger("userId") == pc.userId()).findFirst().orElseThrow();
    assertThat(ivan.getJsonArray("connections").stream().map(c -> ((JsonObject) c).getString("clientType")))
        .containsExactlyInAnyOrder("windows", "android");
    assertThat(expect(call(HttpMethod.GET, "/presence?limit=0", null), 200).getJsonArray("online")).isEmpty();
  }

  @Test
  void usersArePagedAndSearchedInAnyCase() {
    JsonObject firstPage = expect(call(HttpMethod.GET, "/users?offset=0&limit=5", null), 200);
    int total = firstPage.getInteger("total");
    assertThat(total).isGreaterThanOrEqualTo(USER_NAMES.size());
    assertThat(firstPage.getJsonArray("items")).hasSize(5);
    assertThat(firstPage.getInteger("limit")).isEqualTo(5);
    JsonObject secondPage = expect(call(HttpMethod.GET, "/users?offset=5&limit=5", null), 200);
    assertThat(secondPage.getJsonArray("items").getJsonObject(0).getInteger("id"))
        .isGreaterThan(firstPage.getJsonArray("items").getJsonObject(4).getInteger("id"));
    JsonObject beyond = expect(call(HttpMethod.GET, "/users?offset=" + total, null), 200);
    assertThat(beyond.getJsonArray("items")).isEmpty();
    assertThat(beyond.getInteger("total")).isEqualTo(total);

    JsonObject found = expect(call(HttpMethod.GET, "/users?q=ALI", null), 200);
    assertThat(found.getJsonArray("items").stream().map(user -> ((JsonObject) user).getString("name")))
        .containsExactly("alice");
    assertThat(found.getInteger("total")).isEqualTo(1);
    // the search is by nick too, and wildcards in it are plain characters
    assertThat(expect(call(HttpMethod.GET, "/users?q=olan", null), 200).getInteger("total")).isEqualTo(1);
    assertThat(expect(call(HttpMethod.GET, "/users?q=!", null), 200).getInteger("total")).isZero();
    assertThat(expect(call(HttpMethod.GET, "/users?q=_", null), 200).getInteger("total")).isZero();
  }

  @Test
  void departmentsFormATreeMoveWithoutCyclesAndAreDeletedOnlyWhenEmpty() {
    int company = createDepartment("Company", 0, 0);
    int engineering = createDepartment("Engineering", company, 1);
    int design = createDepartment("Design", company, 0);
    int backend = createDepartment("Backend", engineering, 0);
    refused(call(HttpMethod.POST, "/departments", new JsonObject().put("name", "Design")), 409, "conflict");
    refused(call(HttpMethod.POST, "/departments", new JsonObject().put("name", "Nowhere").put("parentId", 999_999)),
        422, "invalid");

    JsonArray tops = expect(call(HttpMethod.GET, "/departments", null), 200).getJsonArray("items");
    assertThat(tops.stream().map(top -> ((JsonObject) top).getInteger("id"))).contains(company)
        .doesNotContain(engineering, design, backend);
    JsonObject companyNode = departmentNode(company);
    assertThat(companyNode.getJsonArray("children").stream().map(child -> ((JsonObject) child).getString("name")))
        .containsExactly("Design", "Engineering");
    JsonObject engineeringNode = companyNode.getJsonArray("children").getJsonObject(1);
    assertThat(engineeringNode.getJsonArray("children").getJsonObject(0).getInteger("id")).isEqualTo(backend);

    // a department cannot go under itself or its descendants
    refused(call(HttpMethod.PATCH, "/departments/" + company, new JsonObject().put("parentId", backend)), 409,
        "conflict");
    refused(call(HttpMethod.PATCH, "/departments/" + backend, new JsonObject().put("parentId", backend)), 409,
        "conflict");
    JsonObject moved = expect(call(HttpMethod.PATCH, "/departments/" + backend,
        new JsonObject().put("parentId", design).put("name", "Platform")), 200);
    assertThat(moved.getString("name")).isEqualTo("Platform");
    assertThat(moved.getInteger("parentId")).isEqualTo(design);
    refused(call(HttpMethod.PATCH, "/departments/" + backend, new JsonObject().put("name", "Engineering")), 409,
        "conflict");

    // not empty: a child department, then a user
    refused(call(HttpMethod.DELETE, "/departments/" + design, null), 409, "conflict");
    int userId = createUser("platformer", "pass", backend).getInteger("id");
    refused(call(HttpMethod.DELETE, "/departments/" + backend, null), 409, "conflict");
    expect(call(HttpMethod.PATCH, "/users/" + userId, new JsonObject().put("departmentId", engineering)), 200);
    expect(call(HttpMethod.DELETE, "/departments/" + backend, null), 204);
    refused(call(HttpMethod.DELETE, "/departments/" + backend, null), 404, "not_found");
    assertThat(departmentNode(design).getJsonArray("children")).isEmpty();
    // a deleted department's name is free again, and users cannot be put in it
    refused(call(HttpMethod.PATCH, "/users/" + userId, new JsonObject().put("departmentId", backend)), 422, "invalid");
    createDepartment("Platform", design, 0);
  }

  /** The node of that department, anywhere in the tree. */
  private static JsonObject departmentNode(int id) {
    return find(expect(call(HttpMethod.GET, "/departments", null), 200).getJsonArray("items"), id);
  }

  private static JsonObject find(JsonArray nodes, int id) {
    for (Object entry : nodes) {
      JsonObject node = (JsonObject) entry;
      JsonObject found = node.getInteger("id") == id ? node : find(node.getJsonArray("children"), id);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  @Test
  void theIdempotencyCacheForgetsAfterADayAndKeepsABoundedNumber() {
    long[] now = {0};
    IdempotencyCache<String> cache = new IdempotencyCache<>(2, () -> now[0]);
    int[] made = {0};
    assertThat(await(cache.answer("a", "{}", () -> io.vertx.core.Future.succeededFuture("first" + made[0]++))))
        .isEqualTo("first0");
    assertThat(await(cache.answer("a", "{}", () -> io.vertx.core.Future.succeededFuture("again" + made[0]++))))
        .isEqualTo("first0");
    now[0] = IdempotencyCache.RETENTION_MS;
    assertThat(await(cache.answer("a", "{}", () -> io.vertx.core.Future.succeededFuture("later" + made[0]++))))
        .isEqualTo("later1");
    cache.answer("b", "{}", () -> io.vertx.core.Future.succeededFuture("b"));
    cache.answer("c", "{}", () -> io.vertx.core.Future.succeededFuture("c"));
    assertThat(cache.size()).isEqualTo(2);
  }
}
