package io.ttvertx.push;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.ThrottledLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.ttvertx.ServerMetrics;
import io.ttvertx.bus.Addresses;
import io.ttvertx.config.PushOptions;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.ttvertx.store.DeviceStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * TeamTalk's push_server: tells the phones of receivers whose app is not connected about a stored
 * message. msg sends each stored message to {@link Addresses#PUSH_MESSAGE} (a send: one push verticle
 * of the cluster gets it). For each receiver (every group member but the sender): skipped while the
 * receiver has a mobile connection anywhere in the cluster (route knows), when they shielded the
 * group, when they have no device token, and at night when their night shield is on (TeamTalk applied
 * it to iOS only; here to both platforms). The rest get one push each through a {@link PushQueue}, to
 * the provider the token's platform picks.
 */
public class PushVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(PushVerticle.class);
  /** TeamTalk's sound (push_server/apns_msg.cpp), bundled with its iOS client. */
  static final String SOUND = "bingbong.aiff";
  static final long STATS_LOG_MS = 60_000;
  static final long LOOKUP_FAILURE_LOG_MS = 10_000;
  static final long LOOKUP_TIMEOUT_MS = 15_000;
  /** How long messages are gathered into one lookup: at 30,000 messages/s, one request instead of 600. */
  static final long LOOKUP_GATHER_MS = 20;
  /** A lookup starts at once when its messages name this many receivers. */
  static final int MAX_GATHERED_RECEIVERS = 5_000;

  /** A stored message waiting for its lookup, and whom it may be pushed to. */
  private record Gathered(IMMessage.IMMsgData msg, boolean group, List<Integer> receivers) {
  }

  private IntFunction<PushProvider> providers;
  private PushOptions options;
  private AlertText alerts;
  private PushQueue queue;
  private EventBus bus;
  private MessageConsumer<Buffer> consumer;
  private final List<PushProvider> started = new ArrayList<>();
  private final List<Meter> meters = new ArrayList<>();
  /** Messages waiting for the next lookup (see {@link #lookUp()}), with how many receivers they name. */
  private final List<Gathered> gathering = new ArrayList<>();
  private int gatheredReceivers;
  private final ThrottledLog lookupFailures = new ThrottledLog(log, LOOKUP_FAILURE_LOG_MS);
  private long messages;
  private long skippedOnline;
  private long skippedNight;
  private JsonObject lastLogged = new JsonObject();

  /** The providers are the default ones, built from the deployment's configuration. */
  public PushVerticle() {
  }

  /** The provider for each client type (0x11 iOS, 0x12 Android) is {@code providers}' answer. */
  public PushVerticle(IntFunction<PushProvider> providers) {
    this.providers = providers;
  }

  /** APNs and FCM as the push.apns and push.fcm sections configure them, else the log provider. */
  private static IntFunction<PushProvider> defaultProviders(Vertx vertx, JsonObject config) {
    PushProviders configured = PushProviders.create(vertx, config.getJsonObject("apns"), config.getJsonObject("fcm"));
    return configured::providerFor;
  }

  @Override
  public Future<?> start() {
    options = PushOptions.fromJson(config());
    bus = vertx.eventBus();
    if (providers == null) {
      providers = defaultProviders(vertx, config());
    }
    alerts = new AlertText(new MessageCipher(config().getString("aesKey", ServerOptions.DEFAULT_AES_KEY)), options);
    queue = new PushQueue(vertx, options, providers, this::forgetToken);
    registerMetrics();
    Set<PushProvider> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.add(providers.apply(DeviceStore.CLIENT_TYPE_IOS));
    distinct.add(providers.apply(DeviceStore.CLIENT_TYPE_ANDROID));
    Future<Void> providersStarted = Future.succeededFuture();
    for (PushProvider provider : distinct) {
      providersStarted = providersStarted.compose(v -> provider.start().onSuccess(done -> started.add(provider))
          .recover(failure -> Future.failedFuture("push provider " + provider.name() + " did not start: "
              + failure.getMessage())));
    }
    return providersStarted.compose(v -> {
      consumer = bus.consumer(Addresses.PUSH_MESSAGE, this::handleMessage);
      return consumer.completion();
    }).onSuccess(v -> {
      vertx.setPeriodic(PushQueue.DROP_WARNING_MS, id -> queue.warnAboutDrops());
      vertx.setPeriodic(STATS_LOG_MS, id -> logStats());
      log.info("push ready: iOS via {}, Android via {}, queue {}, night shield {}-{} in {}{}",
          providers.apply(DeviceStore.CLIENT_TYPE_IOS).name(), providers.apply(DeviceStore.CLIENT_TYPE_ANDROID).name(),
          options.queueSize(), options.nightShieldFrom(), options.nightShieldTo(), options.timeZone().getId(),
          options.privacy() ? ", alerts hidden (privacy)" : "");
    });
  }

  /** tt_push_total by outcome, read from the queue's running totals. */
  private void registerMetrics() {
    PushQueue.Counters totals = queue.counters();
    Map<String, ToDoubleFunction<PushQueue.Counters>> outcomes = Map.of("sent", c -> c.sent, "retried", c -> c.retried,
        "dropped", c -> c.dropped, "gone", c -> c.gone, "refused", c -> c.refused, "failed", c -> c.failed);
    String instance = Integer.toHexString(System.identityHashCode(this));
    outcomes.forEach((outcome, read) -> meters.add(FunctionCounter.builder("tt_push_total", totals, read)
        .description("Pushes by outcome").tag("outcome", outcome).tag("verticle", instance)
        .register(ServerMetrics.registry())));
  }

  @Override
  public Future<?> stop() {
    meters.forEach(ServerMetrics.registry()::remove);
    if (queue != null) {
      queue.close();
    }
    Future<?> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> Future.join(started.stream().map(PushProvider::close).toList()));
  }

  private void handleMessage(Message<Buffer> message) {
    boolean group = Addresses.PUSH_KIND_GROUP.equals(message.headers().get(Addresses.PUSH_KIND));
    IMMessage.IMMsgData msg;
    List<Integer> receivers = new ArrayList<>();
    try {
      if (group) {
        TTInternal.StoredGroupMsg stored = TTInternal.StoredGroupMsg.parseFrom(message.body().getBytes());
        msg = stored.getMsg();
        stored.getMemberIdListList().stream().filter(member -> member != msg.getFromUserId()).distinct()
            .forEach(receivers::add);
      } else {
        msg = IMMessage.IMMsgData.parseFrom(message.body().getBytes());
        if (msg.getToSessionId() != msg.getFromUserId()) {
          receivers.add(msg.getToSessionId());
        }
      }
    } catch (InvalidProtocolBufferException e) {
      lookupFailures.warn("undecodable", "undecodable message for push: " + e.getMessage());
      return;
    }
    if (receivers.isEmpty()) {
      messages++;
      return;
    }
    gathering.add(new Gathered(msg, group, receivers));
    gatheredReceivers += receivers.size();
    if (gathering.size() == 1) {
      vertx.setTimer(LOOKUP_GATHER_MS, id -> lookUp());
    } else if (gatheredReceivers >= MAX_GATHERED_RECEIVERS) {
      lookUp();
    }
  }

  /**
   * One db proxy request for the messages gathered: which receivers have a token (most have none, and
   * then nothing else is asked, not even route), then, for those, whether a phone of theirs is online.
   */
  private void lookUp() {
    if (gathering.isEmpty()) {
      return;
    }
    List<Gathered> batch = new ArrayList<>(gathering);
    gathering.clear();
    gatheredReceivers = 0;
    JsonArray asked = new JsonArray();
    for (Gathered one : batch) {
      asked.add(new JsonObject().put("from", one.msg().getFromUserId())
          .put("group", one.group() ? one.msg().getToSessionId() : 0).put("users", new JsonArray(one.receivers())));
    }
    bus.<JsonObject>request(Addresses.DB_PUSH_TARGETS, new JsonObject().put("messages", asked),
            new DeliveryOptions().setSendTimeout(LOOKUP_TIMEOUT_MS))
        .onComplete(ar -> {
          for (int i = 0; i < batch.size(); i++) {
            Gathered one = batch.get(i);
            if (ar.failed()) {
              messages++;
              // one reason for every failure: bus timeouts name a different reply address each time
              lookupFailures.warn("db proxy", "no push for message " + one.msg().getMsgId() + " from user "
                  + one.msg().getFromUserId() + ": " + ar.cause().getMessage());
            } else {
              pushToOffline(one, ar.result().body().getJsonArray("results").getJsonObject(i))
                  .onComplete(done -> messages++);
            }
          }
        });
  }

  private Future<Void> pushToOffline(Gathered one, JsonObject found) {
    JsonArray targets = found.getJsonArray("targets");
    if (targets.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Integer> withToken = targets.stream().map(target -> ((JsonObject) target).getInteger("user")).toList();
    return withoutMobileOnline(withToken).map(offline -> {
      JsonArray offlineTargets = new JsonArray(targets.stream()
          .filter(target -> offline.contains(((JsonObject) target).getInteger("user"))).toList());
      enqueue(one.msg(), one.group(), found.copy().put("targets", offlineTargets));
      return null;
    });
  }

  /**
   * The receivers with no mobile connection online, as this node's route knows (every route knows the
   * whole cluster), or any route's when this node runs none. When no route answers they all count as
   * offline: a push too many beats a message nobody hears of.
   */
  private Future<List<Integer>> withoutMobileOnline(List<Integer> receivers) {
    JsonArray asked = new JsonArray(new ArrayList<>(receivers));
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true).setSendTimeout(LOOKUP_TIMEOUT_MS);
    return bus.<JsonArray>request(Addresses.ROUTE_MOBILE_ONLINE, asked, local)
        .recover(failure -> failure instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS
            ? bus.request(Addresses.ROUTE_MOBILE_ONLINE, asked, new DeliveryOptions().setSendTimeout(LOOKUP_TIMEOUT_MS))
            : Future.failedFuture(failure))
        .map(reply -> {
          Set<Integer> online = new HashSet<>();
          reply.body().forEach(id -> online.add(((Number) id).intValue()));
          skippedOnline += online.size();
          return receivers.stream().filter(user -> !online.contains(user)).toList();
        })
        .recover(failure -> {
          lookupFailures.warn("route", "cannot tell whether receivers are online ("
              + failure.getMessage() + "): pushing to all of them");
          return Future.succeededFuture(receivers);
        });
  }

  private void enqueue(IMMessage.IMMsgData msg, boolean group, JsonObject found) {
    JsonArray targets = found.getJsonArray("targets");
    if (targets.isEmpty()) {
      return;
    }
    boolean night = options.isNight(ZonedDateTime.now(options.timeZone()).getHour());
    String alert = alerts.alert(msg.getMsgType().getNumber(), msg.getMsgData().toByteArray(), found.getString("nick"),
        group ? found.getString("groupName") : null);
    JsonObject data = new JsonObject().put("msg_type", msg.getMsgType().getNumber()).put("from_id", msg.getFromUserId());
    if (group) {
      data.put("group_id", msg.getToSessionId());
    }
    for (Object entry : targets) {
      JsonObject target = (JsonObject) entry;
      int clientType = target.getInteger("clientType");
      if (clientType != DeviceStore.CLIENT_TYPE_IOS && clientType != DeviceStore.CLIENT_TYPE_ANDROID) {
        continue;
      }
      if (night && target.getInteger("nightShield", 0) == 1) {
        skippedNight++;
        continue;
      }
      queue.add(new PushNotification(UUID.randomUUID().toString(), target.getInteger("user"), clientType,
          target.getString("token"), alert, target.getInteger("badge"), SOUND, data.copy()));
    }
  }

  private void forgetToken(PushNotification push, String reason) {
    bus.<JsonObject>request(Addresses.DB_PUSH_TOKEN_GONE, new JsonObject().put("user", push.userId())
            .put("token", push.token()), new DeliveryOptions().setSendTimeout(LOOKUP_TIMEOUT_MS))
        .onSuccess(reply -> log.info("device token of user {} forgotten ({}): {}", push.userId(),
            reply.body().getBoolean("removed") ? "removed" : "already replaced", reason))
        .onFailure(failure -> lookupFailures.warn("token gone",
            "cannot forget the gone device token of user " + push.userId() + ": " + failure.getMessage()));
  }

  private JsonObject counters() {
    return queue.counters().toJson().put("messages", messages).put("skippedOnline", skippedOnline)
        .put("skippedNight", skippedNight);
  }

  /** Every minute, when anything happened: what the last minute brought. */
  private void logStats() {
    JsonObject now = counters();
    StringBuilder line = new StringBuilder();
    for (String name : now.fieldNames()) {
      long delta = now.getLong(name) - lastLogged.getLong(name, 0L);
      if (delta != 0) {
        line.append(line.isEmpty() ? "" : ", ").append(name).append(' ').append(delta);
      }
    }
    lastLogged = now;
    if (!line.isEmpty()) {
      log.info("push in the last minute: {}; waiting {}", line, queue.waiting());
    }
  }

  /** The counters, the queue's length and the pushes at a provider, read on this verticle's context. */
  Future<JsonObject> stats() {
    Promise<JsonObject> stats = Promise.promise();
    context.runOnContext(v -> stats.complete(counters().put("waiting", queue.waiting()).put("inFlight", queue.inFlight())));
    return stats.future();
  }
}
