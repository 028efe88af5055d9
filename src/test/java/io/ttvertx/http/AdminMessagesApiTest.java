package io.ttvertx.http;

import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.http.ApiTestClient.expect;
import static io.ttvertx.http.ApiTestClient.refused;
import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin API's groups, messages, notices and history with a real HTTP client, their effects seen by
 * real TCP clients: a group created over HTTP in a member's list, members told of changes and of the
 * dissolution; a message sent over HTTP arriving encrypted as clients encrypt, stored in the history
 * clients read; a notice to everyone reaching online users and counted unread for offline ones.
 */
class AdminMessagesApiTest extends ServerTestBase {
  static final String API_KEY = "chat-secret";
  private static final MessageCipherAccess CIPHER = new MessageCipherAccess();
  private static int port;
  private static ApiTestClient api;
  private static ApiTestClient keyless;

  @BeforeAll
  static void start() {
    startServer(withHttpMsg(TestServer.defaultConfig()));
  }

  /** An http_msg without httpMsg.noticeSenderId: notices are refused until one is configured. */
  static JsonObject withHttpMsg(JsonObject config) {
    port = TestServer.freePort();
    return config.put("httpMsg", new JsonObject().put("host", "127.0.0.1").put("port", port)
        .put("apiKeys", new JsonArray().add(API_KEY)));
  }

  @AfterAll
  static void stop() {
    for (ApiTestClient client : new ApiTestClient[] {api, keyless}) {
      if (client != null) {
        client.close();
      }
    }
    api = null;
    keyless = null;
    stopServer();
  }

  // ---- helpers

  /** The client, made on the first call: subclasses start the server their own way. */
  private static ApiTestClient api() {
    if (api == null) {
      api = new ApiTestClient(vertx, port, API_KEY);
      keyless = new ApiTestClient(vertx, port, null);
    }
    return api;
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    return api().call(method, path, body);
  }

  private static JsonObject send(JsonObject message) {
    return expect(call(HttpMethod.POST, "/messages", message), 201);
  }

  private static List<IMBaseDefine.GroupVersionInfo> normalGroups(Session session) {
    return ask(session.client(), ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_NORMAL_LIST_REQUEST_VALUE,
        IMGroup.IMNormalGroupListReq.newBuilder().setUserId(0).build(),
        GroupCmdID.CID_GROUP_NORMAL_LIST_RESPONSE_VALUE, IMGroup.IMNormalGroupListRsp.parser())
        .getGroupVersionListList();
  }

  private static IMBaseDefine.GroupInfo groupInfo(Session session, int groupId) {
    List<IMBaseDefine.GroupInfo> infos = ask(session.client(), ServiceID.SID_GROUP_VALUE,
        GroupCmdID.CID_GROUP_INFO_REQUEST_VALUE, IMGroup.IMGroupInfoListReq.newBuilder().setUserId(0)
            .addGroupVersionList(IMBaseDefine.GroupVersionInfo.newBuilder().setGroupId(groupId).setVersion(0)).build(),
        GroupCmdID.CID_GROUP_INFO_RESPONSE_VALUE, IMGroup.IMGroupInfoListRsp.parser()).getGroupInfoListList();
    assertThat(infos).hasSize(1);
    return infos.get(0);
  }

  private static IMGroup.IMGroupChangeMemberNotify memberNotify(Session session) {
    return push(session.client(), GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE,
        IMGroup.IMGroupChangeMemberNotify.parser());
  }

  private static List<IMBaseDefine.MsgInfo> tcpHistory(Session session, SessionType type, int sessionId) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
        IMMessage.IMGetMsgListReq.newBuilder().setUserId(0).setSessionType(type).setSessionId(sessionId)
            .setMsgIdBegin(0).setMsgCnt(20).build(),
        MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser()).getMsgListList();
  }

  private static IMMessage.IMUnreadMsgCntRsp unread(Session session) {
    return ask(session.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
  }

  // ---- tests

  @Test
  void everyRequestNeedsTheKeyAndBadRequestsAreRefusedWithAReason() {
    api();
    refused(await(keyless.request(HttpMethod.POST, "/messages")
        .sendJsonObject(new JsonObject().put("fromUserId", 1).put("toUserId", 2).put("text", "hi"))), 401, "unauthorized");
    refused(await(keyless.request(HttpMethod.GET, "/groups").putHeader("Authorization", "Bearer guess").send()),
        401, "unauthorized");
    refused(await(api().request(HttpMethod.POST, "/groups").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\": "))), 400, "bad_request");
    refused(call(HttpMethod.POST, "/groups", new JsonObject().put("name", "x").put("type", "secret")), 400,
        "bad_request");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", 1).put("text", "to nobody")), 400,
        "bad_request");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", 1).put("toUserId", 2)
        .put("groupId", 3).put("text", "to both")), 400, "bad_request");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", 1).put("toUserId", 2)), 400,
        "bad_request");
    refused(call(HttpMethod.GET, "/history", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/history?userId=1", null), 400, "bad_request");
    refused(call(HttpMethod.GET, "/history?groupId=1&limit=501", null), 400, "bad_request");
    refused(call(HttpMethod.POST, "/notices", new JsonObject().put("text", "hi").put("everyone", true)
        .put("groupId", 1)), 400, "bad_request");
  }

  @Test
  void unknownIdsAreNotFound() {
    int alice = userId("alice");
    refused(call(HttpMethod.GET, "/groups/999999", null), 404, "not_found");
    refused(call(HttpMethod.PATCH, "/groups/999999", new JsonObject().put("name", "Ghosts")), 404, "not_found");
    refused(call(HttpMethod.DELETE, "/groups/999999", null), 404, "not_found");
    refused(call(HttpMethod.POST, "/groups/999999/members", new JsonObject().put("add", new JsonArray().add(alice))),
        404, "not_found");
    refused(call(HttpMethod.POST, "/groups", new JsonObject().put("name", "Ghosts").put("creatorId", 999_999)), 404,
        "not_found");
    refused(call(HttpMethod.POST, "/groups", new JsonObject().put("name", "Nobody")
        .put("memberIds", new JsonArray().add(999_998))), 422, "invalid");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", 999_999).put("toUserId", alice)
        .put("text", "boo")), 404, "not_found");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", alice).put("toUserId", 999_999)
        .put("text", "boo")), 404, "not_found");
    refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", alice).put("groupId", 999_999)
        .put("text", "boo")), 404, "not_found");
    refused(call(HttpMethod.GET, "/history?userId=" + alice + "&peerId=999999", null), 404, "not_found");
    // notices need a configured system user: this server has none
    assertThat(refused(call(HttpMethod.POST, "/notices", new JsonObject().put("text", "hi").put("everyone", true)),
        409, "conflict").getString("reason")).contains("httpMsg.noticeSenderId");
  }

  @Test
  void aGroupCreatedOverTheApiIsInItsMembersListsTheyHearOfChangesAndOfItsDissolution() {
    Session grace = loginPc("grace");
    Session heidi = loginPc("heidi");
    int frank = userId("frank");
    JsonObject created = expect(api().call(HttpMethod.POST, "/groups", new JsonObject().put("name", "Ops")
        .put("avatar", "http://example.com/ops.png").put("memberIds", new JsonArray().add(frank).add(grace.userId())),
        "ops-1"), 201);
    int groupId = created.getInteger("id");
    assertThat(created.getInteger("creatorId")).isZero();
    assertThat(created.getString("type")).isEqualTo("normal");
    assertThat(created.getJsonArray("memberIds").getList()).containsExactlyInAnyOrder(frank, grace.userId());
    // a retried creation creates nothing more
    assertThat(expect(api().call(HttpMethod.POST, "/groups", new JsonObject().put("name", "Ops")
        .put("avatar", "http://example.com/ops.png").put("memberIds", new JsonArray().add(frank).add(grace.userId())),
        "ops-1"), 201)).isEqualTo(created);

    assertThat(normalGroups(grace)).extracting(IMBaseDefine.GroupVersionInfo::getGroupId).contains(groupId);
    assertThat(normalGroups(heidi)).extracting(IMBaseDefine.GroupVersionInfo::getGroupId).doesNotContain(groupId);
    assertThat(expect(call(HttpMethod.GET, "/groups/" + groupId, null), 200)).isEqualTo(created);
    JsonObject graceGroups = expect(call(HttpMethod.GET, "/groups?memberId=" + grace.userId(), null), 200);
    assertThat(graceGroups.getJsonArray("items").stream().map(g -> ((JsonObject) g).getInteger("id")))
        .contains(groupId);

    JsonObject changed = expect(call(HttpMethod.POST, "/groups/" + groupId + "/members", new JsonObject()
        .put("add", new JsonArray().add(heidi.userId())).put("remove", new JsonArray().add(frank))), 200);
    assertThat(changed.getJsonArray("added").getList()).containsExactly(heidi.userId());
    assertThat(changed.getJsonArray("removed").getList()).containsExactly(frank);
    assertThat(changed.getJsonArray("memberIds").getList()).containsExactlyInAnyOrder(grace.userId(), heidi.userId());
    assertThat(changed.getInteger("version")).isEqualTo(3);
    IMGroup.IMGroupChangeMemberNotify added = memberNotify(grace);
    assertThat(added.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_ADD);
    assertThat(added.getGroupId()).isEqualTo(groupId);
    assertThat(added.getChgUserIdListList()).containsExactly(heidi.userId());
    assertThat(memberNotify(heidi).getChgUserIdListList()).containsExactly(heidi.userId());
    IMGroup.IMGroupChangeMemberNotify removed = memberNotify(grace);
    assertThat(removed.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_DEL);
    assertThat(removed.getChgUserIdListList()).containsExactly(frank);
    assertThat(removed.getCurUserIdListList()).containsExactlyInAnyOrder(grace.userId(), heidi.userId());
    assertThat(memberNotify(heidi).getChgUserIdListList()).containsExactly(frank);
    assertThat(normalGroups(heidi)).extracting(IMBaseDefine.GroupVersionInfo::getGroupId).contains(groupId);

    // a rename raises the version: a client comparing versions fetches the new name
    JsonObject renamed = expect(call(HttpMethod.PATCH, "/groups/" + groupId, new JsonObject().put("name", "Ops & SRE")),
        200);
    assertThat(renamed.getInteger("version")).isEqualTo(4);
    assertThat(renamed.getString("avatar")).isEqualTo("http://example.com/ops.png");
    assertThat(normalGroups(grace)).filteredOn(g -> g.getGroupId() == groupId).singleElement()
        .extracting(IMBaseDefine.GroupVersionInfo::getVersion).isEqualTo(4);
    assertThat(groupInfo(grace, groupId).getGroupName()).isEqualTo("Ops & SRE");
    refused(call(HttpMethod.PATCH, "/groups/" + groupId, new JsonObject()), 400, "bad_request");

    JsonObject dissolved = expect(call(HttpMethod.DELETE, "/groups/" + groupId, null), 200);
    assertThat(dissolved.getJsonArray("formerMemberIds").getList())
        .containsExactlyInAnyOrder(grace.userId(), heidi.userId());
    for (Session member : List.of(grace, heidi)) {
      IMGroup.IMGroupChangeMemberNotify gone = memberNotify(member);
      assertThat(gone.getChangeType()).isEqualTo(GroupModifyType.GROUP_MODIFY_TYPE_DEL);
      assertThat(gone.getGroupId()).isEqualTo(groupId);
      assertThat(gone.getChgUserIdListList()).containsExactlyInAnyOrder(grace.userId(), heidi.userId());
      assertThat(gone.getCurUserIdListList()).isEmpty();
      assertThat(normalGroups(member)).extracting(IMBaseDefine.GroupVersionInfo::getGroupId).doesNotContain(groupId);
    }
    refused(call(HttpMethod.GET, "/groups/" + groupId, null), 404, "not_found");
    refused(call(HttpMethod.DELETE, "/groups/" + groupId, null), 404, "not_found");
    JsonObject all = expect(call(HttpMethod.GET, "/groups?limit=500", null), 200);
    assertThat(all.getJsonArray("items").stream().map(g -> ((JsonObject) g).getInteger("id"))).doesNotContain(groupId);
  }

  @Test
  void aMessageSentOverTheApiArrivesEncryptedAsClientsEncryptAndIsInTheHistory() {
    Session ivan = loginPc("ivan");
    Session judy = loginPc("judy");
    Session judyPhone = login("judy", IMBaseDefine.ClientType.CLIENT_TYPE_ANDROID);
    String text = "Build #42 passed ✓ 构建成功";
    JsonObject sent = send(new JsonObject().put("fromUserId", ivan.userId()).put("toUserId", judy.userId())
        .put("text", text));
    assertThat(sent.getString("sessionType")).isEqualTo("single");
    assertThat(sent.getInteger("sessionId")).isEqualTo(judy.userId());
    int msgId = sent.getInteger("msgId");

    for (Session connection : List.of(judy, judyPhone, ivan)) {
      IMMessage.IMMsgData received = receiveMessage(connection);
      assertThat(received.getMsgId()).isEqualTo(msgId);
      assertThat(received.getFromUserId()).isEqualTo(ivan.userId());
      assertThat(received.getToSessionId()).isEqualTo(judy.userId());
      assertThat(received.getMsgType()).isEqualTo(MsgType.MSG_TYPE_SINGLE_TEXT);
      assertThat(received.getCreateTime()).isEqualTo(sent.getInteger("createTime"));
      assertThat(CIPHER.decrypt(received.getMsgData().toByteArray())).isEqualTo(text);
    }
    List<IMBaseDefine.MsgInfo> stored = tcpHistory(judy, SessionType.SESSION_TYPE_SINGLE, ivan.userId());
    assertThat(stored.get(0).getMsgId()).isEqualTo(msgId);
    assertThat(CIPHER.decrypt(stored.get(0).getMsgData().toByteArray())).isEqualTo(text);
    assertThat(unread(judy).getUnreadinfoListList()).filteredOn(u -> u.getSessionId() == ivan.userId()).singleElement()
        .extracting(IMBaseDefine.UnreadInfo::getUnreadCnt).isEqualTo(1);

    // a picture: the clients' picture marker around the URL, encrypted like text
    JsonObject picture = send(new JsonObject().put("fromUserId", ivan.userId()).put("toUserId", judy.userId())
        .put("pictureUrl", "http://example.com/chart.png"));
    assertThat(CIPHER.decrypt(receiveMessage(judy).getMsgData().toByteArray()))
        .isEqualTo("&$#@~^@[{:http://example.com/chart.png:}]&$~@#@");

    JsonObject history = expect(call(HttpMethod.GET, "/history?userId=" + judy.userId() + "&peerId=" + ivan.userId(),
        null), 200);
    JsonArray items = history.getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getInteger("msgId")).isEqualTo(picture.getInteger("msgId"));
    assertThat(items.getJsonObject(0).getString("pictureUrl")).isEqualTo("http://example.com/chart.png");
    assertThat(items.getJsonObject(1).getString("text")).isEqualTo(text);
    assertThat(items.getJsonObject(1).getInteger("fromUserId")).isEqualTo(ivan.userId());
    assertThat(items.getJsonObject(1).getString("type")).isEqualTo("single_text");
    assertThat(history.getValue("nextBeforeMsgId")).isNull();
  }

  @Test
  void aRetriedSendWithTheSameIdempotencyKeyIsSentOnce() {
    int mallory = userId("mallory");
    int trent = userId("trent");
    JsonObject message = new JsonObject().put("fromUserId", mallory).put("toUserId", trent).put("text", "deploy at 5");
    JsonObject first = expect(api().call(HttpMethod.POST, "/messages", message, "alert-7"), 201);
    JsonObject again = expect(api().call(HttpMethod.POST, "/messages", message, "alert-7"), 201);
    assertThat(again).isEqualTo(first);
    refused(api().call(HttpMethod.POST, "/messages", message.copy().put("text", "deploy at 6"), "alert-7"), 422,
        "invalid");
    JsonArray items = expect(call(HttpMethod.GET, "/history?userId=" + mallory + "&peerId=" + trent, null), 200)
        .getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("text"))).containsExactly("deploy at 5");
  }

  @Test
  void aGroupMessageReachesEveryMemberAndANonMemberIsRefused() {
    Session carol = loginPc("carol");
    Session dave = loginPc("dave");
    Session erin = login("erin", IMBaseDefine.ClientType.CLIENT_TYPE_IOS);
    Session victor = loginPc("victor");
    int groupId = expect(call(HttpMethod.POST, "/groups", new JsonObject().put("name", "CI").put("creatorId",
        carol.userId()).put("memberIds", new JsonArray().add(dave.userId()).add(erin.userId()))), 201).getInteger("id");
    JsonObject sent = send(new JsonObject().put("fromUserId", dave.userId()).put("groupId", groupId)
        .put("text", "nightly build is green"));
    assertThat(sent.getString("sessionType")).isEqualTo("group");
    for (Session member : List.of(carol, dave, erin)) {
      IMMessage.IMMsgData received = receiveMessage(member);
      assertThat(received.getMsgId()).isEqualTo(sent.getInteger("msgId"));
      assertThat(received.getToSessionId()).isEqualTo(groupId);
      assertThat(received.getMsgType()).isEqualTo(MsgType.MSG_TYPE_GROUP_TEXT);
      assertThat(CIPHER.decrypt(received.getMsgData().toByteArray())).isEqualTo("nightly build is green");
    }
    assertThat(tcpHistory(erin, SessionType.SESSION_TYPE_GROUP, groupId)).extracting(IMBaseDefine.MsgInfo::getMsgId)
        .containsExactly(sent.getInteger("msgId"));

    assertThat(refused(call(HttpMethod.POST, "/messages", new JsonObject().put("fromUserId", victor.userId())
        .put("groupId", groupId).put("text", "let me in")), 403, "forbidden").getString("reason")).contains("member");
    roundTrip(victor.client());
    roundTrip(carol.client());
    assertThat(carol.client().pendingPushes()).noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);

    // the export of a group needs no member, and pages back through it
    for (int i = 1; i <= 4; i++) {
      send(new JsonObject().put("fromUserId", carol.userId()).put("groupId", groupId).put("text", "step " + i));
    }
    JsonObject first = expect(call(HttpMethod.GET, "/history?groupId=" + groupId + "&limit=2", null), 200);
    assertThat(first.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("text")))
        .containsExactly("step 4", "step 3");
    int next = first.getInteger("nextBeforeMsgId");
    JsonObject second = expect(call(HttpMethod.GET, "/history?groupId=" + groupId + "&limit=2&beforeMsgId=" + next,
        null), 200);
    assertThat(second.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("text")))
        .containsExactly("step 2", "step 1");
    JsonObject last = expect(call(HttpMethod.GET, "/history?groupId=" + groupId + "&limit=2&beforeMsgId="
        + second.getInteger("nextBeforeMsgId"), null), 200);
    assertThat(last.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("text")))
        .containsExactly("nightly build is green");
    assertThat(last.getValue("nextBeforeMsgId")).isNull();
  }

  @Test
  void aNoticeToEveryoneReachesOnlineUsersAndIsUnreadForOfflineOnesAtLogin() {
    int trent = userId("trent");
    int noticePort = TestServer.freePort();
    String deployment = await(vertx.deployVerticle(HttpMsgVerticle.class.getName(), new DeploymentOptions()
        .setConfig(new JsonObject().put("host", "127.0.0.1").put("port", noticePort)
            .put("apiKeys", new JsonArray().add(API_KEY)).put("noticeSenderId", trent))));
    ApiTestClient notices = new ApiTestClient(vertx, noticePort, API_KEY);
    try {
      Session walter = loginPc("walter");
      Session trentPc = loginPc("trent");
      int users = expect(call(HttpMethod.GET, "/users?limit=1", null), 200).getInteger("total");
      String text = "Maintenance tonight at 22:00";
      JsonObject sent = expect(notices.call(HttpMethod.POST, "/notices", new JsonObject().put("text", text)
          .put("everyone", true)), 201);
      assertThat(sent.getInteger("sent")).isEqualTo(users - 1);
      assertThat(sent.getInteger("fromUserId")).isEqualTo(trent);
      IMMessage.IMMsgData received = receiveMessage(walter);
      assertThat(received.getFromUserId()).isEqualTo(trent);
      assertThat(CIPHER.decrypt(received.getMsgData().toByteArray())).isEqualTo(text);
      roundTrip(trentPc.client());
      assertThat(trentPc.client().pendingPushes()).as("the system account gets no copy of each notice")
          .noneMatch(p -> p.commandId() == MessageCmdID.CID_MSG_DATA_VALUE);

      Session xavier = loginPc("xavier");
      IMBaseDefine.UnreadInfo fromTrent = unread(xavier).getUnreadinfoListList().stream()
          .filter(u -> u.getSessionId() == trent).findFirst().orElseThrow();
      assertThat(fromTrent.getUnreadCnt()).isGreaterThanOrEqualTo(1);
      assertThat(CIPHER.decrypt(fromTrent.getLatestMsgData().toByteArray())).isEqualTo(text);

      // to a few users (all must exist), and to a group's members
      JsonObject toTwo = expect(notices.call(HttpMethod.POST, "/notices", new JsonObject().put("text", "hi two")
          .put("userIds", new JsonArray().add(walter.userId()).add(xavier.userId()))), 201);
      assertThat(toTwo.getInteger("sent")).isEqualTo(2);
      assertThat(CIPHER.decrypt(receiveMessage(walter).getMsgData().toByteArray())).isEqualTo("hi two");
      refused(notices.call(HttpMethod.POST, "/notices", new JsonObject().put("text", "hi")
          .put("userIds", new JsonArray().add(walter.userId()).add(999_999))), 404, "not_found");
      int groupId = expect(call(HttpMethod.POST, "/groups", new JsonObject().put("name", "Night shift")
          .put("memberIds", new JsonArray().add(walter.userId()).add(trent))), 201).getInteger("id");
      JsonObject toGroup = expect(notices.call(HttpMethod.POST, "/notices", new JsonObject()
          .put("text", "shift change").put("groupId", groupId)), 201);
      assertThat(toGroup.getInteger("sent")).as("the sender gets no notice of its own").isEqualTo(1);
      assertThat(CIPHER.decrypt(receiveMessage(walter).getMsgData().toByteArray())).isEqualTo("shift change");
    } finally {
      notices.close();
      await(vertx.undeploy(deployment));
    }
  }
}
