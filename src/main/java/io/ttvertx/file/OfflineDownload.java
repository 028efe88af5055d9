package io.ttvertx.file;

import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;

/**
 * An offline download (role OFFLINE_DOWNLOAD) of a complete file in the shared storage, so any node's
 * file server can serve it, as often as asked. As in TeamTalk each pull must ask for the next offset
 * and is answered with the next 32 KiB segment whatever size it asks; the last one is followed by
 * STATE{DONE, user_id = sender}, sent only when the bytes served hash to what the upload stored.
 */
final class OfflineDownload implements Transfer {
  private static final Logger log = LoggerFactory.getLogger(OfflineDownload.class);

  /** Pull requests a downloader may send ahead of the answers; TeamTalk clients send one at a time. */
  static final int MAX_QUEUED_PULLS = 16;

  private record PullRequest(int seq, IMFile.IMFilePullDataReq request) {
  }

  private final Vertx vertx;
  private final OfflineFiles files;
  private final OfflineFiles.Description description;
  private final String dataKey;
  private final MessageDigest sha256;
  private final ArrayDeque<PullRequest> queued = new ArrayDeque<>();
  private boolean serving;
  private long nextOffset;
  /** The stored file kept open for the download, when the storage is a local directory. */
  private Future<AsyncFile> localFile;

  OfflineDownload(Vertx vertx, OfflineFiles files, OfflineFiles.Description description) {
    this.vertx = vertx;
    this.files = files;
    this.description = description;
    this.dataKey = OfflineFiles.dataKey(description.taskId());
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void start(FileConnection connection) {
    // the downloader pulls
  }

  @Override
  public void handlePullRequest(FileConnection connection, Pdu frame, IMFile.IMFilePullDataReq request) {
    if (queued.size() >= MAX_QUEUED_PULLS) {
      connection.close("more than " + MAX_QUEUED_PULLS + " pull requests unanswered");
      return;
    }
    queued.add(new PullRequest(frame.seq(), request));
    if (!serving) {
      serveNext(connection);
    }
  }

  private void serveNext(FileConnection connection) {
    PullRequest next = queued.poll();
    if (next == null || connection.isClosed()) {
      serving = false;
      return;
    }
    serving = true;
    IMFile.IMFilePullDataReq request = next.request();
    long offset = Integer.toUnsignedLong(request.getOffset());
    if (!description.taskId().equals(request.getTaskId())) {
      connection.close("pull request for another task: " + FileConnection.abbreviate(request.getTaskId()));
      return;
    }
    if (offset != nextOffset || offset >= description.fileSize()) {
      connection.close("pull request at offset " + offset + ", expected " + nextOffset + " of "
          + description.fileSize());
      return;
    }
    int length = (int) Math.min(OfflineUpload.SEGMENT_SIZE, description.fileSize() - offset);
    readSegment(offset, length).onComplete(ar -> {
      if (connection.isClosed()) {
        return;
      }
      if (ar.failed() || ar.result().length() != length) {
        log.warn("offline file {}: reading {} bytes at {} failed: {}", description.taskId(), length, offset,
            ar.failed() ? ar.cause().getMessage() : "got " + ar.result().length());
        connection.close("stored file unreadable");
        return;
      }
      byte[] segment = ar.result().getBytes();
      sha256.update(segment);
      nextOffset = offset + length;
      connection.write(FileFrames.pullResponse(next.seq(), description.taskId(), connection.userId(), offset,
          segment));
      if (nextOffset < description.fileSize()) {
        connection.whenWritable(() -> serveNext(connection));
        return;
      }
      String served = HexFormat.of().formatHex(sha256.digest());
      if (!served.equals(description.sha256())) {
        log.warn("offline file {}: stored bytes hash to {}, the upload to {}: not confirming the download",
            description.taskId(), served, description.sha256());
        connection.close("stored file damaged");
        return;
      }
      connection.writeAndClose(FileFrames.state(ClientFileState.CLIENT_FILE_DONE, description.taskId(),
          description.from()), "download complete");
    });
  }

  /** From the file opened once when the storage is a local directory (one open per segment costs half the speed). */
  private Future<Buffer> readSegment(long offset, int length) {
    Path local = files.storage().localFile(dataKey);
    if (local == null) {
      return files.storage().read(dataKey, offset, length);
    }
    if (localFile == null) {
      localFile = vertx.fileSystem().open(local.toString(), new OpenOptions().setRead(true).setWrite(false)
          .setCreate(false));
    }
    return localFile.compose(file -> file.read(Buffer.buffer(length), 0, offset, length));
  }

  @Override
  public void handlePullResponse(FileConnection connection, Pdu frame, IMFile.IMFilePullDataRsp response) {
    connection.close("data from a downloader");
  }

  @Override
  public void handleState(FileConnection connection, IMFile.IMFileState state) {
    connection.close("downloader sent " + state.getState());
  }

  @Override
  public void connectionClosed(FileConnection connection, String reason) {
    queued.clear();
    if (localFile != null) {
      localFile.onSuccess(AsyncFile::close);
    }
  }
}
