package io.ttvertx.push.fcm;

import io.ttvertx.push.JsonWebTokens;
import io.ttvertx.push.PushHttpClients;
import io.ttvertx.push.PushNotification;
import io.ttvertx.push.PushProvider;
import io.ttvertx.push.PushResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Sends Android pushes with FCM's HTTP v1 API. Authenticates as the service account: a JWT signed RS256
 * with its private key is exchanged at the OAuth2 token endpoint for an access token, which is reused
 * until {@link #TOKEN_RENEWAL_MARGIN_MS} before it expires, or renewed at once when FCM answers 401.
 */
public final class FcmProvider implements PushProvider {
  public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  /** An access token is renewed this long before Google says it expires. */
  public static final long TOKEN_RENEWAL_MARGIN_MS = 5 * 60 * 1000L;
  static final long ASSERTION_LIFETIME_SECONDS = 3600;

  private static final Logger log = LoggerFactory.getLogger(FcmProvider.class);

  private final Vertx vertx;
  private final FcmOptions options;
  private final Clock clock;
  private FcmServiceAccount account;
  private String tokenEndpoint;
  private HttpClient client;
  private String accessToken;
  private long accessTokenRenewAtMs;
  /** The token request under way, shared by the pushes that wait for it. */
  private Future<String> pendingAccessToken;

  public FcmProvider(Vertx vertx, FcmOptions options) {
    this(vertx, options, Clock.systemUTC());
  }

  /** With the clock that dates assertions and access-token expiry (tests move it on). */
  FcmProvider(Vertx vertx, FcmOptions options, Clock clock) {
    if (!options.configured()) {
      throw new IllegalArgumentException("push.fcm.serviceAccountFile is not set");
    }
    this.vertx = vertx;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public Future<Void> start() {
    String source = "push.fcm.serviceAccountFile " + options.serviceAccountFile();
    return vertx.fileSystem().readFile(options.serviceAccountFile())
        .recover(e -> Future.failedFuture(new IllegalArgumentException(source + " cannot be read: " + e.getMessage())))
        .compose(json -> {
          try {
            account = FcmServiceAccount.parse(json.toString(), source);
            tokenEndpoint = options.tokenEndpoint().isEmpty()
                ? PushHttpClients.checkEndpoint(account.tokenUri(), source + " token_uri") : options.tokenEndpoint();
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
          }
          client = PushHttpClients.create(vertx, options.trustedCertificate(), options.connections());
          log.info("FCM provider ready: {} project {} as {}", options.endpoint(), account.projectId(),
              account.clientEmail());
          return Future.<Void>succeededFuture();
        });
  }

  @Override
  public Future<PushResult> send(PushNotification notification) {
    if (client == null) {
      return Future.failedFuture(new IllegalStateException("FCM provider is not started"));
    }
    return send(notification, true);
  }

  private Future<PushResult> send(PushNotification n, boolean mayRenewToken) {
    return accessToken()
        .compose(token -> post(n, token)
            .compose(result -> {
              if (result == null) { // 401
                if (token.equals(accessToken)) {
                  accessToken = null;
                }
                return mayRenewToken ? send(n, false)
                    : Future.succeededFuture(PushResult.refused("FCM 401 with a fresh access token"));
              }
              return Future.succeededFuture(result);
            }))
        .recover(e -> e instanceof TokenRefused refused
            ? Future.succeededFuture(PushResult.refused(refused.getMessage())) : Future.failedFuture(e));
  }

  /** What FCM made of the message; null for a 401 (the access token was not accepted). */
  private Future<PushResult> post(PushNotification n, String token) {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(options.endpoint() + "/v1/projects/" + account.projectId() + "/messages:send")
        .setConnectTimeout(options.requestTimeoutMs())
        .setIdleTimeout(options.requestTimeoutMs())
        .putHeader("authorization", "Bearer " + token)
        .putHeader("content-type", "application/json; charset=UTF-8");
    return client.request(request)
        .compose(req -> req.send(message(n, options.title()).encode()))
        .compose(response -> response.body().map(body -> answer(response, body)));
  }

  /** The HTTP v1 message; data values are strings (FCM refuses others), the badge among them. */
  static JsonObject message(PushNotification n, String title) {
    JsonObject data = new JsonObject();
    if (n.data() != null) {
      for (Map.Entry<String, Object> field : n.data()) {
        data.put(field.getKey(), field.getValue() == null ? "" : String.valueOf(field.getValue()));
      }
    }
    data.put("badge", String.valueOf(n.badge()));
    JsonObject message = new JsonObject().put("token", n.token());
    if (!n.silent()) {
      JsonObject notification = new JsonObject();
      if (!title.isEmpty()) {
        notification.put("title", title);
      }
      message.put("notification", notification.put("body", n.alert()));
    }
    message.put("data", data).put("android", new JsonObject().put("priority", n.silent() ? "normal" : "high"));
    return new JsonObject().put("message", message);
  }

  /** FCM's answers (its "FCM error codes" page); the error object is Google's {code, message, status, details}. */
  private PushResult answer(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    if (status == 200) {
      return PushResult.sent();
    }
    if (status == 401) {
      return null;
    }
    JsonObject error = error(body);
    String errorStatus = error.getString("status", "");
    String errorCode = fcmErrorCode(error);
    String message = error.getString("message", "");
    String reason = "FCM " + status + " " + (errorCode.isEmpty() ? errorStatus : errorCode)
        + (message.isEmpty() ? "" : ": " + message);
    if (status == 404 || "UNREGISTERED".equals(errorCode) || "SENDER_ID_MISMATCH".equals(errorCode)
        || "INVALID_ARGUMENT".equals(errorStatus) && namesTheToken(error)) {
      return PushResult.tokenGone(reason);
    }
    if (status == 429 || status == 500 || status == 503 || "UNAVAILABLE".equals(errorCode)
        || "INTERNAL".equals(errorCode) || "QUOTA_EXCEEDED".equals(errorCode)) {
      return PushResult.retry(PushHttpClients.retryAfterMs(response.getHeader("retry-after"), clock.millis()), reason);
    }
    return PushResult.refused(reason);
  }

  private static JsonObject error(Buffer body) {
    try {
      JsonObject error = body.length() == 0 ? null : new JsonObject(body).getJsonObject("error");
      return error == null ? new JsonObject() : error;
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  /** details[].errorCode of type FcmError, "" when none. */
  private static String fcmErrorCode(JsonObject error) {
    JsonArray details = error.getJsonArray("details", new JsonArray());
    for (Object detail : details) {
      if (detail instanceof JsonObject d && d.getString("errorCode") != null) {
        return d.getString("errorCode");
      }
    }
    return "";
  }

  /** An INVALID_ARGUMENT about the registration token (rather than, say, the payload). */
  private static boolean namesTheToken(JsonObject error) {
    if (error.getString("message", "").toLowerCase().contains("registration token")) {
      return true;
    }
    for (Object detail : error.getJsonArray("details", new JsonArray())) {
      if (detail instanceof JsonObject d) {
        for (Object violation : d.getJsonArray("fieldViolations", new JsonArray())) {
          if (violation instanceof JsonObject v && "message.token".equals(v.getString("field"))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The cached access token, or a new one when it is about to expire or was refused. */
  private Future<String> accessToken() {
    if (accessToken != null && clock.millis() < accessTokenRenewAtMs) {
      return Future.succeededFuture(accessToken);
    }
    if (pendingAccessToken == null) {
      pendingAccessToken = requestAccessToken().andThen(done -> pendingAccessToken = null);
    }
    return pendingAccessToken;
  }

  private Future<String> requestAccessToken() {
    long now = clock.millis();
    String assertion = JsonWebTokens.sign(JsonWebTokens.RS256, new JsonObject().put("typ", "JWT"),
        new JsonObject().put("iss", account.clientEmail()).put("scope", SCOPE).put("aud", tokenEndpoint)
            .put("iat", now / 1000).put("exp", now / 1000 + ASSERTION_LIFETIME_SECONDS), account.privateKey());
    String form = "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&assertion=" + URLEncoder.encode(assertion, StandardCharsets.UTF_8);
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(tokenEndpoint)
        .setConnectTimeout(options.requestTimeoutMs())
        .setIdleTimeout(options.requestTimeoutMs())
        .putHeader("content-type", "application/x-www-form-urlencoded");
    return client.request(request)
        .compose(req -> req.send(form))
        .compose(response -> response.body().compose(body -> {
          int status = response.statusCode();
          JsonObject answer;
          try {
            answer = body.length() == 0 ? new JsonObject() : new JsonObject(body);
          } catch (DecodeException e) {
            answer = new JsonObject();
          }
          if (status >= 500 || status == 429) {
            return Future.failedFuture("FCM token endpoint " + tokenEndpoint + " answered " + status);
          }
          String token = answer.getValue("access_token") == null ? null : answer.getValue("access_token").toString();
          if (status != 200 || token == null) {
            return Future.failedFuture(new TokenRefused("FCM token endpoint refused the service account: " + status
                + " " + answer.getString("error", "") + " " + answer.getString("error_description", "")));
          }
          long expiresInMs = expiresInSeconds(answer) * 1000;
          accessToken = token;
          accessTokenRenewAtMs = now + Math.max(expiresInMs - TOKEN_RENEWAL_MARGIN_MS, expiresInMs / 2);
          return Future.succeededFuture(token);
        }));
  }

  /** Google sends a number; a string or nothing is read as Google's usual hour. */
  private static long expiresInSeconds(JsonObject answer) {
    Object value = answer.getValue("expires_in");
    try {
      long seconds = value == null ? ASSERTION_LIFETIME_SECONDS : Long.parseLong(value.toString().trim());
      return seconds > 0 ? seconds : ASSERTION_LIFETIME_SECONDS;
    } catch (NumberFormatException e) {
      return ASSERTION_LIFETIME_SECONDS;
    }
  }

  /** The token endpoint refused the credentials: retrying will not help. */
  private static final class TokenRefused extends RuntimeException {
    TokenRefused(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  @Override
  public String name() {
    return "fcm";
  }
}
