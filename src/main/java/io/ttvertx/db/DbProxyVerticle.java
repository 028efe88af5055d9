package io.ttvertx.db;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.micrometer.core.instrument.Timer;
import io.ttvertx.ServerMetrics;
import io.ttvertx.ThrottledLog;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.DbBatch;
import io.ttvertx.config.FileOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.BackupStore;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The only role that touches storage. It answers TeamTalk request messages (protobuf bytes in a
 * {@link DbBatch} on {@link Addresses#DB} or its own address) with TeamTalk response messages, like
 * TeamTalk's db_proxy_server: one command table, filled by an answers class per domain (login, buddy
 * list, messages, groups, offline files, administration), each given only the part of the store it
 * uses. Each request's envelope names its {@link io.ttvertx.bus.Actor}: a command acting for a user
 * takes the user from there only (never from the body's user_id or from_user_id), commands of the
 * administration refuse a user and commands of users refuse the system (see {@link DbCommand.Senders}).
 * Who may read or change a group, a session, a message or an offline file is then decided by the
 * store against its stored members and owners, so a user can only ever read and change their own data.
 */
public class DbProxyVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DbProxyVerticle.class);

  /** Config key of the shared AES key (TeamTalk's aesKey). */
  public static final String AES_KEY = "aesKey";
  public static final String STORE = "store";
  /**
   * Config key: days after which offline-file records are forgotten, as the file server deletes the
   * files (file.retentionDays; 0 keeps them).
   */
  public static final String OFFLINE_FILE_RETENTION_DAYS = "offlineFileRetentionDays";
  static final long RETENTION_SWEEP_MS = 3600_000;
  /** Histogram buckets of tt_db_command_seconds. */
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(1000), Duration.ofMillis(5000)};
  static final long FAILURE_LOG_INTERVAL_MS = 5_000;

  private Store store;
  private final DbCommand.Table commands = new DbCommand.Table();
  private MessageConsumer<Buffer> consumer;
  private MessageConsumer<Buffer> ownConsumer;
  private PushAnswers pushAnswers;
  private BackupAnswers backupAnswers;
  private String address;
  private long retentionTimer;
  /** By command id, negated for failures. */
  private final Map<Integer, Timer> commandTimers = new HashMap<>();
  private final ThrottledLog failures = new ThrottledLog(log, FAILURE_LOG_INTERVAL_MS);
  /** Answer batches being gathered, by reply address, until the end of the current event-loop turn. */
  private final Map<String, Buffer> answersToSend = new LinkedHashMap<>();

  @Override
  public Future<?> start() {
    StoreOptions options = StoreOptions.fromJson(config().getJsonObject(STORE, new JsonObject()));
    byte[] audioPlaceholder = new MessageCipher(config().getString(AES_KEY, MessageCipher.DEFAULT_KEY))
        .encrypt("[语音]".getBytes(StandardCharsets.UTF_8));
    store = Stores.create(vertx, options);
    new LoginAnswers(store, store).register(commands);
    new BuddyAnswers(store, store, audioPlaceholder).register(commands);
    new MessageAnswers(store, store, audioPlaceholder).register(commands);
    new GroupAnswers(store).register(commands);
    new FileAnswers(store).register(commands);
    pushAnswers = new PushAnswers(store, store, store, store);
    new AdminAnswers(store, store, options.type()).register(commands);
    new AdminChatAnswers(store, store).register(commands);
    backupAnswers = new BackupAnswers(vertx, (BackupStore) store, options.backupDirectory());
    return store.start().compose(v -> {
      address = Addresses.dbInstance(UUID.randomUUID().toString());
      consumer = vertx.eventBus().consumer(Addresses.DB, this::handle);
      ownConsumer = vertx.eventBus().consumer(address, this::handle);
      return Future.all(consumer.completion(), ownConsumer.completion(), pushAnswers.start(vertx.eventBus()),
          backupAnswers.start());
    }).onSuccess(v -> {
      log.info("db proxy ready on the {} store", options.type());
      int retentionDays = config().getInteger(OFFLINE_FILE_RETENTION_DAYS, FileOptions.DEFAULT_RETENTION_DAYS);
      if (retentionDays > 0) {
        forgetExpiredOfflineFiles(retentionDays);
        retentionTimer = vertx.setPeriodic(RETENTION_SWEEP_MS, id -> forgetExpiredOfflineFiles(retentionDays));
      }
    });
  }

  private void forgetExpiredOfflineFiles(int retentionDays) {
    int cutoff = (int) (System.currentTimeMillis() / 1000 - retentionDays * 86_400L);
    store.removeOfflineFilesBefore(cutoff)
        .onSuccess(count -> {
          if (count > 0) {
            log.info("forgot {} offline files older than {} days", count, retentionDays);
          }
        })
        .onFailure(failure -> log.warn("forgetting expired offline files failed: {}", failure.getMessage()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(retentionTimer);
    Future<?> unregistered = consumer == null ? Future.succeededFuture()
        : Future.all(consumer.unregister(), ownConsumer.unregister(), pushAnswers.stop(), backupAnswers.stop());
    return unregistered.eventually(() -> store.close());
  }

  /**
   * A batch of requests from a msg instance: it learns this proxy's own address at once, then each
   * request is answered in turn; the answers that complete in the same event-loop turn go back together.
   */
  private void handle(Message<Buffer> message) {
    message.reply(address);
    Buffer batch = message.body();
    String replyTo = DbBatch.replyAddress(batch);
    DbBatch.forEachRequest(batch, request -> {
      int command = request.commandId();
      Future<? extends MessageLite> answer;
      DbCommand.Registered handler = commands.get(command);
      if (handler == null) {
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(), "db proxy has no command " + command));
        return;
      }
      if (!handler.senders().accept(request.actor())) {
        String refusal = "command 0x" + Integer.toHexString(command) + " refused for " + request.actor()
            + " (it is for " + handler.senders().name().toLowerCase(Locale.ROOT) + ")";
        failures.warn(refusal, refusal);
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(), refusal));
        return;
      }
      long startedAt = System.nanoTime();
      try {
        answer = handler.command().answer(request.actor(), request.body().getBytes());
      } catch (InvalidProtocolBufferException e) {
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(),
            "undecodable request for command " + command + ": " + e.getMessage()));
        return;
      } catch (RuntimeException e) {
        log.warn("command 0x{} failed: {}", Integer.toHexString(command), e.toString());
        answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(), String.valueOf(e.getMessage())));
        return;
      }
      answer.onComplete(ar -> {
        commandTimer(command, ar.succeeded()).record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
        if (ar.succeeded()) {
          byte[] response = ar.result().toByteArray();
          answerLater(replyTo, out -> DbBatch.appendAnswer(out, request.requestId(), response));
        } else {
          failures.warn(String.valueOf(ar.cause().getMessage()), "command 0x" + Integer.toHexString(command)
              + " failed: " + ar.cause());
          answerLater(replyTo, out -> DbBatch.appendFailure(out, request.requestId(),
              String.valueOf(ar.cause().getMessage())));
        }
      });
    });
  }

  /** How long the store took per command (TeamTalk's command id in hex) and outcome; each looked up once. */
  private Timer commandTimer(int command, boolean succeeded) {
    return commandTimers.computeIfAbsent(succeeded ? command : -command, key -> Timer.builder("tt_db_command_seconds").description("Time the db proxy took to answer, by command")
        .tag("command", "0x" + Integer.toHexString(command)).tag("outcome", succeeded ? "ok" : "failed")
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(ServerMetrics.registry()));
  }

  private void answerLater(String replyTo, Consumer<Buffer> append) {
    Buffer out = answersToSend.get(replyTo);
    if (out == null) {
      out = Buffer.buffer(1024);
      answersToSend.put(replyTo, out);
      if (answersToSend.size() == 1) {
        context.runOnContext(v -> sendAnswers());
      }
    }
    append.accept(out);
  }

  private void sendAnswers() {
    answersToSend.forEach((replyTo, answers) -> vertx.eventBus().send(replyTo, answers));
    answersToSend.clear();
  }
}
