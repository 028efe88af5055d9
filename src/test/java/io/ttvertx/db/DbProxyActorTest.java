package io.ttvertx.db;

import com.google.protobuf.MessageLite;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbClient;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminCmdID;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The db proxy's side of the actor envelope, as our own roles reach it over the event bus: each
 * command runs only for the kind of actor it is registered for, a user's command is answered for the
 * actor whatever user id its body holds, and the system's JSON addresses refuse a user actor.
 */
class DbProxyActorTest extends ServerTestBase {
  private Context context;
  private DbClient db;

  @BeforeAll
  static void start() {
    startServer(TestServer.defaultConfig());
  }

  @BeforeEach
  void startClient() {
    context = vertx.getOrCreateContext();
    db = new DbClient(vertx, context, "tt.test.db." + UUID.randomUUID(), 5_000);
    await(onContext(() -> db.start()));
  }

  @AfterEach
  void stopClient() {
    await(onContext(() -> db.stop()));
  }

  @Test
  void administrationCommandsAreForTheSystemOnly() {
    int alice = userId("alice");
    TTInternal.AdminUserQuery query = TTInternal.AdminUserQuery.newBuilder().setOffset(0).setLimit(5).build();
    TTInternal.AdminUserPage page = parse(await(ask(AdminCmdID.CID_ADMIN_USER_LIST_VALUE, Actor.SYSTEM, query)),
        TTInternal.AdminUserPage.parser());
    assertThat(page.getTotal()).isGreaterThanOrEqualTo(USER_NAMES.size());

    Throwable refused = awaitFailure(ask(AdminCmdID.CID_ADMIN_USER_LIST_VALUE,
        Actor.user(alice, ClientType.CLIENT_TYPE_WINDOWS_VALUE), query));
    assertThat(refused.getMessage()).contains("refused for user " + alice);
    assertThat(awaitFailure(ask(AdminCmdID.CID_ADMIN_USER_LIST_VALUE, Actor.NONE, query)).getMessage())
        .contains("refused for no actor");
  }

  @Test
  void aUsersCommandIsAnsweredForTheActorAndRefusedWithoutOne() {
    int alice = userId("alice");
    int bob = userId("bob");
    IMMessage.IMUnreadMsgCntReq askedForBob = IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(bob).build();
    IMMessage.IMUnreadMsgCntRsp answer = parse(await(ask(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        Actor.user(alice, ClientType.CLIENT_TYPE_ANDROID_VALUE), askedForBob)), IMMessage.IMUnreadMsgCntRsp.parser());
    assertThat(answer.getUserId()).isEqualTo(alice);

    assertThat(awaitFailure(ask(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, Actor.SYSTEM, askedForBob))
        .getMessage()).contains("refused for the system");
    assertThat(awaitFailure(ask(MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE, Actor.NONE, askedForBob))
        .getMessage()).contains("refused for no actor");
  }

  @Test
  void pushLookupsRefuseAUserActor() {
    int alice = userId("alice");
    JsonObject lookup = new JsonObject().put("messages", new JsonArray());
    DeliveryOptions asAlice = Actor.user(alice, ClientType.CLIENT_TYPE_IOS_VALUE).addTo(new DeliveryOptions());
    Throwable refused = awaitFailure(vertx.eventBus().request(Addresses.DB_PUSH_TARGETS, lookup, asAlice));
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(403);
    assertThat(await(vertx.eventBus().<JsonObject>request(Addresses.DB_PUSH_TARGETS, lookup)).body()
        .getJsonArray("results")).isEmpty();
  }

  /** DbClient belongs to one context: every call runs on it. */
  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future();
  }

  private Future<Buffer> ask(int command, Actor actor, MessageLite request) {
    return onContext(() -> db.request(command, actor, request));
  }

  private static <T> T parse(Buffer answer, com.google.protobuf.Parser<T> parser) {
    try {
      return parser.parseFrom(answer.getBytes());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
