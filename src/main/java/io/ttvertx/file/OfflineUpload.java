package io.ttvertx.file;

import io.ttvertx.proto.IMBaseDefine.ClientFileState;
import io.ttvertx.proto.IMFile;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * An offline upload (role OFFLINE_UPLOAD): the server pulls the file from the uploader segment by
 * segment, as TeamTalk's file_server does, into a spool file while hashing it, and keeps it in the
 * storage only once complete. A cut upload leaves nothing behind.
 */
final class OfflineUpload implements Transfer {
  private static final Logger log = LoggerFactory.getLogger(OfflineUpload.class);

  /** TeamTalk's segment size for offline files, both ways. */
  static final int SEGMENT_SIZE = 32 * 1024;

  private enum Phase { OPENING, RECEIVING, STORING, STORED, ABANDONED }

  private final FileVerticle server;
  private final TransferTask task;
  private final OfflineFiles files;
  private final Path spoolFile;
  private final MessageDigest sha256;
  private Phase phase = Phase.OPENING;
  private AsyncFile file;
  private FileConnection uploader;
  private long nextOffset;
  /** The length of the segment asked for and not yet received; 0 when none is asked for. */
  private int awaitedSize;

  OfflineUpload(FileVerticle server, TransferTask task, OfflineFiles files) {
    this.server = server;
    this.task = task;
    this.files = files;
    this.spoolFile = files.storage().spoolDirectory().resolve("upload-" + task.taskId() + "-" + UUID.randomUUID());
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void start(FileConnection connection) {
    uploader = connection;
    server.vertx().fileSystem().open(spoolFile.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("offline upload {}: cannot open a spool file in {}: {}", task.taskId(), spoolFile.getParent(),
                ar.cause().getMessage());
            connection.close("no spool file");
            return;
          }
          file = ar.result();
          if (phase == Phase.ABANDONED) {
            discard();
            return;
          }
          phase = Phase.RECEIVING;
          requestNext();
        });
  }

  /** TeamTalk: PULL_DATA_REQ{user_id = uploader, offline, offset n * 32768, size min(32768, rest)}. */
  private void requestNext() {
    if (phase != Phase.RECEIVING) {
      return;
    }
    awaitedSize = (int) Math.min(SEGMENT_SIZE, task.fileSize() - nextOffset);
    uploader.write(FileFrames.pullRequest(task.taskId(), task.from(), nextOffset, awaitedSize));
  }

  @Override
  public void handlePullResponse(FileConnection connection, Pdu frame, IMFile.IMFilePullDataRsp response) {
    int length = response.getFileData().size();
    if (phase != Phase.RECEIVING || awaitedSize == 0) {
      connection.close("upload data nobody asked for");
    } else if (!task.taskId().equals(response.getTaskId())) {
      connection.close("upload data for another task: " + FileConnection.abbreviate(response.getTaskId()));
    } else if (response.getResultCode() != 0) {
      connection.close("uploader reported failure " + response.getResultCode());
    } else if (Integer.toUnsignedLong(response.getOffset()) != nextOffset) {
      connection.close("upload segment at offset " + Integer.toUnsignedLong(response.getOffset()) + ", expected "
          + nextOffset);
    } else if (length != awaitedSize) {
      connection.close("upload segment of " + length + " bytes at offset " + nextOffset + ", expected " + awaitedSize);
    } else {
      task.touch();
      sha256.update(response.getFileData().asReadOnlyByteBuffer());
      file.write(Buffer.buffer(response.getFileData().toByteArray()));
      nextOffset += length;
      awaitedSize = 0;
      if (nextOffset == task.fileSize()) {
        finish();
      } else if (file.writeQueueFull()) {
        file.drainHandler(v -> requestNext());
      } else {
        requestNext();
      }
    }
  }

  private void finish() {
    phase = Phase.STORING;
    OfflineFiles.Description description = new OfflineFiles.Description(task.taskId(), task.from(), task.to(),
        task.fileName(), task.fileSize(), HexFormat.of().formatHex(sha256.digest()), System.currentTimeMillis());
    file.close()
        .compose(v -> files.keep(description, spoolFile))
        .onComplete(ar -> {
          if (ar.failed()) {
            log.warn("offline upload {}: storing failed: {}", task.taskId(), ar.cause().getMessage());
            phase = Phase.ABANDONED;
            server.vertx().fileSystem().delete(spoolFile.toString());
            uploader.close("storing the file failed");
            server.endTask(task, "storing failed");
            return;
          }
          phase = Phase.STORED;
          log.info("offline file {} from user {} to user {} stored: {} bytes, sha256 {}", task.taskId(), task.from(),
              task.to(), task.fileSize(), description.sha256());
          server.endTask(task, "upload complete");
          // TeamTalk: STATE{DONE, user_id = uploader}, then the connection is closed
          uploader.writeAndClose(FileFrames.state(ClientFileState.CLIENT_FILE_DONE, task.taskId(), task.from()),
              "upload complete");
        });
  }

  @Override
  public void handlePullRequest(FileConnection connection, Pdu frame, IMFile.IMFilePullDataReq request) {
    connection.close("pull request from an uploader");
  }

  @Override
  public void handleState(FileConnection connection, IMFile.IMFileState state) {
    connection.close("uploader sent " + state.getState());
  }

  @Override
  public void connectionClosed(FileConnection connection, String reason) {
    if (phase == Phase.OPENING || phase == Phase.RECEIVING) {
      phase = Phase.ABANDONED;
      if (file != null) {
        discard();
      }
      log.info("offline upload {} cut at {} of {} bytes: nothing kept", task.taskId(), nextOffset, task.fileSize());
    }
    if (phase != Phase.STORING) {
      server.endTask(task, "uploader left: " + reason);
    }
  }

  private void discard() {
    String path = spoolFile.toString();
    file.close().eventually(() -> server.vertx().fileSystem().delete(path)).onFailure(e ->
        log.warn("offline upload {}: spool file {} not deleted: {}", task.taskId(), path, e.getMessage()));
  }
}
