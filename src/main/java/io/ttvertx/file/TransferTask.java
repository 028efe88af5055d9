package io.ttvertx.file;

import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;

import java.util.ArrayDeque;

/**
 * A transfer task that FILE_TASK created: who sends what to whom, and how. An online task relays
 * between its sender and receiver connections (nothing is stored); an offline one is the upload
 * until it is complete. The task ends when its transfer does, a side leaves, or it is idle too long.
 */
final class TransferTask implements Transfer {
  /**
   * Pull requests the receiver may have waiting for the sender's answers. TeamTalk clients pull one
   * segment at a time; this bounds what a client that does not could make the server remember.
   */
  static final int MAX_PENDING_PULLS = 64;

  private final FileVerticle server;
  private final String taskId;
  private final int from;
  private final int to;
  private final String fileName;
  private final long fileSize;
  private final TransferFileType mode;
  private final long createdAt;
  private long lastActivityAt;
  private FileConnection sender;
  private FileConnection receiver;
  private boolean peerReadySent;
  private boolean ended;
  /** The seqs of the receiver's pull requests not yet answered, oldest first (answers take them in order). */
  private final ArrayDeque<Integer> pendingPullSeqs = new ArrayDeque<>();

  TransferTask(FileVerticle server, String taskId, int from, int to, String fileName, long fileSize,
               TransferFileType mode) {
    this.server = server;
    this.taskId = taskId;
    this.from = from;
    this.to = to;
    this.fileName = fileName;
    this.fileSize = fileSize;
    this.mode = mode;
    this.createdAt = System.currentTimeMillis();
    this.lastActivityAt = createdAt;
  }

  /** Takes {@code connection} in as the sender or the receiver; the caller has checked role and user. */
  void join(FileConnection connection, boolean asSender) {
    if (asSender) {
      sender = connection;
    } else {
      receiver = connection;
    }
    touch();
  }

  boolean hasSender() { return sender != null; }
  boolean hasReceiver() { return receiver != null; }

  @Override
  public void start(FileConnection connection) {
    // TeamTalk (transfer_task.cpp): once both sides are in, the receiver is told, with the sender's id
    if (sender != null && receiver != null && !peerReadySent) {
      peerReadySent = true;
      receiver.write(FileFrames.state(ClientFileState.CLIENT_FILE_PEER_READY, taskId, from));
    }
  }

  @Override
  public void handlePullRequest(FileConnection connection, Pdu frame, IMFile.IMFilePullDataReq request) {
    if (connection != receiver) {
      connection.close("pull request from the sender of an online transfer");
    } else if (!taskId.equals(request.getTaskId())) {
      connection.close("pull request for another task: " + FileConnection.abbreviate(request.getTaskId()));
    } else if (sender == null) {
      connection.close("pull request before the sender joined");
    } else if (request.getDataSize() > server.largestSegment()) {
      connection.close("pull request for " + request.getDataSize() + " bytes, over the " + server.largestSegment()
          + " a frame carries");
    } else if (pendingPullSeqs.size() >= MAX_PENDING_PULLS) {
      connection.close("more than " + MAX_PENDING_PULLS + " pull requests unanswered");
    } else {
      touch();
      pendingPullSeqs.add(frame.seq());
      // TeamTalk relays the request unchanged
      connection.relay(sender, frame.encode());
    }
  }

  @Override
  public void handlePullResponse(FileConnection connection, Pdu frame, IMFile.IMFilePullDataRsp response) {
    if (connection != sender) {
      connection.close("pull answer from the receiver of an online transfer");
    } else if (!taskId.equals(response.getTaskId())) {
      connection.close("pull answer for another task: " + FileConnection.abbreviate(response.getTaskId()));
    } else if (pendingPullSeqs.isEmpty()) {
      connection.close("pull answer nobody asked for");
    } else {
      touch();
      // TeamTalk sends the answer to the receiver with its request's seq
      connection.relay(receiver, FileFrames.withSeq(frame, pendingPullSeqs.poll()));
    }
  }

  @Override
  public void handleState(FileConnection connection, IMFile.IMFileState state) {
    ClientFileState value = state.getState();
    if (!taskId.equals(state.getTaskId())) {
      connection.close("state for another task: " + FileConnection.abbreviate(state.getTaskId()));
      return;
    }
    if (value != ClientFileState.CLIENT_FILE_CANCEL && value != ClientFileState.CLIENT_FILE_REFUSE
        && value != ClientFileState.CLIENT_FILE_DONE) {
      connection.close("unexpected state " + value);
      return;
    }
    FileConnection peer = connection == sender ? receiver : sender;
    if (peer != null) {
      peer.write(FileFrames.state(value, taskId, state.getUserId()));
    }
    server.endTask(this, value + " from user " + connection.userId());
  }

  @Override
  public void connectionClosed(FileConnection connection, String reason) {
    server.endTask(this, "user " + connection.userId() + " left: " + reason);
  }

  /**
   * Ends the task once: the connections go, the peer of whoever ended it a moment later so that it can
   * read the state it was just sent (TeamTalk closes the online partner within about a second).
   */
  boolean end(String reason) {
    if (ended) {
      return false;
    }
    ended = true;
    for (FileConnection connection : new FileConnection[] {sender, receiver}) {
      if (connection != null && !connection.isClosed()) {
        connection.closeLater(FileVerticle.PEER_CLOSE_DELAY_MS, "task ended: " + reason);
      }
    }
    return true;
  }

  void touch() {
    lastActivityAt = System.currentTimeMillis();
  }

  boolean idleSince(long cutoff) {
    return lastActivityAt < cutoff;
  }

  String taskId() { return taskId; }
  int from() { return from; }
  int to() { return to; }
  String fileName() { return fileName; }
  long fileSize() { return fileSize; }
  TransferFileType mode() { return mode; }
  long createdAt() { return createdAt; }
  boolean isEnded() { return ended; }
}
