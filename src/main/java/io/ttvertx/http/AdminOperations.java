package io.ttvertx.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.bus.Actor;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbClient;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.KickReasonType;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminCmdID;
import io.ttvertx.proto.TTInternal.AdminResultCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API's operations, one method per operationId of openapi/admin-api.yaml, on requests the
 * document has already validated. Users and departments are asked of the db proxy (the only role that
 * touches storage), kicks and presence of the route.
 */
final class AdminOperations {
  private static final Logger log = LoggerFactory.getLogger(AdminOperations.class);
  /** IMUser.status of a departed user (TeamTalk's 离职): refused at login, left out of a first user sync. */
  static final int STATUS_DEPARTED = 3;
  /** IMUser.status of a user who may log in (TeamTalk's login takes status 0 only). */
  static final int STATUS_ACTIVE = 0;
  /** TeamTalk has no "removed by the administration": a kick by another party, not a second login, is the closest. */
  static final KickReasonType ADMIN_KICK_REASON = KickReasonType.KICK_REASON_MOBILE_KICK;
  static final int DEFAULT_USER_PAGE = 50;
  static final int DEFAULT_PRESENCE_PAGE = 100;

  /** An answer: its status and JSON (none for 204). */
  record Answer(int status, JsonObject body) {
    static Answer ok(JsonObject body) {
      return new Answer(200, body);
    }
  }

  private final Vertx vertx;
  private final DbClient db;
  private final long busTimeoutMs;

  AdminOperations(Vertx vertx, DbClient db, long busTimeoutMs) {
    this.vertx = vertx;
    this.db = db;
    this.busTimeoutMs = busTimeoutMs;
  }

  // ---- users

  Future<Answer> createUser(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    TTInternal.AdminUserFields.Builder fields = userFields(body)
        .setName(body.getString("name"))
        .setPassword(body.getString("password"));
    return askUser(AdminCmdID.CID_ADMIN_USER_CREATE_VALUE, fields.build()).map(user -> {
      log.info("admin API: created user {} '{}'", user.getId(), user.getName());
      return new Answer(201, userJson(user));
    });
  }

  Future<Answer> getUser(ValidatedRequest request) {
    return askUser(AdminCmdID.CID_ADMIN_USER_GET_VALUE, userChange(request).build())
        .map(user -> Answer.ok(userJson(user)));
  }

  Future<Answer> updateUser(ValidatedRequest request) {
    TTInternal.AdminUserFields fields = userFields(request.getBody().getJsonObject())
        .setUserId(userId(request)).build();
    return askUser(AdminCmdID.CID_ADMIN_USER_UPDATE_VALUE, fields).map(user -> Answer.ok(userJson(user)));
  }

  /** Stored first, so a login that comes after the kick is refused; then every connection is kicked. */
  Future<Answer> disableUser(ValidatedRequest request) {
    return askUser(AdminCmdID.CID_ADMIN_USER_STATUS_VALUE, userChange(request).setStatus(STATUS_DEPARTED).build())
        .compose(user -> kick(user.getId()).map(kicked -> {
          log.info("admin API: disabled user {} '{}', kicked {} connections", user.getId(), user.getName(), kicked);
          return Answer.ok(userJson(user).put("kicked", kicked));
        }));
  }

  Future<Answer> enableUser(ValidatedRequest request) {
    return askUser(AdminCmdID.CID_ADMIN_USER_STATUS_VALUE, userChange(request).setStatus(STATUS_ACTIVE).build())
        .map(user -> {
          log.info("admin API: enabled user {} '{}'", user.getId(), user.getName());
          return Answer.ok(userJson(user));
        });
  }

  Future<Answer> resetPassword(ValidatedRequest request) {
    String password = request.getBody().getJsonObject().getString("password");
    return askUser(AdminCmdID.CID_ADMIN_USER_PASSWORD_VALUE, userChange(request).setPassword(password).build())
        .map(user -> {
          log.info("admin API: new password for user {} '{}'", user.getId(), user.getName());
          return new Answer(204, null);
        });
  }

  Future<Answer> kickUser(ValidatedRequest request) {
    int userId = userId(request);
    return kick(userId).map(kicked -> {
      log.info("admin API: kicked user {} from {} connections", userId, kicked);
      return Answer.ok(new JsonObject().put("kicked", kicked));
    });
  }

  Future<Answer> listUsers(ValidatedRequest request) {
    int offset = intParameter(request.getQuery().get("offset"), 0);
    int limit = intParameter(request.getQuery().get("limit"), DEFAULT_USER_PAGE);
    RequestParameter search = request.getQuery().get("q");
    TTInternal.AdminUserQuery.Builder query = TTInternal.AdminUserQuery.newBuilder().setOffset(offset).setLimit(limit);
    if (search != null && !search.isNull() && !search.getString().isEmpty()) {
      query.setSearch(search.getString());
    }
    return ask(AdminCmdID.CID_ADMIN_USER_LIST_VALUE, query.build(), TTInternal.AdminUserPage.parser()).map(page -> {
      JsonArray items = new JsonArray();
      page.getUsersList().forEach(user -> items.add(userJson(user)));
      return Answer.ok(new JsonObject().put("items", items).put("total", page.getTotal()).put("offset", offset)
          .put("limit", limit));
    });
  }

  // ---- departments

  Future<Answer> createDepartment(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    TTInternal.AdminDepartFields fields = TTInternal.AdminDepartFields.newBuilder()
        .setName(body.getString("name"))
        .setParentId(body.getInteger("parentId", 0))
        .setPriority(body.getInteger("priority", 0))
        .build();
    return askDepart(AdminCmdID.CID_ADMIN_DEPART_CREATE_VALUE, fields).map(depart -> {
      log.info("admin API: created department {} '{}' under {}", depart.getId(), depart.getName(), depart.getParentId());
      return new Answer(201, departJson(depart));
    });
  }

  Future<Answer> updateDepartment(ValidatedRequest request) {
    JsonObject body = request.getBody().getJsonObject();
    TTInternal.AdminDepartFields.Builder fields = TTInternal.AdminDepartFields.newBuilder().setDepartId(departId(request));
    if (body.containsKey("name")) {
      fields.setName(body.getString("name"));
    }
    if (body.containsKey("parentId")) {
      fields.setParentId(body.getInteger("parentId"));
    }
    if (body.containsKey("priority")) {
      fields.setPriority(body.getInteger("priority"));
    }
    return askDepart(AdminCmdID.CID_ADMIN_DEPART_UPDATE_VALUE, fields.build()).map(depart -> {
      log.info("admin API: changed department {} to '{}' under {}", depart.getId(), depart.getName(), depart.getParentId());
      return Answer.ok(departJson(depart));
    });
  }

  Future<Answer> deleteDepartment(ValidatedRequest request) {
    return askDepart(AdminCmdID.CID_ADMIN_DEPART_DELETE_VALUE,
        TTInternal.AdminDepartFields.newBuilder().setDepartId(departId(request)).build()).map(depart -> {
          log.info("admin API: deleted department {} '{}'", depart.getId(), depart.getName());
          return new Answer(204, null);
        });
  }

  /** Children under their parent by priority then id; a department whose parent is gone shows at the top. */
  Future<Answer> listDepartments(ValidatedRequest request) {
    return ask(AdminCmdID.CID_ADMIN_DEPART_LIST_VALUE, TTInternal.AdminDepartFields.getDefaultInstance(),
        TTInternal.AdminDepartList.parser()).map(list -> {
          List<TTInternal.AdminDepart> departs = new ArrayList<>(list.getDepartsList());
          departs.sort(Comparator.comparingInt(TTInternal.AdminDepart::getPriority)
              .thenComparingInt(TTInternal.AdminDepart::getId));
          Map<Integer, JsonObject> nodes = new HashMap<>();
          departs.forEach(depart -> nodes.put(depart.getId(), departJson(depart).put("children", new JsonArray())));
          JsonArray roots = new JsonArray();
          for (TTInternal.AdminDepart depart : departs) {
            JsonObject parent = nodes.get(depart.getParentId());
            (parent == null ? roots : parent.getJsonArray("children")).add(nodes.get(depart.getId()));
          }
          return Answer.ok(new JsonObject().put("items", roots));
        });
  }

  // ---- presence

  Future<Answer> presence(ValidatedRequest request) {
    int offset = intParameter(request.getQuery().get("offset"), 0);
    int limit = intParameter(request.getQuery().get("limit"), DEFAULT_PRESENCE_PAGE);
    return vertx.eventBus().<JsonObject>request(Addresses.ROUTE_PRESENCE,
            new JsonObject().put("offset", offset).put("limit", limit), delivery())
        .recover(failure -> Future.failedFuture(unavailable("the route", failure)))
        .map(reply -> {
          JsonObject table = reply.body();
          JsonArray nodes = new JsonArray();
          table.getJsonArray("nodes").forEach(entry -> {
            JsonObject node = (JsonObject) entry;
            JsonObject byName = new JsonObject();
            node.getJsonObject("clientTypes").forEach(count -> byName.put(clientTypeName(Integer.parseInt(count.getKey())),
                count.getValue()));
            nodes.add(node.copy().put("clientTypes", byName));
          });
          JsonArray online = new JsonArray();
          table.getJsonArray("online").forEach(entry -> {
            JsonObject user = (JsonObject) entry;
            JsonArray connections = new JsonArray();
            user.getJsonArray("connections").forEach(c -> {
              JsonObject connection = (JsonObject) c;
              connections.add(connection.copy().put("clientType", clientTypeName(connection.getInteger("clientType"))));
            });
            online.add(new JsonObject().put("userId", user.getInteger("user")).put("connections", connections));
          });
          return Answer.ok(new JsonObject().put("users", table.getInteger("users"))
              .put("connections", table.getInteger("connections")).put("nodes", nodes).put("online", online)
              .put("offset", offset).put("limit", limit));
        });
  }

  /** Kicks every connection of the user in the cluster; completes with how many there were. */
  private Future<Integer> kick(int userId) {
    return vertx.eventBus().<JsonObject>request(Addresses.ROUTE_KICK_USER,
            new JsonObject().put("user", userId).put("reason", ADMIN_KICK_REASON.getNumber()), delivery())
        .map(reply -> reply.body().getInteger("kicked"))
        .recover(failure -> Future.failedFuture(unavailable("the route", failure)));
  }

  // ---- asking the db proxy

  Future<TTInternal.AdminUser> askUser(int command, MessageLite request) {
    return ask(command, request, TTInternal.AdminUserResult.parser())
        .compose(result -> result.getResult() == AdminResultCode.ADMIN_OK ? Future.succeededFuture(result.getUser())
            : Future.failedFuture(refusal(result.getResult(), result.getReason())));
  }

  private Future<TTInternal.AdminDepart> askDepart(int command, MessageLite request) {
    return ask(command, request, TTInternal.AdminDepartResult.parser())
        .compose(result -> result.getResult() == AdminResultCode.ADMIN_OK ? Future.succeededFuture(result.getDepart())
            : Future.failedFuture(refusal(result.getResult(), result.getReason())));
  }

  <T> Future<T> ask(int command, MessageLite request, Parser<T> parser) {
    return db.request(command, Actor.SYSTEM, request)
        .recover(failure -> Future.failedFuture(unavailable("the db proxy", failure)))
        .map((Buffer answer) -> {
          try {
            return parser.parseFrom(answer.getBytes());
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("db proxy answered with undecodable bytes", e);
          }
        });
  }

  static ApiError refusal(AdminResultCode code, String reason) {
    return switch (code) {
      case ADMIN_NOT_FOUND -> new ApiError(404, ApiError.NOT_FOUND, reason);
      case ADMIN_CONFLICT -> new ApiError(409, ApiError.CONFLICT, reason);
      default -> new ApiError(422, ApiError.INVALID, reason);
    };
  }

  private static ApiError unavailable(String who, Throwable failure) {
    return new ApiError(503, ApiError.UNAVAILABLE, who + " did not answer: " + failure.getMessage());
  }

  private DeliveryOptions delivery() {
    return new DeliveryOptions().setSendTimeout(busTimeoutMs);
  }

  // ---- JSON

  private static TTInternal.AdminUserFields.Builder userFields(JsonObject body) {
    TTInternal.AdminUserFields.Builder fields = TTInternal.AdminUserFields.newBuilder();
    if (body.containsKey("nick")) {
      fields.setNick(body.getString("nick"));
    }
    if (body.containsKey("departmentId")) {
      fields.setDepartId(body.getInteger("departmentId"));
    }
    if (body.containsKey("sex")) {
      fields.setSex(body.getInteger("sex"));
    }
    if (body.containsKey("phone")) {
      fields.setPhone(body.getString("phone"));
    }
    if (body.containsKey("email")) {
      fields.setEmail(body.getString("email"));
    }
    if (body.containsKey("avatar")) {
      fields.setAvatar(body.getString("avatar"));
    }
    if (body.containsKey("sign")) {
      fields.setSignInfo(body.getString("sign"));
    }
    return fields;
  }

  static JsonObject userJson(TTInternal.AdminUser user) {
    return new JsonObject()
        .put("id", user.getId())
        .put("name", user.getName())
        .put("nick", user.getNick())
        .put("departmentId", user.getDepartId())
        .put("sex", user.getSex())
        .put("phone", user.getPhone())
        .put("email", user.getEmail())
        .put("avatar", user.getAvatar())
        .put("sign", user.getSignInfo())
        .put("status", user.getStatus())
        .put("disabled", user.getStatus() != STATUS_ACTIVE)
        .put("updated", user.getUpdated());
  }

  static JsonObject departJson(TTInternal.AdminDepart depart) {
    return new JsonObject()
        .put("id", depart.getId())
        .put("name", depart.getName())
        .put("parentId", depart.getParentId())
        .put("priority", depart.getPriority())
        .put("updated", depart.getUpdated());
  }

  /** TeamTalk's client type names: windows, mac, ios, android (the number when unknown). */
  static String clientTypeName(int clientType) {
    ClientType type = ClientType.forNumber(clientType);
    return type == null ? Integer.toString(clientType) : type.name().substring("CLIENT_TYPE_".length()).toLowerCase();
  }

  private static TTInternal.AdminUserChange.Builder userChange(ValidatedRequest request) {
    return TTInternal.AdminUserChange.newBuilder().setUserId(userId(request));
  }

  private static int userId(ValidatedRequest request) {
    return request.getPathParameters().get("userId").getInteger();
  }

  private static int departId(ValidatedRequest request) {
    return request.getPathParameters().get("departmentId").getInteger();
  }

  private static int intParameter(RequestParameter parameter, int absent) {
    return parameter == null || parameter.isNull() ? absent : parameter.getInteger();
  }
}
