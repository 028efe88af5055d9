package io.ttvertx.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;

/**
 * Turns a stream of bytes (partial or coalesced frames) into whole {@link Pdu}s. The length in each
 * header is checked ({@code 16 <= length <= maxFrameLength}) before any body is read; a bad length is
 * reported once to the error handler and everything after it is discarded, since the stream can no
 * longer be framed.
 */
public final class PduParser implements Handler<Buffer> {

  private final int maxFrameLength;
  private final RecordParser records;
  private Handler<Pdu> pduHandler = pdu -> { };
  private Handler<String> errorHandler = reason -> { };
  private Buffer pendingHeader;
  private boolean failed;

  public PduParser(int maxFrameLength) {
    if (maxFrameLength < Pdu.HEADER_LENGTH) {
      throw new IllegalArgumentException("maxFrameLength must be at least " + Pdu.HEADER_LENGTH);
    }
    this.maxFrameLength = maxFrameLength;
    this.records = RecordParser.newFixed(Pdu.HEADER_LENGTH, this::handleRecord);
  }

  public PduParser pduHandler(Handler<Pdu> handler) {
    this.pduHandler = handler;
    return this;
  }

  /** Called at most once, with a reason, when the stream is not valid TeamTalk framing. */
  public PduParser errorHandler(Handler<String> handler) {
    this.errorHandler = handler;
    return this;
  }

  /**
   * Stops handing out frames: the bytes already received and those still to come are kept until
   * {@link #resume()}. Pausing the socket alone would not do, since one read can carry many frames.
   */
  public void pause() {
    records.pause();
  }

  /** Hands out the kept frames (before returning) and those that come after. */
  public void resume() {
    records.resume();
  }

  @Override
  public void handle(Buffer bytes) {
    if (!failed) {
      records.handle(bytes);
    }
  }

  private void handleRecord(Buffer record) {
    if (failed) {
      return;
    }
    if (pendingHeader == null) {
      long length = record.getUnsignedInt(0);
      if (length < Pdu.HEADER_LENGTH || length > maxFrameLength) {
        failed = true;
        errorHandler.handle("frame length " + length + " outside [" + Pdu.HEADER_LENGTH + ", " + maxFrameLength + "]");
        return;
      }
      if (length == Pdu.HEADER_LENGTH) {
        emit(record, Buffer.buffer(0));
        return;
      }
      pendingHeader = record;
      records.fixedSizeMode((int) length - Pdu.HEADER_LENGTH);
    } else {
      Buffer header = pendingHeader;
      pendingHeader = null;
      records.fixedSizeMode(Pdu.HEADER_LENGTH);
      emit(header, record);
    }
  }

  private void emit(Buffer header, Buffer body) {
    pduHandler.handle(new Pdu(
        header.getUnsignedShort(4),
        header.getUnsignedShort(6),
        header.getUnsignedShort(8),
        header.getUnsignedShort(10),
        header.getUnsignedShort(12),
        header.getUnsignedShort(14),
        body));
  }
}
