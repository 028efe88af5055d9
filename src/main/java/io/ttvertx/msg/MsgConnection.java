package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.ttvertx.config.LimitOptions;
import io.ttvertx.protocol.ClientTypes;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SwitchServiceCmdID;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client link (TCP or WebSocket, through {@link MsgTransport}): owns its login state, user, client
 * type and activity time, and closes exactly once, telling route and the verticle. Until login
 * succeeds only login and heartbeat frames are accepted; anything else closes the connection.
 */
final class MsgConnection {
  private static final Logger log = LoggerFactory.getLogger(MsgConnection.class);

  /** Requests to the db proxy a connection may have outstanding before its socket stops being read. */
  static final int MAX_PENDING_REQUESTS = 256;
  /**
   * Bytes written for a client while its socket's write queue stays full: past this the client is
   * taken as stuck and closed, so it cannot make the server hold others' messages for it without
   * bound (they are stored; it finds them as unread when it comes back).
   */
  static final int MAX_SEND_BACKLOG = 4 * 1024 * 1024;

  enum State { AWAITING_LOGIN, LOGGING_IN, ONLINE, CLOSED }

  private final long id;
  private final MsgTransport socket;
  private final MsgVerticle server;
  private final String remote;
  private final String remoteHost;
  private final long connectedAt;
  private State state = State.AWAITING_LOGIN;
  private int userId;
  private int clientType;
  private long lastReceivedAt;
  private int pendingRequests;
  private boolean tooManyPending;
  private boolean writesQueued;
  private long backlogBytes;
  private boolean readingPaused;
  private final TokenBucket messageRate;
  private final TokenBucket requestRate;
  private final TokenBucket p2pRate;
  /** While the client is over one of its rates, its socket is not read until this time. */
  private long slowedUntil;
  private long slowDownTimer = -1;
  /** Frames written since the last flush; the first one is shared with other connections until a second arrives. */
  private Buffer outbox;
  private boolean outboxOwned;
  private Future<Void> changes = Future.succeededFuture();
  private Future<Void> nonMessageChanges = Future.succeededFuture();

  MsgConnection(long id, MsgTransport socket, MsgVerticle server) {
    this.id = id;
    this.socket = socket;
    this.server = server;
    this.remote = socket.remoteAddress();
    this.remoteHost = socket.remoteHost();
    this.connectedAt = System.currentTimeMillis();
    this.lastReceivedAt = connectedAt;
    LimitOptions limits = server.options().limits();
    this.messageRate = new TokenBucket(limits.messagesPerSecond(), limits.messageBurst(), connectedAt);
    this.requestRate = new TokenBucket(limits.requestsPerSecond(), limits.requestBurst(), connectedAt);
    this.p2pRate = new TokenBucket(limits.p2pPerSecond(), limits.p2pBurst(), connectedAt);
  }

  void start(int maxFrameLength) {
    socket.start(maxFrameLength, this::handlePdu, this::close);
  }

  private void handlePdu(Pdu pdu) {
    if (state == State.CLOSED) {
      return;
    }
    lastReceivedAt = System.currentTimeMillis();
    if (pdu.serviceId() == ServiceID.SID_OTHER_VALUE && pdu.commandId() == OtherCmdID.CID_OTHER_HEARTBEAT_VALUE) {
      // TeamTalk echoes the client's heartbeat and never starts one itself
      write(Pdu.encode(ServiceID.SID_OTHER_VALUE, OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, pdu.seq(), EmptyBody.INSTANCE));
      return;
    }
    try {
      server.commands().dispatch(this, pdu);
    } catch (InvalidProtocolBufferException e) {
      close("undecodable body for " + pdu.describe() + ": " + e.getMessage());
    }
  }

  /** Sends a response to {@code request}: same seq, the given ids, {@code body} encoded. */
  void reply(Pdu request, int serviceId, int commandId, MessageLite body) {
    write(Pdu.encode(serviceId, commandId, request.seq(), body));
  }

  /** Sends a response whose protobuf body is already encoded (as the db proxy returns it). */
  void replyRaw(Pdu request, int serviceId, int commandId, Buffer body) {
    write(new Pdu(Pdu.VERSION, 0, serviceId, commandId, request.seq(), 0, body).encode());
  }

  /**
   * Queues a frame; the verticle flushes every connection's queued frames once the event-loop tasks
   * already waiting have run, so the acks and copies that arrive together cost one system call.
   */
  void write(Buffer frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (outbox == null) {
      outbox = frame;
      outboxOwned = false;
      server.flushLater(this);
    } else {
      if (!outboxOwned) {
        outbox = Buffer.buffer(Math.max(256, 2 * (outbox.length() + frame.length()))).appendBuffer(outbox);
        outboxOwned = true;
      }
      outbox.appendBuffer(frame);
    }
  }

  /**
   * Writes the queued frames. A client that does not read what it is sent (its socket's write queue
   * is full) stops being read until the queue drains, and is closed when {@link #MAX_SEND_BACKLOG}
   * more bytes pile up for it meanwhile, so it cannot make the server buffer without bound.
   */
  void flush() {
    Buffer frames = outbox;
    if (frames == null) {
      return;
    }
    outbox = null;
    if (writesQueued && (backlogBytes += frames.length()) > MAX_SEND_BACKLOG) {
      close("not reading what it is sent: over " + MAX_SEND_BACKLOG / (1024 * 1024) + " MiB waiting");
      return;
    }
    socket.write(frames);
    if (!writesQueued && state != State.CLOSED && socket.writeQueueFull()) {
      writesQueued = true;
      socket.drainHandler(v -> {
        writesQueued = false;
        backlogBytes = 0;
        updateReading();
      });
      updateReading();
    }
  }

  /** Counts a request sent on this connection's behalf; reading pauses while too many are pending. */
  void requestStarted() {
    server.requestStarted();
    if (++pendingRequests >= MAX_PENDING_REQUESTS && !tooManyPending) {
      tooManyPending = true;
      updateReading();
    }
  }

  void requestFinished() {
    server.requestFinished();
    if (--pendingRequests <= MAX_PENDING_REQUESTS / 2 && tooManyPending) {
      tooManyPending = false;
      updateReading();
    }
  }

  /**
   * Counts a command of a logged-in client against its rate: messages, peer-to-peer commands and the
   * other requests each have their own. Over the rate the command is still handled; the socket is
   * then not read until the rate allows again, so the client's further sends wait in its TCP buffers.
   * Delivery acks are free: a client sends one per message it receives, and they cost nothing.
   */
  void countCommand(int serviceId, int commandId) {
    long now = System.currentTimeMillis();
    if (commandId == MessageCmdID.CID_MSG_DATA_ACK_VALUE) {
      return;
    }
    if (serviceId == ServiceID.SID_MSG_VALUE && commandId == MessageCmdID.CID_MSG_DATA_VALUE) {
      slowDown(messageRate.take(now), RateLimit.MESSAGES);
    } else if (commandId == SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE) {
      slowDown(p2pRate.take(now), RateLimit.P2P);
    } else {
      slowDown(requestRate.take(now), RateLimit.REQUESTS);
    }
  }

  private void slowDown(long waitMs, RateLimit limit) {
    if (waitMs == 0 || state == State.CLOSED) {
      return;
    }
    server.limits().hit(limit, "connection " + id + " (user " + userId + ") from " + remote);
    long until = System.currentTimeMillis() + waitMs;
    if (until <= slowedUntil) {
      return;
    }
    slowedUntil = until;
    if (slowDownTimer >= 0) {
      server.vertx().cancelTimer(slowDownTimer);
    }
    slowDownTimer = server.vertx().setTimer(waitMs, t -> {
      slowDownTimer = -1;
      slowedUntil = 0;
      updateReading();
    });
    updateReading();
  }

  /**
   * Pauses or resumes reading: paused while the client does not read, has too much pending, is over
   * its rate, or the db proxy is behind.
   */
  void updateReading() {
    if (state == State.CLOSED) {
      return;
    }
    boolean pause = tooManyPending || writesQueued || slowedUntil != 0 || server.isOverloaded();
    if (pause && !readingPaused) {
      readingPaused = true;
      socket.pause();
    } else if (!pause && readingPaused) {
      readingPaused = false;
      socket.resume();
    }
  }

  /** Completes once every data-changing request sent so far on this connection has been answered. */
  Future<Void> afterChanges() {
    return changes;
  }

  /** Completes once every data-changing request but the messages sent so far has been answered. */
  Future<Void> afterNonMessageChanges() {
    return nonMessageChanges;
  }

  /** Records a data-changing request; see {@link CommandHandlers.Order} for who waits for it. */
  void changeSent(Future<?> answer, boolean message) {
    Future<Void> done = answer.transform(ar -> Future.succeededFuture());
    if (message) {
      changes = changes.isComplete() ? done : Future.join(changes, done).transform(ar -> Future.succeededFuture());
    } else {
      // it was sent after every earlier change was answered
      changes = done;
      nonMessageChanges = done;
    }
  }

  /** Writes {@code frame} and closes once it is flushed (login refusal, logout, kick). */
  void writeAndClose(Buffer frame, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    flush();
    socket.write(frame).onComplete(ar -> close(reason));
  }

  /** Closes the connection (once) and logs why; a logged-in user is taken off route. */
  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    State previous = state;
    state = State.CLOSED;
    server.metrics().closed(reason);
    if (previous == State.ONLINE) {
      log.info("connection {} from {} (user {}, client type {}) closed: {}", id, remote, userId, clientType, reason);
      server.metrics().loggedOut(clientType);
      server.route().offline(userId, id);
    } else {
      log.info("connection {} from {} closed before login: {}", id, remote, reason);
    }
    server.removeConnection(this);
    if (slowDownTimer >= 0) {
      server.vertx().cancelTimer(slowDownTimer);
    }
    flush();
    socket.close(reason);
  }

  /** Closes the connection when it has been silent too long; returns true when it did. */
  boolean closeIfIdle(long now, long loginTimeoutMs, long pcIdleMs, long mobileIdleMs) {
    switch (state) {
      case AWAITING_LOGIN, LOGGING_IN -> {
        if (now - connectedAt > loginTimeoutMs) {
          close("no login within " + loginTimeoutMs / 1000 + " s");
          return true;
        }
      }
      case ONLINE -> {
        long limit = ClientTypes.isMobile(clientType) ? mobileIdleMs : pcIdleMs;
        if (now - lastReceivedAt > limit) {
          close("idle for more than " + limit / 1000 + " s");
          return true;
        }
      }
      default -> { }
    }
    return false;
  }

  void loggingIn() {
    state = State.LOGGING_IN;
  }

  void loggedIn(int userId, int clientType) {
    this.userId = userId;
    this.clientType = clientType;
    this.state = State.ONLINE;
    server.metrics().loggedIn(clientType);
  }

  long id() { return id; }
  int userId() { return userId; }
  int clientType() { return clientType; }
  State state() { return state; }
  boolean isOnline() { return state == State.ONLINE; }
  boolean isClosed() { return state == State.CLOSED; }
  String remote() { return remote; }
  /** Whether the client is a browser (the web client's WebSocket). */
  boolean isWeb() { return socket instanceof WebSocketTransport; }
  /** The client's IP address, without the port. */
  String remoteHost() { return remoteHost; }
}
