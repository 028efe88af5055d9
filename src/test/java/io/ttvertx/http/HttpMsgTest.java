package io.ttvertx.http;

import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TeamTalk's http_msg API as its PHP panel calls it (curl, JSON body, app key "asdfasdf"): groups
 * created by the administration or a user, members changed under the group rules and told at once,
 * every bad request refused with TeamTalk's code, a 4xx and a reason.
 */
class HttpMsgTest extends ServerTestBase {
  static final String APP_KEY = "asdfasdf";
  private static int port;
  private static WebClient http;

  @BeforeAll
  static void start() {
    port = TestServer.freePort();
    JsonObject config = TestServer.defaultConfig();
    config.put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", port)
        .put("appKeys", new JsonArray().add("another-key").add(APP_KEY)).put("maxBodyBytes", 4096));
    startServer(config);
    http = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    stopServer();
  }

  private static HttpResponse<Buffer> post(int toPort, String path, String body) {
    return await(http.post(toPort, "127.0.0.1", path).sendBuffer(Buffer.buffer(body)));
  }

  private static JsonObject answer(HttpResponse<Buffer> response, int status, int errorCode) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/html;charset=utf-8");
    JsonObject json = response.bodyAsJsonObject();
    assertThat(json.getInteger("error_code")).isEqualTo(errorCode);
    return json;
  }

  private static JsonObject createGroup(int reqUserId, String name, int type, List<Integer> members) {
    return new JsonObject().put("req_user_id", reqUserId).put("app_key", APP_KEY).put("group_name", name)
        .put("group_type", type).put("group_avatar", "").put("user_id_list", new JsonArray(List.copyOf(members)));
  }

  private static JsonObject changeMembers(int reqUserId, int groupId, int modifyType, List<Integer> users) {
    return new JsonObject().put("req_user_id", reqUserId).put("app_key", APP_KEY).put("group_id", groupId)
        .put("modify_type", modifyType).put("user_id_list", new JsonArray(List.copyOf(users)));
  }

  private List<Integer> normalGroupsOf(Session session) {
    IMGroup.IMNormalGroupListRsp list = ask(session.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE, IMGroup.IMNormalGroupListReq.newBuilder().setUserId(0).build(),
        GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE, IMGroup.IMNormalGroupListRsp.parser());
    return list.getGroupVersionListList().stream().map(version -> version.getGroupId()).toList();
  }

  @Test
  void theAdministrationCreatesANormalGroupItsMembersListAndChangesItsMembersWhoAreTold() {
    int alice = userId("alice");
    int bob = userId("bob");
    int carol = userId("carol");
    JsonObject created = answer(post(port, "/query/CreateGroup",
        createGroup(0, "Everyone", 1, List.of(alice, bob)).encode()), 200, 0);
    assertThat(created.getString("error_msg")).isEqualTo("成功");
    int groupId = created.getInteger("group_id");
    assertThat(groupId).isPositive();
    Session bobOnPc = loginPc("bob");
    assertThat(normalGroupsOf(bobOnPc)).contains(groupId);

    answer(post(port, "/query/ChangeMembers", changeMembers(0, groupId, 1, List.of(carol)).encode()), 200, 0);
    IMGroup.IMGroupChangeMemberNotify told = push(bobOnPc.client(), GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE,
        IMGroup.IMGroupChangeMemberNotify.parser());
    assertThat(told.getGroupId()).isEqualTo(groupId);
    assertThat(told.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_ADD);
    assertThat(told.getChgUserIdListList()).containsExactly(carol);
    assertThat(told.getCurUserIdListList()).containsExactlyInAnyOrder(alice, bob, carol);
    assertThat(normalGroupsOf(loginPc("carol"))).contains(groupId);
  }

  @Test
  void aUserActsUnderTheGroupRules() {
    int dave = userId("dave");
    int erin = userId("erin");
    int frank = userId("frank");
    int groupId = answer(post(port, "/query/CreateGroup", createGroup(dave, "Dave's", 2, List.of(erin)).encode()),
        200, 0).getInteger("group_id");
    // the creator may remove a member; someone else may not
    answer(post(port, "/query/ChangeMembers", changeMembers(frank, groupId, 2, List.of(erin)).encode()), 403, 12);
    answer(post(port, "/query/ChangeMembers", changeMembers(dave, groupId, 2, List.of(erin)).encode()), 200, 0);
    answer(post(port, "/query/ChangeMembers", changeMembers(0, 999_999, 1, List.of(erin)).encode()), 403, 12);
    JsonObject nobody = answer(post(port, "/query/CreateGroup", createGroup(999_999, "x", 2, List.of()).encode()),
        400, 1);
    assertThat(nobody.getString("reason")).contains("req_user_id");
  }

  @Test
  void requestsWithoutAKnownAppKeyAreRefused() {
    JsonObject request = createGroup(0, "Nope", 1, List.of());
    answer(post(port, "/query/CreateGroup", request.copy().put("app_key", "guess").encode()), 401, 2);
    request.remove("app_key");
    answer(post(port, "/query/CreateGroup", request.encode()), 401, 2);

    // with no keys configured, every request is refused
    int keyless = TestServer.freePort();
    String deployment = await(vertx.deployVerticle(HttpMsgVerticle.class.getName(), new DeploymentOptions()
        .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", keyless))));
    try {
      answer(post(keyless, "/query/CreateGroup", createGroup(0, "Nope", 1, List.of()).encode()), 403, 2);
    } finally {
      await(vertx.undeploy(deployment));
    }
  }

  @Test
  void malformedRequestsGetTheParameterErrorAndAReason() {
    answer(post(port, "/query/CreateGroup", "not json"), 400, 1);
    answer(post(port, "/query/CreateGroup", "[1,2]"), 400, 1);
    answer(post(port, "/query/CreateGroup", createGroup(0, "Bad type", 3, List.of()).encode()), 400, 1);
    answer(post(port, "/query/CreateGroup", createGroup(0, "", 1, List.of()).encode()), 400, 1);
    answer(post(port, "/query/CreateGroup", createGroup(-1, "Neg", 1, List.of()).encode()), 400, 1);
    answer(post(port, "/query/ChangeMembers", changeMembers(0, 1, 7, List.of(1)).encode()), 400, 1);
    answer(post(port, "/query/ChangeMembers",
        changeMembers(0, 1, 1, List.of()).put("user_id_list", new JsonArray().add("x")).encode()), 400, 1);
    answer(post(port, "/query/ChangeMembers", "{\"user_id_list\":[" + "1,".repeat(3000) + "1]}"), 413, 1);
    JsonObject unknown = answer(post(port, "/query/SendMessage", "{}"), 404, 5);
    assertThat(unknown.getString("reason")).contains("/query/SendMessage");
  }
}
