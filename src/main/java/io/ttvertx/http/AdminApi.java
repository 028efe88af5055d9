package io.ttvertx.http;

import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbClient;
import io.ttvertx.config.HttpMsgOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.http.AdminOperations.Answer;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminCmdID;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Function;

/**
 * The admin and integration API under {@code /api/v1}, on the http_msg server: its router is built from
 * the OpenAPI document {@value #CONTRACT} (also served at {@code /api/v1/openapi.yaml}), which validates
 * every request before an operation runs. Requests need {@code Authorization: Bearer <key>} with a
 * configured key; every refusal is {@code {"error", "reason"}} with a 4xx or 5xx. {@code /health}
 * (no key) says whether the db proxy and the route answer.
 */
final class AdminApi {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
  static final String CONTRACT = "openapi/admin-api.yaml";
  static final String BASE_PATH = "/api/v1";
  static final String BEARER = "Bearer ";
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /** Creations remembered for their Idempotency-Key, per http_msg instance. */
  static final int MAX_IDEMPOTENCY_ENTRIES = 10_000;
  static final long HEALTH_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final HttpMsgOptions options;
  private final ApiKeys keys;
  private final AdminOperations operations;
  private final ChatOperations chat;
  private final BackupOperation backups;
  private final IdempotencyCache<Answer> creations = new IdempotencyCache<>(MAX_IDEMPOTENCY_ENTRIES,
      System::currentTimeMillis);
  private final OpenAPIContract contract;
  private final Buffer contractText;

  private AdminApi(Vertx vertx, HttpMsgOptions options, DbClient db, MessageCipher cipher, OpenAPIContract contract,
                   Buffer contractText) {
    this.vertx = vertx;
    this.options = options;
    this.keys = new ApiKeys(options.apiKeys());
    this.operations = new AdminOperations(vertx, db, options.busTimeoutMs());
    this.chat = new ChatOperations(vertx, db, operations, cipher, options.noticeSenderId());
    this.backups = new BackupOperation(vertx);
    this.contract = contract;
    this.contractText = contractText;
  }

  /** Reads and checks the OpenAPI document (a broken one fails the start). */
  static Future<AdminApi> load(Vertx vertx, HttpMsgOptions options, DbClient db, MessageCipher cipher) {
    Future<OpenAPIContract> contract = OpenAPIContract.from(vertx, CONTRACT);
    Future<Buffer> text = vertx.fileSystem().readFile(CONTRACT);
    return Future.all(contract, text).map(v -> new AdminApi(vertx, options, db, cipher, contract.result(), text.result()));
  }

  int keyCount() {
    return keys.size();
  }

  /** Adds /health, /api/v1/openapi.yaml and the API to {@code router}, before its catch-all routes. */
  void mount(Router router) {
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(healthChecks()));
    router.get(BASE_PATH + "/openapi.yaml").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(contractText));
    router.route(BASE_PATH + "/*").handler(BodyHandler.create(false).setBodyLimit(options.maxBodyBytes()));
    router.route(BASE_PATH + "/*").handler(this::authenticate);
    router.route(BASE_PATH + "/*").subRouter(buildApiRouter());
    router.route(BASE_PATH + "/*").handler(ctx -> refuse(ctx, new ApiError(404, ApiError.NOT_FOUND,
        "no operation " + ctx.request().method() + " " + ctx.request().path() + " (see " + BASE_PATH + "/openapi.yaml)")));
    router.route(BASE_PATH + "/*").failureHandler(this::handleFailure);
  }

  private Router buildApiRouter() {
    // the body was read (within the size limit) by the BodyHandler before the key was checked
    RouterBuilder builder = RouterBuilder.create(vertx, contract, (ctx, operation) -> RequestUtils.extract(ctx.request(),
        operation, () -> Future.succeededFuture(ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer())));
    Map<String, Function<ValidatedRequest, Future<Answer>>> handlers = Map.ofEntries(
        Map.entry("backup", backups::backup),
        Map.entry("createUser", idempotent("createUser", operations::createUser)),
        Map.entry("getUser", operations::getUser),
        Map.entry("updateUser", operations::updateUser),
        Map.entry("disableUser", operations::disableUser),
        Map.entry("enableUser", operations::enableUser),
        Map.entry("resetPassword", operations::resetPassword),
        Map.entry("kickUser", operations::kickUser),
        Map.entry("listUsers", operations::listUsers),
        Map.entry("createDepartment", idempotent("createDepartment", operations::createDepartment)),
        Map.entry("updateDepartment", operations::updateDepartment),
        Map.entry("deleteDepartment", operations::deleteDepartment),
        Map.entry("listDepartments", operations::listDepartments),
        Map.entry("presence", operations::presence),
        Map.entry("createGroup", idempotent("createGroup", chat::createGroup)),
        Map.entry("listGroups", chat::listGroups),
        Map.entry("getGroup", chat::getGroup),
        Map.entry("updateGroup", chat::updateGroup),
        Map.entry("changeGroupMembers", chat::changeGroupMembers),
        Map.entry("dissolveGroup", chat::dissolveGroup),
        Map.entry("sendMessage", idempotent("sendMessage", chat::sendMessage)),
        Map.entry("sendNotice", idempotent("sendNotice", chat::sendNotice)),
        Map.entry("history", chat::history));
    for (OpenAPIRoute route : builder.getRoutes()) {
      String operationId = route.getOperation().getOperationId();
      Function<ValidatedRequest, Future<Answer>> handler = handlers.get(operationId);
      if (handler == null) {
        throw new IllegalStateException(CONTRACT + " has operation " + operationId + " that nothing implements");
      }
      // the bearer key is checked before the router, so a request without one is refused before validation
      route.setDoSecurity(false).addHandler(ctx -> respond(ctx,
          handler.apply(ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST))));
    }
    Router api = builder.createRouter();
    api.route().failureHandler(this::handleFailure);
    return api;
  }

  /** The first answer to a creation retried with the same Idempotency-Key and body. */
  private Function<ValidatedRequest, Future<Answer>> idempotent(String operationId,
                                                                 Function<ValidatedRequest, Future<Answer>> create) {
    return request -> {
      var key = request.getHeaders().get(IDEMPOTENCY_KEY);
      if (key == null || key.isNull()) {
        return create.apply(request);
      }
      return creations.answer(operationId + " " + key.getString(), request.getBody().getJsonObject().encode(),
          () -> create.apply(request));
    };
  }

  private void authenticate(RoutingContext ctx) {
    if (keys.isEmpty()) {
      refuse(ctx, new ApiError(403, ApiError.FORBIDDEN,
          "no API keys are configured (httpMsg.apiKeys, TT_HTTP_API_KEYS): every request is refused"));
      return;
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      refuse(ctx, new ApiError(401, ApiError.UNAUTHORIZED, "send Authorization: Bearer <API key>"));
      return;
    }
    if (!keys.knows(authorization.substring(BEARER.length()).trim())) {
      refuse(ctx, new ApiError(401, ApiError.UNAUTHORIZED, "unknown API key"));
      return;
    }
    ctx.next();
  }

  private void respond(RoutingContext ctx, Future<Answer> answer) {
    answer.onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause() instanceof ApiError refusal ? refusal
            : new ApiError(500, ApiError.UNAVAILABLE, "the request failed: " + ar.cause().getMessage()));
        return;
      }
      HttpServerResponse response = ctx.response();
      if (response.ended() || response.closed()) {
        return;
      }
      response.setStatusCode(ar.result().status());
      if (ar.result().body() == null) {
        response.end();
      } else {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(ar.result().body().encode());
      }
    });
  }

  /** Validation failures (400 with the validator's reason), bodies too large, anything else (500, no trace). */
  private void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiError refusal) {
      refuse(ctx, refusal);
    } else if (failure instanceof ValidatorException invalid) {
      refuse(ctx, new ApiError(400, ApiError.BAD_REQUEST, invalid.getMessage()));
    } else if (failure instanceof HttpException http && http.getStatusCode() < 500) {
      String reason = http.getPayload() != null ? http.getPayload()
          : http.getCause() != null ? http.getCause().getMessage() : http.getMessage();
      refuse(ctx, new ApiError(http.getStatusCode(), http.getStatusCode() == 413 ? ApiError.TOO_LARGE
          : ApiError.BAD_REQUEST, reason));
    } else if (ctx.statusCode() == 413) {
      refuse(ctx, new ApiError(413, ApiError.TOO_LARGE, "body over " + options.maxBodyBytes() + " bytes"));
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      refuse(ctx, new ApiError(ctx.statusCode(), ApiError.BAD_REQUEST, failure == null ? "bad request"
          : failure.getMessage()));
    } else {
      log.warn("admin API {} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(failure));
      refuse(ctx, new ApiError(500, ApiError.UNAVAILABLE, "the request failed"));
    }
  }

  private void refuse(RoutingContext ctx, ApiError refusal) {
    if (refusal.status >= 500) {
      log.warn("admin API {} {} from {} failed: {}", ctx.request().method(), ctx.request().path(),
          ctx.request().remoteAddress(), refusal.getMessage());
    } else {
      log.info("admin API {} {} from {} refused ({}): {}", ctx.request().method(), ctx.request().path(),
          ctx.request().remoteAddress(), refusal.status, refusal.getMessage());
    }
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(refusal.status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(refusal.toJson().encode());
  }

  /** UP when a db proxy answers a ping and the route answers a status question, each within a timeout. */
  private HealthChecks healthChecks() {
    HealthChecks checks = HealthChecks.create(vertx);
    checks.register("db", HEALTH_TIMEOUT_MS, promise -> operations.ask(AdminCmdID.CID_ADMIN_PING_VALUE,
            TTInternal.AdminPong.getDefaultInstance(), TTInternal.AdminPong.parser())
        .onSuccess(pong -> promise.tryComplete(Status.OK(new JsonObject().put("store", pong.getStore()))))
        .onFailure(failure -> promise.tryComplete(Status.KO(new JsonObject().put("reason", failure.getMessage())))));
    checks.register("route", HEALTH_TIMEOUT_MS, promise -> vertx.eventBus()
        .request(Addresses.ROUTE_STATUS, new JsonArray(), new DeliveryOptions().setSendTimeout(HEALTH_TIMEOUT_MS))
        .onSuccess(reply -> promise.tryComplete(Status.OK()))
        .onFailure(failure -> promise.tryComplete(Status.KO(new JsonObject().put("reason", failure.getMessage())))));
    return checks;
  }
}
