package io.ttvertx.push.apns;

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
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PrivateKey;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Sends iOS pushes to APNs over HTTP/2 with token-based authentication: an ES256 JWT {kid, iss, iat}
 * signed with the .p8 key, reused across requests and renewed at {@link #TOKEN_RENEWAL_AGE_MS} (Apple
 * refuses tokens older than an hour and renewals more often than every 20 minutes), or at once when
 * APNs answers ExpiredProviderToken.
 */
public final class ApnsProvider implements PushProvider {
  /** Apple: a provider token is valid for an hour; renew it before, but not more often than every 20 min. */
  public static final long TOKEN_RENEWAL_AGE_MS = 50 * 60 * 1000L;
  static final int PRIORITY_IMMEDIATE = 10;
  static final int PRIORITY_POWER_SAVING = 5;

  private static final Logger log = LoggerFactory.getLogger(ApnsProvider.class);
  private static final Pattern HEX_TOKEN = Pattern.compile("[0-9a-fA-F]{16,200}");
  private static final Set<String> TOKEN_GONE_REASONS = Set.of("BadDeviceToken", "DeviceTokenNotForTopic", "Unregistered");

  private final Vertx vertx;
  private final ApnsOptions options;
  private final Clock clock;
  private PrivateKey key;
  private HttpClient client;
  private String providerToken;
  private long providerTokenIssuedMs;

  public ApnsProvider(Vertx vertx, ApnsOptions options) {
    this(vertx, options, Clock.systemUTC());
  }

  /** With the clock that dates provider tokens and apns-expiration (tests move it on). */
  ApnsProvider(Vertx vertx, ApnsOptions options, Clock clock) {
    if (!options.configured()) {
      throw new IllegalArgumentException("push.apns.keyFile is not set");
    }
    this.vertx = vertx;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public Future<Void> start() {
    return vertx.fileSystem().readFile(options.keyFile())
        .recover(e -> Future.failedFuture(new IllegalArgumentException(
            "push.apns.keyFile " + options.keyFile() + " cannot be read: " + e.getMessage())))
        .compose(pem -> {
          try {
            key = JsonWebTokens.readPrivateKey(pem.toString(), "EC", "push.apns.keyFile " + options.keyFile());
            renewProviderToken();
          } catch (IllegalArgumentException | IllegalStateException e) {
            return Future.failedFuture(e);
          }
          client = PushHttpClients.create(vertx, options.trustedCertificate(), options.connections());
          log.info("APNs provider ready: {} topic {} key id {} team {}", options.endpoint(), options.bundleId(),
              options.keyId(), options.teamId());
          return Future.<Void>succeededFuture();
        });
  }

  @Override
  public Future<PushResult> send(PushNotification notification) {
    return send(notification, true);
  }

  private Future<PushResult> send(PushNotification n, boolean mayRenewToken) {
    if (client == null) {
      return Future.failedFuture(new IllegalStateException("APNs provider is not started"));
    }
    if (n.token() == null || !HEX_TOKEN.matcher(n.token()).matches()) {
      return Future.succeededFuture(PushResult.tokenGone("BadDeviceToken: not a hexadecimal APNs token"));
    }
    String payload = ApnsPayload.build(n, n.sound() != null ? n.sound() : options.sound(), ApnsPayload.MAX_BYTES);
    if (payload == null) {
      return Future.succeededFuture(PushResult.refused("PayloadTooLarge: the data alone is over "
          + ApnsPayload.MAX_BYTES + " bytes"));
    }
    String token = currentProviderToken();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(options.endpoint() + "/3/device/" + n.token())
        .setConnectTimeout(options.requestTimeoutMs())
        .setIdleTimeout(options.requestTimeoutMs())
        .putHeader("authorization", "bearer " + token)
        .putHeader("apns-topic", options.bundleId())
        .putHeader("apns-push-type", n.silent() ? "background" : "alert")
        .putHeader("apns-priority", String.valueOf(n.silent() ? PRIORITY_POWER_SAVING : PRIORITY_IMMEDIATE))
        .putHeader("apns-expiration", String.valueOf(clock.millis() / 1000 + options.expirationSeconds()))
        .putHeader("content-type", "application/json");
    if (isUuid(n.id())) {
      request.putHeader("apns-id", n.id());
    }
    return client.request(request)
        .compose(req -> req.send(Buffer.buffer(payload)))
        .compose(response -> response.body().map(body -> answer(response, body)))
        .compose(answer -> {
          if (answer.expiredProviderToken) {
            if (mayRenewToken) {
              if (token.equals(providerToken)) {
                renewProviderToken();
              }
              return send(n, false);
            }
            return Future.succeededFuture(PushResult.retry(-1, "ExpiredProviderToken after renewing it"));
          }
          return Future.succeededFuture(answer.result);
        });
  }

  private record Answer(PushResult result, boolean expiredProviderToken) {
  }

  /** Apple's status codes and reasons ("Handling notification responses from APNs"). */
  private Answer answer(HttpClientResponse response, Buffer body) {
    int status = response.statusCode();
    if (status == 200) {
      return new Answer(PushResult.sent(), false);
    }
    String reason = reason(body, status);
    if (status == 403 && "ExpiredProviderToken".equals(reason)) {
      return new Answer(null, true);
    }
    PushResult result;
    if (status == 410 || status == 400 && TOKEN_GONE_REASONS.contains(reason)) {
      result = PushResult.tokenGone(reason);
    } else if (status == 429 || status == 500 || status == 503) {
      result = PushResult.retry(PushHttpClients.retryAfterMs(response.getHeader("retry-after"), clock.millis()), reason);
    } else {
      result = PushResult.refused("APNs " + status + " " + reason);
    }
    return new Answer(result, false);
  }

  private static String reason(Buffer body, int status) {
    try {
      String reason = body.length() == 0 ? null : new JsonObject(body).getString("reason");
      return reason == null ? "HTTP " + status : reason;
    } catch (DecodeException | ClassCastException e) {
      return "HTTP " + status;
    }
  }

  private String currentProviderToken() {
    if (clock.millis() - providerTokenIssuedMs >= TOKEN_RENEWAL_AGE_MS) {
      renewProviderToken();
    }
    return providerToken;
  }

  private void renewProviderToken() {
    long now = clock.millis();
    providerToken = JsonWebTokens.sign(JsonWebTokens.ES256, new JsonObject().put("kid", options.keyId()),
        new JsonObject().put("iss", options.teamId()).put("iat", now / 1000), key);
    providerTokenIssuedMs = now;
  }

  private static boolean isUuid(String id) {
    if (id == null || id.length() != 36) {
      return false;
    }
    try {
      UUID.fromString(id);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Future<Void> close() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  @Override
  public String name() {
    return options.sandbox() ? "apns (sandbox)" : "apns";
  }
}
