package io.ttvertx.support;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.ttvertx.store.Stores;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * 1:1 chat traffic for fault tests: pairs of users, logged in as Windows clients, message each other
 * at a steady rate with unique texts ({@code "<from>-><to>#<n>"}) while the test breaks the server or
 * its storage. Every DATA_ACK the senders get is recorded; a message without one (a timeout, a closed
 * connection, a killed server) counts as unacknowledged and is never sent again. After each login a
 * user asks for its unread counts, as TeamTalk's clients do. A closed connection logs in again after a
 * short back-off (the server may be restarting) and its user goes on sending.
 * Receivers acknowledge each copy with DATA_ACK as clients do but never send READ_ACK, so everything
 * received stays unread. {@link ConversationAudit} checks afterwards what the server kept.
 *
 * <p>The first user of pair p connects to endpoint {@code p % endpoints}, the second to the next
 * endpoint, so with several endpoints (cluster nodes) every message crosses nodes. All the work runs
 * on one Vert.x event loop; the public methods are called from the test thread.
 */
public final class ChatTraffic {
  public static final String PASSWORD = "secret";
  private static final long HEARTBEAT_MS = 30_000;
  private static final long LOGIN_TIMEOUT_MS = 10_000;
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 1_000;
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Where a msg server listens. */
  public record Endpoint(String host, int port) {
  }

  /** Two users who message each other. */
  public record UserPair(String first, String second) {
  }

  /** A message the server acknowledged: sender, receiver, the id the server gave it, and its text. */
  public record AckedMessage(int fromUserId, int toUserId, int msgId, String text) {
  }

  private final Vertx vertx;
  private final Context context;
  private final NetClient netClient;
  private final List<UserPair> pairs;
  private final Map<String, User> users = new LinkedHashMap<>();
  private final List<AckedMessage> acked = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger relogins = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private double messagesPerSecond = 10;
  private int window = 4;
  private long ackTimeoutMs = 10_000;
  // the fields below are touched on the traffic's event loop only
  private boolean sending;
  private boolean stopped;
  private long heartbeatTimer = -1;
  private Promise<Void> drained;
  private Future<Void> stopping;

  private final class User {
    final String name;
    final Endpoint endpoint;
    User partner;
    TeamTalkClient client;
    int userId;
    int nextNumber = 1;
    int inFlight;
    long sendTimer = -1;

    User(String name, Endpoint endpoint) {
      this.name = name;
      this.endpoint = endpoint;
    }

    boolean online() {
      return client != null && !client.isClosed();
    }
  }

  /** A message sent and not yet settled: acknowledged, failed or timed out (whichever came first). */
  private static final class Outgoing {
    boolean settled;
  }

  public ChatTraffic(Vertx vertx, List<Endpoint> endpoints, List<UserPair> pairs) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no endpoint");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.netClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
    this.pairs = List.copyOf(pairs);
    for (int p = 0; p < pairs.size(); p++) {
      User first = new User(pairs.get(p).first(), endpoints.get(p % endpoints.size()));
      User second = new User(pairs.get(p).second(), endpoints.get((p + 1) % endpoints.size()));
      first.partner = second;
      second.partner = first;
      if (users.put(first.name, first) != null || users.put(second.name, second) != null) {
        throw new IllegalArgumentException("a user is in two pairs: " + pairs.get(p));
      }
    }
  }

  /** Messages each user sends per second (default 10). */
  public ChatTraffic messagesPerSecond(double rate) {
    this.messagesPerSecond = rate;
    return this;
  }

  /** Most messages a user has sent and not yet seen settled (default 4). */
  public ChatTraffic window(int window) {
    this.window = window;
    return this;
  }

  /** How long a message may wait for its DATA_ACK before it counts as unacknowledged (default 10 s). */
  public ChatTraffic ackTimeout(Duration timeout) {
    this.ackTimeoutMs = timeout.toMillis();
    return this;
  }

  /** Logs every user in (failing if one cannot), then starts sending; returns once the logins are done. */
  public ChatTraffic start() {
    awaitOnContext(() -> Future.all(users.values().stream().map(this::login).toList()).map(v -> {
      sending = true;
      long periodMs = Math.max(1, Math.round(1000 / messagesPerSecond));
      Random phases = new Random(1);
      // each user on a timer of its own, out of step with the others: messages are in flight at any moment
      users.values().forEach(user -> user.sendTimer = vertx.setPeriodic(1 + phases.nextInt((int) periodMs), periodMs,
          id -> sendNext(user)));
      heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat());
      return null;
    }), Duration.ofSeconds(60));
    return this;
  }

  /**
   * Stops sending and reconnecting, waits up to 30 s for the messages still in flight to be
   * acknowledged (or to fail), then closes every connection.
   */
  public void stop() {
    awaitOnContext(() -> {
      if (stopping == null) {
        sending = false;
        stopped = true;
        users.values().forEach(user -> vertx.cancelTimer(user.sendTimer));
        vertx.cancelTimer(heartbeatTimer);
        drained = Promise.promise();
        checkDrained();
        long deadline = vertx.setTimer(DRAIN_TIMEOUT.toMillis(), id -> drained.tryComplete());
        stopping = drained.future().compose(v -> {
          vertx.cancelTimer(deadline);
          List<Future<Void>> closing = new ArrayList<>();
          for (User user : users.values()) {
            if (user.client != null) {
              closing.add(user.client.close());
            }
          }
          return Future.join(closing).eventually(netClient::close).mapEmpty();
        });
      }
      return stopping;
    }, DRAIN_TIMEOUT.plusSeconds(15));
  }

  /** Every DATA_ACK received so far, in the order received. */
  public List<AckedMessage> acked() {
    synchronized (acked) {
      return List.copyOf(acked);
    }
  }

  /** How many DATA_ACKs were received so far. */
  public int ackedCount() {
    return acked.size();
  }

  /** Waits until {@code count} messages are acknowledged; {@code detail} is added to the failure's message. */
  public void awaitAcked(int count, Duration timeout, String when, Supplier<String> detail) {
    Poll.until(timeout, () -> count + " messages acknowledged " + when + ", only " + ackedCount() + detail.get(),
        () -> ackedCount() >= count);
  }

  /**
   * Creates the users named (password {@link #PASSWORD}) in the store {@code storeConfig} selects, from
   * this JVM, before the server runs: the embedded store is opened by one process at a time.
   */
  public static void createUsers(Vertx vertx, JsonObject storeConfig, Collection<String> names, String department) {
    Store store = Stores.create(vertx, StoreOptions.fromJson(storeConfig));
    List<NewUser> users = names.stream().map(name -> new NewUser(name, PASSWORD, name, department)).toList();
    try {
      Await.await(store.start().compose(v -> store.importUsers(users)));
    } finally {
      Await.await(store.close());
    }
  }

  /** Both users of every pair. */
  public static List<String> userNames(List<UserPair> pairs) {
    return pairs.stream().flatMap(pair -> Stream.of(pair.first(), pair.second())).toList();
  }

  /** Messages sent that got no DATA_ACK (after {@link #stop()}: that never got one). */
  public int unacknowledged() {
    return sent.get() - acked.size();
  }

  /** Messages sent and not yet acknowledged, failed or timed out, at this moment. */
  public int inFlight() {
    return inFlight.get();
  }

  public int sent() {
    return sent.get();
  }

  /** Copies of messages (CID_MSG_DATA) the receivers got. */
  public int received() {
    return received.get();
  }

  /** Logins after a closed connection. */
  public int relogins() {
    return relogins.get();
  }

  public List<UserPair> pairs() {
    return pairs;
  }

  /** The user ids the server gave at login, by user name. */
  public Map<String, Integer> userIds() {
    return awaitOnContext(() -> {
      Map<String, Integer> ids = new LinkedHashMap<>();
      users.values().forEach(user -> ids.put(user.name, user.userId));
      return Future.succeededFuture(ids);
    }, Duration.ofSeconds(5));
  }

  private Future<Void> login(User user) {
    return TeamTalkClient.connect(netClient, user.endpoint.host(), user.endpoint.port()).compose(client -> {
      long timeout = vertx.setTimer(LOGIN_TIMEOUT_MS, id -> client.close());
      return client.login(user.name, PASSWORD, IMBaseDefine.ClientType.CLIENT_TYPE_WINDOWS)
          .eventually(() -> {
            vertx.cancelTimer(timeout);
            return Future.succeededFuture();
          })
          .compose(response -> loggedIn(user, client, response), failure -> {
            client.close();
            return Future.failedFuture(failure);
          });
    });
  }

  private Future<Void> loggedIn(User user, TeamTalkClient client, IMLogin.IMLoginRes response) {
    if (response.getResultCode() != IMBaseDefine.ResultType.REFUSE_REASON_NONE) {
      client.close();
      return Future.failedFuture(user.name + " refused: " + response.getResultCode() + " " + response.getResultString());
    }
    if (stopped) {
      client.close();
      return Future.succeededFuture();
    }
    user.userId = response.getUserInfo().getUserId();
    user.client = client;
    client.pushHandler(pdu -> handlePush(user, client, pdu));
    client.closed().onComplete(v -> handleClosed(user, client));
    // as every TeamTalk client does after logging in (the answer is not needed here)
    client.request(IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(user.userId).build());
    return Future.succeededFuture();
  }

  private void handleClosed(User user, TeamTalkClient client) {
    if (user.client != client) {
      return;
    }
    user.client = null;
    scheduleRelogin(user, FIRST_BACKOFF_MS);
  }

  private void scheduleRelogin(User user, long backoffMs) {
    if (stopped) {
      return;
    }
    vertx.setTimer(backoffMs, id -> {
      if (stopped) {
        return;
      }
      login(user).onComplete(ar -> {
        if (ar.succeeded()) {
          relogins.incrementAndGet();
        } else {
          scheduleRelogin(user, Math.min(backoffMs * 2, MAX_BACKOFF_MS));
        }
      });
    });
  }

  private void sendNext(User user) {
    // a user offline or with a full window skips its turn rather than bursting later
    if (sending && user.online() && user.partner.userId != 0 && user.inFlight < window) {
      send(user);
    }
  }

  private void send(User user) {
    String text = user.name + "->" + user.partner.name + "#" + user.nextNumber++;
    IMMessage.IMMsgData message = IMMessage.IMMsgData.newBuilder()
        .setFromUserId(user.userId)
        .setToSessionId(user.partner.userId)
        .setMsgId(0)
        .setCreateTime(0)
        .setMsgType(IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT)
        .setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
    Outgoing outgoing = new Outgoing();
    user.inFlight++;
    inFlight.incrementAndGet();
    sent.incrementAndGet();
    long timeout = vertx.setTimer(ackTimeoutMs, id -> settle(user, outgoing));
    user.client.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, message).onComplete(ar -> {
      vertx.cancelTimer(timeout);
      // a DATA_ACK is recorded even when it comes after the timeout: the server did store it
      if (ar.succeeded() && ar.result().commandId() == MessageCmdID.CID_MSG_DATA_ACK_VALUE) {
        IMMessage.IMMsgDataAck ack = TeamTalkClient.parse(ar.result(), IMMessage.IMMsgDataAck.parser());
        acked.add(new AckedMessage(ack.getUserId(), ack.getSessionId(), ack.getMsgId(), text));
      }
      settle(user, outgoing);
    });
  }

  private void settle(User user, Outgoing outgoing) {
    if (outgoing.settled) {
      return;
    }
    outgoing.settled = true;
    user.inFlight--;
    inFlight.decrementAndGet();
    checkDrained();
  }

  private void checkDrained() {
    if (drained != null && users.values().stream().allMatch(user -> user.inFlight == 0)) {
      drained.tryComplete();
    }
  }

  private void handlePush(User receiver, TeamTalkClient client, Pdu pdu) {
    if (pdu.commandId() != MessageCmdID.CID_MSG_DATA_VALUE) {
      return;
    }
    received.incrementAndGet();
    IMMessage.IMMsgData copy = TeamTalkClient.parse(pdu, IMMessage.IMMsgData.parser());
    // the delivery ack clients send for every copy; never a READ_ACK, so all stays unread
    client.send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.newBuilder()
        .setUserId(receiver.userId)
        .setSessionId(copy.getFromUserId())
        .setMsgId(copy.getMsgId())
        .setSessionType(IMBaseDefine.SessionType.SESSION_TYPE_SINGLE)
        .build());
  }

  private void heartbeat() {
    for (User user : users.values()) {
      if (user.online()) {
        user.client.request(ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
            IMOther.IMHeartBeat.getDefaultInstance());
      }
    }
  }

  /** Runs {@code action} on the traffic's event loop and waits for the future it returns. */
  private <T> T awaitOnContext(java.util.function.Supplier<Future<T>> action, Duration timeout) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    try {
      return result.future().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("chat traffic: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("chat traffic: no result within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
