package io.ttvertx.file;

import com.google.protobuf.InvalidProtocolBufferException;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.FileCmdID;
import io.ttvertx.proto.IMBaseDefine.OtherCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PduParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket of the file server: owns its framing, login state, user, role and transfer, and
 * closes exactly once, telling its transfer. Until login succeeds only login and heartbeat frames are
 * accepted; anything else closes the connection.
 */
final class FileConnection {
  private static final Logger log = LoggerFactory.getLogger(FileConnection.class);

  /** How much may wait in a socket's write queue before the side feeding it stops being read. */
  static final int WRITE_QUEUE_BYTES = 1024 * 1024;

  enum State { AWAITING_LOGIN, LOGGING_IN, LOGGED_IN, CLOSED }

  private final long id;
  private final NetSocket socket;
  private final FileVerticle server;
  private final String remote;
  private final long connectedAt;
  private State state = State.AWAITING_LOGIN;
  private long lastReceivedAt;
  private int userId;
  private ClientFileRole role;
  private String taskId = "";
  private Transfer transfer;
  /** The peer whose reading waits until this connection's write queue drains. */
  private FileConnection readerWaitingForDrain;
  private Runnable afterDrain;
  private boolean paused;

  FileConnection(long id, NetSocket socket, FileVerticle server) {
    this.id = id;
    this.socket = socket;
    this.server = server;
    this.remote = String.valueOf(socket.remoteAddress());
    this.connectedAt = System.currentTimeMillis();
    this.lastReceivedAt = connectedAt;
  }

  void start(int maxFrameLength) {
    PduParser parser = new PduParser(maxFrameLength)
        .pduHandler(this::handlePdu)
        .errorHandler(reason -> close("malformed frame: " + reason));
    socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    socket.handler(parser);
    socket.drainHandler(v -> drained());
    socket.closeHandler(v -> close("closed by peer"));
    socket.exceptionHandler(e -> close("socket error: " + e.getMessage()));
  }

  /** The one place commands are dispatched: heartbeat at any time, login first, transfer commands after it. */
  private void handlePdu(Pdu pdu) {
    if (state == State.CLOSED) {
      return;
    }
    if (pdu.serviceId() == ServiceID.SID_OTHER_VALUE && pdu.commandId() == OtherCmdID.CID_OTHER_HEARTBEAT_VALUE) {
      // TeamTalk's file_server echoes the client's heartbeat; only transfer frames keep a connection from being idle
      write(FileFrames.heartbeat(pdu.seq()));
      return;
    }
    lastReceivedAt = System.currentTimeMillis();
    if (pdu.serviceId() != ServiceID.SID_FILE_VALUE) {
      close("unexpected " + pdu.describe());
      return;
    }
    try {
      if (pdu.commandId() == FileCmdID.CID_FILE_LOGIN_REQ_VALUE) {
        handleLogin(pdu, pdu.parse(IMFile.IMFileLoginReq.parser()));
        return;
      }
      if (state != State.LOGGED_IN) {
        close((state == State.LOGGING_IN ? "command before its login was answered: " : "command before login: ")
            + pdu.describe());
        return;
      }
      switch (pdu.commandId()) {
        case FileCmdID.CID_FILE_PULL_DATA_REQ_VALUE ->
            transfer.handlePullRequest(this, pdu, pdu.parse(IMFile.IMFilePullDataReq.parser()));
        case FileCmdID.CID_FILE_PULL_DATA_RSP_VALUE ->
            transfer.handlePullResponse(this, pdu, pdu.parse(IMFile.IMFilePullDataRsp.parser()));
        case FileCmdID.CID_FILE_STATE_VALUE -> transfer.handleState(this, pdu.parse(IMFile.IMFileState.parser()));
        default -> close("unexpected " + pdu.describe());
      }
    } catch (InvalidProtocolBufferException e) {
      close("undecodable body for " + pdu.describe() + ": " + e.getMessage());
    }
  }

  private void handleLogin(Pdu pdu, IMFile.IMFileLoginReq request) {
    if (state != State.AWAITING_LOGIN) {
      close("second login");
      return;
    }
    state = State.LOGGING_IN;
    server.admit(this, request).onComplete(ar -> {
      if (state == State.CLOSED) {
        if (ar.succeeded()) {
          ar.result().connectionClosed(this, "closed while logging in");
        }
        return;
      }
      if (ar.failed()) {
        log.info("file connection {} from {}: login of user {} to task {} as {} refused: {}", id, remote,
            request.getUserId(), abbreviate(request.getTaskId()), request.getFileRole(), ar.cause().getMessage());
        writeAndClose(FileFrames.loginResult(pdu.seq(), FileFrames.LOGIN_REFUSED, request.getTaskId()),
            "login refused");
        return;
      }
      userId = request.getUserId();
      role = request.getFileRole();
      taskId = request.getTaskId();
      transfer = ar.result();
      state = State.LOGGED_IN;
      write(FileFrames.loginResult(pdu.seq(), FileFrames.LOGIN_OK, taskId));
      log.info("file connection {} from {}: user {} in task {} as {}", id, remote, userId, taskId, role);
      transfer.start(this);
    });
  }

  void write(Buffer frame) {
    if (state != State.CLOSED) {
      socket.write(frame);
    }
  }

  /**
   * Writes {@code frame} to {@code target} for this connection's peer. When the target's write queue
   * is full this connection stops being read until it drains, so a fast side cannot make the server
   * hold what a slow side has not taken yet.
   */
  void relay(FileConnection target, Buffer frame) {
    target.write(frame);
    if (target.state != State.CLOSED && target.socket.writeQueueFull()) {
      pauseReading();
      target.readerWaitingForDrain = this;
    }
  }

  /** Runs {@code action} now, or once this connection's write queue has room again. */
  void whenWritable(Runnable action) {
    if (state == State.CLOSED) {
      return;
    }
    if (socket.writeQueueFull()) {
      afterDrain = action;
    } else {
      action.run();
    }
  }

  boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  private void drained() {
    FileConnection reader = readerWaitingForDrain;
    readerWaitingForDrain = null;
    if (reader != null) {
      reader.resumeReading();
    }
    Runnable action = afterDrain;
    afterDrain = null;
    if (action != null && state != State.CLOSED) {
      action.run();
    }
  }

  void pauseReading() {
    if (!paused && state != State.CLOSED) {
      paused = true;
      socket.pause();
    }
  }

  void resumeReading() {
    if (paused && state != State.CLOSED) {
      paused = false;
      socket.resume();
    }
  }

  /** Writes {@code frame} and closes once it is written (refusals, the end of a transfer). */
  void writeAndClose(Buffer frame, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    socket.write(frame).onComplete(ar -> close(reason));
  }

  /** Closes after {@code delayMs}, so that what was just written to it can be read (TeamTalk: about 1 s). */
  void closeLater(long delayMs, String reason) {
    if (state != State.CLOSED) {
      server.vertx().setTimer(delayMs, t -> close(reason));
    }
  }

  /** Closes the connection (once), logs why and tells its transfer. */
  void close(String reason) {
    if (state == State.CLOSED) {
      return;
    }
    State previous = state;
    state = State.CLOSED;
    afterDrain = null;
    if (readerWaitingForDrain != null) {
      readerWaitingForDrain.resumeReading();
      readerWaitingForDrain = null;
    }
    if (previous == State.LOGGED_IN) {
      log.info("file connection {} from {} (user {}, task {}, {}) closed: {}", id, remote, userId, taskId, role, reason);
    } else {
      log.info("file connection {} from {} closed before login: {}", id, remote, reason);
    }
    server.removeConnection(this);
    socket.close();
    if (transfer != null) {
      transfer.connectionClosed(this, reason);
    }
  }

  /** Closes the connection when it has not logged in in time, or has been silent too long. */
  void closeIfIdle(long now, long loginTimeoutMs, long idleTimeoutMs) {
    if ((state == State.AWAITING_LOGIN || state == State.LOGGING_IN) && now - connectedAt > loginTimeoutMs) {
      close("no login within " + loginTimeoutMs / 1000 + " s");
    } else if (state == State.LOGGED_IN && now - lastReceivedAt > idleTimeoutMs) {
      close("silent for more than " + idleTimeoutMs / 1000 + " s");
    }
  }

  /** A client's task id for a log line: task ids are 36 characters, a client may send anything. */
  static String abbreviate(String taskId) {
    return taskId.length() <= 40 ? taskId : taskId.substring(0, 40) + "...(" + taskId.length() + " characters)";
  }

  long id() { return id; }
  int userId() { return userId; }
  ClientFileRole role() { return role; }
  String taskId() { return taskId; }
  boolean isClosed() { return state == State.CLOSED; }
}
