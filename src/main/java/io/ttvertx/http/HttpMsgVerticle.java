package io.ttvertx.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.CertificateReload;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbClient;
import io.ttvertx.config.HttpMsgOptions;
import io.ttvertx.config.TlsOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupCmdID;
import io.ttvertx.proto.IMBaseDefine.GroupModifyType;
import io.ttvertx.proto.IMBaseDefine.GroupType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * TeamTalk's http_msg_server: {@code /query/CreateGroup} and {@code /query/ChangeMembers} with its
 * request and answer JSON, for its PHP panel and scripts. Unlike TeamTalk it checks what it was sent:
 * the {@code app_key} must be a configured one, {@code req_user_id} 0 acts as the administration and any
 * other must be a user, to whom the group rules apply as to a client; members hear of a change over
 * their connections as when a client makes it. The same server serves the admin API under
 * {@code /api/v1} and {@code /health} ({@link AdminApi}),
 * and {@code GET /metrics} the node's metrics in Prometheus's format.
 */
public class HttpMsgVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(HttpMsgVerticle.class);
  /** Most user ids one request may name (as msg allows a client). */
  static final int MAX_IDS_PER_REQUEST = 2_000;
  /** IMGroup.name and avatar are varchar(256). */
  static final int MAX_TEXT_LENGTH = 256;
  /** The key of the deployment configuration that holds db.aesKey (message text is encrypted with it). */
  static final String AES_KEY = "aesKey";

  /** A checked request: who acts, and its JSON. */
  private record Query(int actor, JsonObject body) {
  }

  /** A refusal on the way: the HTTP status and TeamTalk's code, with the reason. */
  private static final class Refused extends RuntimeException {
    final int status;
    final int code;

    Refused(int status, int code, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  private HttpMsgOptions options;
  private ApiKeys appKeys;
  private DbClient db;
  private HttpServer server;

  @Override
  public Future<?> start() {
    options = HttpMsgOptions.fromJson(config());
    appKeys = new ApiKeys(options.appKeys());
    db = new DbClient(vertx, context, "tt.http.instance." + UUID.randomUUID() + ".db", options.busTimeoutMs());
    return db.start()
        .compose(v -> AdminApi.load(vertx, options, db,
            new MessageCipher(config().getString(AES_KEY, MessageCipher.DEFAULT_KEY))))
        .compose(adminApi -> {
          TlsOptions tls = TlsOptions.fromJson(config().getJsonObject("tls"));
          server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions())).requestHandler(router(adminApi));
          return server.listen(options.port(), options.host()).onSuccess(s -> {
            CertificateReload.watch(vertx, tls, "http_msg", sslOptions -> server.updateSSLOptions(sslOptions, true));
            log.info("http_msg listening on {}:{} ({}: /query/CreateGroup, /query/ChangeMembers; {} app keys;"
                + " admin API {}/ with {} API keys; /health)", options.host(), s.actualPort(),
                tls.httpScheme().toUpperCase(), appKeys.size(),
                AdminApi.BASE_PATH, adminApi.keyCount());
            if (appKeys.isEmpty()) {
              log.warn("http_msg has no app keys (httpMsg.appKeys, TT_HTTP_APP_KEYS): it refuses every request");
            }
            if (adminApi.keyCount() == 0) {
              log.warn("http_msg has no API keys (httpMsg.apiKeys, TT_HTTP_API_KEYS): the admin API refuses every request");
            }
          });
        });
  }

  private Router router(AdminApi adminApi) {
    Router router = Router.router(vertx);
    adminApi.mount(router);
    router.route("/query/*").handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    router.route("/query/CreateGroup").handler(ctx -> answer(ctx, this::createGroup));
    router.route("/query/ChangeMembers").handler(ctx -> answer(ctx, this::changeMembers));
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.route().handler(ctx -> refuse(ctx, new Refused(404, HttpMsgAnswers.UNKNOWN_INTERFACE,
        "no interface " + ctx.request().path() + " (there are /query/CreateGroup and /query/ChangeMembers)")));
    router.route().failureHandler(ctx -> refuse(ctx, ctx.statusCode() == 413
        ? new Refused(413, HttpMsgAnswers.BAD_PARAMETER, "body over " + options.maxBodyBytes() + " bytes")
        : new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "unreadable request")));
    return router;
  }

  @Override
  public Future<?> stop() {
    return Future.all(server == null ? Future.succeededFuture() : server.close(), db.stop());
  }

  private void answer(RoutingContext ctx, BiFunction<RoutingContext, Query, Future<JsonObject>> handler) {
    // a refusal thrown while reading the request fails the future like one found later
    Future.succeededFuture()
        .compose(v -> checkQuery(ctx))
        .compose(query -> handler.apply(ctx, query))
        .onSuccess(answer -> HttpMsgAnswers.send(ctx.response(), 200, answer))
        .onFailure(failure -> refuse(ctx, failure instanceof Refused refused ? refused
            : new Refused(503, HttpMsgAnswers.SERVER_ERROR, "the db proxy did not answer: " + failure.getMessage())));
  }

  private void refuse(RoutingContext ctx, Refused refused) {
    if (refused.status >= 500) {
      log.warn("http_msg {} from {} failed: {}", ctx.request().path(), ctx.request().remoteAddress(), refused.getMessage());
    } else {
      log.info("http_msg {} from {} refused: {}", ctx.request().path(), ctx.request().remoteAddress(),
          refused.getMessage());
    }
    HttpMsgAnswers.send(ctx.response(), refused.status, HttpMsgAnswers.refusal(refused.code, refused.getMessage()));
  }

  /** The body is a JSON object with a known app key and an acting user (0, or one who exists). */
  private Future<Query> checkQuery(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      return Future.failedFuture(new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "the body must be a JSON object"));
    }
    if (appKeys.isEmpty()) {
      return Future.failedFuture(new Refused(403, HttpMsgAnswers.BAD_APP_KEY,
          "no app keys are configured (httpMsg.appKeys): every request is refused"));
    }
    if (!(body.getValue("app_key") instanceof String key) || !appKeys.knows(key)) {
      return Future.failedFuture(new Refused(401, HttpMsgAnswers.BAD_APP_KEY, "unknown app_key"));
    }
    int actor = nonNegativeInt(body, "req_user_id");
    if (actor == 0) {
      return Future.succeededFuture(new Query(0, body));
    }
    JsonObject checked = body;
    return ask(BuddyListCmdID.CID_BUDDY_LIST_USER_INFO_REQUEST_VALUE,
        IMBuddy.IMUsersInfoReq.newBuilder().setUserId(actor).addUserIdList(actor).build(), IMBuddy.IMUsersInfoRsp.parser())
        .compose(users -> users.getUserInfoListList().stream().anyMatch(user -> user.getUserId() == actor)
            ? Future.succeededFuture(new Query(actor, checked))
            : Future.failedFuture(new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "req_user_id " + actor + " is no user")));
  }

  /** /query/CreateGroup {group_name, group_type 1|2, group_avatar, user_id_list} -> {group_id}. */
  private Future<JsonObject> createGroup(RoutingContext ctx, Query query) {
    String name = text(query.body(), "group_name", false);
    String avatar = text(query.body(), "group_avatar", true);
    int type = nonNegativeInt(query.body(), "group_type");
    if (GroupType.forNumber(type) == null) {
      throw new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "group_type must be 1 (normal) or 2 (temporary)");
    }
    List<Integer> members = userIds(query.body());
    IMGroup.IMGroupCreateReq request = IMGroup.IMGroupCreateReq.newBuilder()
        .setUserId(query.actor())
        .setGroupType(GroupType.forNumber(type))
        .setGroupName(name)
        .setGroupAvatar(avatar)
        .addAllMemberIdList(members)
        .build();
    return ask(GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE, request, IMGroup.IMGroupCreateRsp.parser())
        .map(created -> {
          if (created.getResultCode() != 0) {
            throw new Refused(400, HttpMsgAnswers.CREATE_GROUP_FAILED, "the group was not created");
          }
          log.info("http_msg: user {} created group {} '{}' with {} members", query.actor(), created.getGroupId(), name,
              created.getUserIdListCount());
          return HttpMsgAnswers.ok().put("group_id", created.getGroupId());
        });
  }

  /** /query/ChangeMembers {group_id, modify_type 1 add|2 remove, user_id_list}; the members are told. */
  private Future<JsonObject> changeMembers(RoutingContext ctx, Query query) {
    int groupId = nonNegativeInt(query.body(), "group_id");
    GroupModifyType change = GroupModifyType.forNumber(nonNegativeInt(query.body(), "modify_type"));
    if (groupId == 0 || change == null) {
      throw new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "group_id must be a group and modify_type 1 (add) or 2 (remove)");
    }
    List<Integer> users = userIds(query.body());
    IMGroup.IMGroupChangeMemberReq request = IMGroup.IMGroupChangeMemberReq.newBuilder()
        .setUserId(query.actor())
        .setChangeType(change)
        .setGroupId(groupId)
        .addAllMemberIdList(users)
        .build();
    return ask(GroupCmdID.CID_GROUP_CHANGE_MEMBER_REQUEST_VALUE, request, IMGroup.IMGroupChangeMemberRsp.parser())
        .map(changed -> {
          if (changed.getResultCode() != 0) {
            throw new Refused(403, HttpMsgAnswers.CHANGE_MEMBERS_FAILED, "user " + query.actor()
                + " may not change the members of group " + groupId + " that way, or there is no such group");
          }
          tellMembers(query.actor(), changed);
          log.info("http_msg: user {} {} {} in group {}", query.actor(),
              change == GroupModifyType.GROUP_MODIFY_TYPE_ADD ? "added" : "removed", changed.getChgUserIdListList(), groupId);
          return HttpMsgAnswers.ok();
        });
  }

  /** CHANGE_MEMBER_NOTIFY to the members before and after the change, on all their connections (any route delivers). */
  private void tellMembers(int actor, IMGroup.IMGroupChangeMemberRsp changed) {
    tellMembers(vertx, actor, changed.getChangeType(), changed.getGroupId(), changed.getCurUserIdListList(),
        changed.getChgUserIdListList());
  }

  /** As a client's change is told: to the changed users and the members after the change. */
  static void tellMembers(Vertx vertx, int actor, GroupModifyType change, int groupId, List<Integer> current,
                          List<Integer> changed) {
    IMGroup.IMGroupChangeMemberNotify notify = IMGroup.IMGroupChangeMemberNotify.newBuilder()
        .setUserId(actor)
        .setChangeType(change)
        .setGroupId(groupId)
        .addAllCurUserIdList(current)
        .addAllChgUserIdList(changed)
        .build();
    Set<Integer> told = new LinkedHashSet<>(changed);
    told.addAll(current);
    if (told.isEmpty()) {
      return;
    }
    vertx.eventBus().send(Addresses.ROUTE_DELIVER,
        Pdu.encode(ServiceID.SID_GROUP_VALUE, GroupCmdID.CID_GROUP_CHANGE_MEMBER_NOTIFY_VALUE, 0, notify),
        new DeliveryOptions().addHeader(Addresses.TO, told.stream().map(String::valueOf).collect(Collectors.joining(","))));
  }

  private <T> Future<T> ask(int command, MessageLite request, Parser<T> parser) {
    return db.request(command, Actor.SYSTEM, request).map((Buffer answer) -> {
      try {
        return parser.parseFrom(answer.getBytes());
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("db proxy answered with undecodable bytes", e);
      }
    });
  }

  private static int nonNegativeInt(JsonObject body, String key) {
    return nonNegativeInt(body.getValue(key), key);
  }

  private static int nonNegativeInt(Object value, String key) {
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
        || number.longValue() < 0 || number.longValue() > Integer.MAX_VALUE) {
      throw new Refused(400, HttpMsgAnswers.BAD_PARAMETER, key + " must be a whole number of 0 or more");
    }
    return number.intValue();
  }

  private static String text(JsonObject body, String key, boolean mayBeEmpty) {
    Object value = body.getValue(key);
    if (!(value instanceof String text) || (!mayBeEmpty && text.isBlank()) || text.length() > MAX_TEXT_LENGTH) {
      throw new Refused(400, HttpMsgAnswers.BAD_PARAMETER, key + " must be a text of " + (mayBeEmpty ? 0 : 1)
          + " to " + MAX_TEXT_LENGTH + " characters");
    }
    return text;
  }

  private static List<Integer> userIds(JsonObject body) {
    Object value = body.getValue("user_id_list");
    if (!(value instanceof JsonArray array) || array.size() > MAX_IDS_PER_REQUEST) {
      throw new Refused(400, HttpMsgAnswers.BAD_PARAMETER, "user_id_list must be a list of at most "
          + MAX_IDS_PER_REQUEST + " user ids");
    }
    List<Integer> ids = new ArrayList<>();
    for (Object id : array) {
      ids.add(nonNegativeInt(id, "each of user_id_list"));
    }
    return ids;
  }
}
