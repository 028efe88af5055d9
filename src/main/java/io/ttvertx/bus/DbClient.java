package io.ttvertx.bus;

import com.google.protobuf.MessageLite;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Asks the db proxy over the event bus on behalf of one verticle instance (msg, http_msg): TeamTalk
 * request messages in, response messages out, as bytes. The requests of one event-loop turn travel as
 * one {@link DbBatch}, and answers come back in batches to this instance's reply address. The first
 * batch goes to a db proxy of this node, or when the node runs none to any in the cluster, which
 * answers with its own address; later batches all go there, so one db proxy sees this instance's
 * requests in the order they were made (a connection's pipelined messages keep their order even with
 * several db proxies). If that proxy goes away, the next batch picks another.
 */
public final class DbClient {
  static final long SWEEP_MS = 1_000;

  private record Pending(Promise<Buffer> promise, long sentAt) {
  }

  private final Vertx vertx;
  private final Context context;
  private final EventBus bus;
  private final String replyAddress;
  private final long timeoutMs;
  private final Map<Integer, Pending> pending = new LinkedHashMap<>();
  /** Batches not yet sent: they wait while no db proxy has been chosen. */
  private final ArrayDeque<Buffer> unsent = new ArrayDeque<>();
  private Buffer openBatch;
  private String dbAddress;
  private boolean choosingDb;
  /** Whether this node was found to run no db proxy, so the choice is made among the cluster's. */
  private boolean noLocalDb;
  private int nextRequestId;
  private MessageConsumer<Buffer> answers;
  private long sweepTimer;

  public DbClient(Vertx vertx, Context context, String replyAddress, long timeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.bus = vertx.eventBus();
    this.replyAddress = replyAddress;
    this.timeoutMs = timeoutMs;
  }

  public Future<Void> start() {
    answers = bus.consumer(replyAddress, this::handleAnswers);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> failOverdue());
    return answers.completion();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(sweepTimer);
    failAll("msg instance stopping");
    return answers.unregister();
  }

  /**
   * Sends {@code request} under {@code commandId} on behalf of {@code actor} (the db proxy takes the
   * acting user from there, never from the request); completes with the response's protobuf bytes.
   */
  public Future<Buffer> request(int commandId, Actor actor, MessageLite request) {
    int requestId = nextRequestId++;
    Promise<Buffer> promise = Promise.promise();
    pending.put(requestId, new Pending(promise, System.currentTimeMillis()));
    if (openBatch == null) {
      openBatch = DbBatch.newRequests(replyAddress);
      context.runOnContext(v -> closeBatch());
    }
    DbBatch.appendRequest(openBatch, requestId, commandId, actor, request.toByteArray());
    return promise.future();
  }

  private void closeBatch() {
    unsent.add(openBatch);
    openBatch = null;
    sendBatches();
  }

  private void sendBatches() {
    while (!unsent.isEmpty() && !choosingDb) {
      Buffer batch = unsent.poll();
      String target = dbAddress == null ? Addresses.DB : dbAddress;
      choosingDb = dbAddress == null;
      boolean localOnly = choosingDb && !noLocalDb;
      DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(localOnly);
      bus.<String>request(target, batch, delivery).onComplete(ar -> {
        if (ar.succeeded()) {
          if (target.equals(Addresses.DB)) {
            dbAddress = ar.result().body();
            choosingDb = false;
            sendBatches();
          }
          return;
        }
        boolean proxyGone = ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS;
        if (target.equals(Addresses.DB)) {
          choosingDb = false;
          if (localOnly && proxyGone) {
            noLocalDb = true;
            unsent.addFirst(batch);
          } else {
            noLocalDb = false;
            failBatch(batch, proxyGone ? "no db proxy is running" : ar.cause().getMessage());
          }
        } else if (proxyGone) {
          // the chosen proxy never got it: it goes again, to whichever proxy is chosen next
          if (target.equals(dbAddress)) {
            dbAddress = null;
          }
          unsent.addFirst(batch);
        } else {
          failBatch(batch, ar.cause().getMessage());
        }
        sendBatches();
      });
    }
  }

  private void handleAnswers(Message<Buffer> message) {
    DbBatch.forEachAnswer(message.body(), answer -> {
      Pending waiting = pending.remove(answer.requestId());
      if (waiting == null) {
        return;
      }
      if (answer.failed()) {
        waiting.promise().fail(answer.reason());
      } else {
        waiting.promise().complete(answer.body());
      }
    });
  }

  private void failBatch(Buffer batch, String reason) {
    DbBatch.forEachRequest(batch, request -> {
      Pending waiting = pending.remove(request.requestId());
      if (waiting != null) {
        waiting.promise().fail(reason);
      }
    });
  }

  /** Requests are kept in the order they were made, so the sweep stops at the first that is not overdue. */
  private void failOverdue() {
    long now = System.currentTimeMillis();
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      Pending waiting = it.next();
      if (now - waiting.sentAt() < timeoutMs) {
        break;
      }
      it.remove();
      waiting.promise().fail("no answer from the db proxy within " + timeoutMs + " ms");
    }
  }

  private void failAll(String reason) {
    pending.values().forEach(waiting -> waiting.promise().fail(reason));
    pending.clear();
  }
}
