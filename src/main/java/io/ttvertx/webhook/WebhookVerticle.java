package io.ttvertx.webhook;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Meter;
import io.ttvertx.ServerMetrics;
import io.ttvertx.ThrottledLog;
import io.ttvertx.bus.Addresses;
import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.WebhookOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.TTInternal;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * Outgoing webhooks: every configured URL receives a signed JSON POST for each stored message. msg
 * sends each stored message to {@link Addresses#WEBHOOK_MESSAGE} after the sender's ack (a send: one
 * webhook verticle of the cluster gets it, so each message is posted once per URL); the verticle
 * queues a delivery per URL and never answers, so delivery to clients never waits for a receiver.
 */
public class WebhookVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WebhookVerticle.class);
  public static final String HEADER_SIGNATURE = "X-TT-Signature";
  public static final String HEADER_EVENT = "X-TT-Event";
  public static final String HEADER_DELIVERY = "X-TT-Delivery";
  public static final String HEADER_TIMESTAMP = "X-TT-Timestamp";

  private WebhookOptions options;
  private WebhookPayload payloads;
  private WebhookQueue queue;
  private WebClient client;
  private Set<Integer> bots;
  private MessageConsumer<Buffer> consumer;
  private final List<Meter> meters = new ArrayList<>();
  private final ThrottledLog undecodable = new ThrottledLog(log, WebhookQueue.WARNING_INTERVAL_MS);

  @Override
  public Future<?> start() {
    options = WebhookOptions.fromJson(config());
    if (options.urls().isEmpty()) {
      return Future.failedFuture("the webhook verticle needs webhooks.urls");
    }
    payloads = new WebhookPayload(new MessageCipher(config().getString("aesKey", ServerOptions.DEFAULT_AES_KEY)),
        options.secret());
    bots = new HashSet<>(options.botUserIds());
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(options.timeoutMs())
        .setFollowRedirects(false));
    queue = new WebhookQueue(vertx, client, options);
    registerMetrics();
    consumer = vertx.eventBus().consumer(Addresses.WEBHOOK_MESSAGE, this::handleMessage);
    return consumer.completion().onSuccess(v -> {
      vertx.setPeriodic(WebhookQueue.WARNING_INTERVAL_MS, id -> queue.warnAboutDrops());
      log.info("webhooks ready: {} URL(s) {}, {}, queue {}, {} attempts", options.urls().size(), options.urls(),
          bots.isEmpty() ? "every message" : "messages of users " + options.botUserIds(), options.queueSize(),
          options.maxAttempts());
    });
  }

  /** tt_webhook_total by outcome, read from the queue's running totals. */
  private void registerMetrics() {
    Map<String, ToDoubleFunction<WebhookQueue.Counters>> outcomes = Map.of("delivered", c -> c.delivered,
        "retried", c -> c.retried, "dropped", c -> c.dropped, "refused", c -> c.refused, "failed", c -> c.failed);
    meters.addAll(ServerMetrics.outcomeCounters("tt_webhook_total", "Webhook deliveries by outcome", queue.counters(),
        outcomes, this));
  }

  @Override
  public Future<?> stop() {
    meters.forEach(ServerMetrics.registry()::remove);
    if (consumer == null) {
      return Future.succeededFuture();
    }
    queue.close();
    return consumer.unregister().onComplete(v -> client.close());
  }

  private void handleMessage(Message<Buffer> message) {
    boolean group = Addresses.PUSH_KIND_GROUP.equals(message.headers().get(Addresses.PUSH_KIND));
    IMMessage.IMMsgData msg;
    List<Integer> members;
    try {
      if (group) {
        TTInternal.StoredGroupMsg stored = TTInternal.StoredGroupMsg.parseFrom(message.body().getBytes());
        msg = stored.getMsg();
        members = stored.getMemberIdListList();
      } else {
        msg = IMMessage.IMMsgData.parseFrom(message.body().getBytes());
        members = List.of(msg.getToSessionId());
      }
    } catch (InvalidProtocolBufferException e) {
      undecodable.warn("undecodable", "undecodable message for the webhooks: " + e.getMessage());
      return;
    }
    if (!bots.isEmpty() && !bots.contains(msg.getFromUserId()) && members.stream().noneMatch(bots::contains)) {
      return;
    }
    Buffer body = payloads.message(msg, group).toBuffer();
    String signature = payloads.signature(body);
    for (String url : options.urls()) {
      queue.add(new WebhookQueue.Delivery(UUID.randomUUID().toString(), url, WebhookPayload.EVENT_MESSAGE, body,
          signature));
    }
  }
}
