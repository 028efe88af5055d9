package io.ttvertx.msg;

import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.nio.charset.StandardCharsets;

/**
 * A browser's WebSocket: one TeamTalk PDU per binary message, with the same 16-byte header and
 * protobuf body as on TCP. A text message, or a binary one whose header length is not the message's
 * length, ends the connection with a reason in the close frame.
 */
final class WebSocketTransport extends StreamTransport {
  /** RFC 6455 5.5: a close frame's reason fits in 123 bytes. */
  private static final int MAX_CLOSE_REASON_BYTES = 123;
  private static final short NORMAL_CLOSURE = 1000;

  private final ServerWebSocket socket;
  private int maxFrameLength;
  private Handler<Pdu> pdus;
  private Handler<String> ended;

  WebSocketTransport(ServerWebSocket socket) {
    super(socket, socket, socket.remoteAddress());
    this.socket = socket;
  }

  @Override
  public void start(int maxFrameLength, Handler<Pdu> pdus, Handler<String> ended) {
    this.maxFrameLength = maxFrameLength;
    this.pdus = pdus;
    this.ended = ended;
    socket.binaryMessageHandler(this::handleMessage);
    socket.textMessageHandler(text -> ended.handle("malformed frame: text message on a binary protocol"));
    socket.closeHandler(v -> ended.handle("closed by peer"));
    socket.exceptionHandler(e -> ended.handle("socket error: " + e.getMessage()));
  }

  private void handleMessage(Buffer message) {
    if (message.length() < Pdu.HEADER_LENGTH) {
      ended.handle("malformed frame: " + message.length() + " bytes, shorter than a header");
      return;
    }
    long length = message.getUnsignedInt(0);
    if (length != message.length()) {
      ended.handle("malformed frame: header says " + length + " bytes, the message has " + message.length());
      return;
    }
    if (length > maxFrameLength) {
      ended.handle("malformed frame: length " + length + " over " + maxFrameLength);
      return;
    }
    pdus.handle(Pdu.decode(message));
  }

  /** Each PDU of {@code frames} goes out as a binary message of its own. */
  @Override
  public Future<Void> write(Buffer frames) {
    Future<Void> last = Future.succeededFuture();
    int offset = 0;
    while (offset + Pdu.HEADER_LENGTH <= frames.length()) {
      int length = (int) frames.getUnsignedInt(offset);
      last = socket.writeBinaryMessage(frames.slice(offset, offset + length));
      offset += length;
    }
    return last;
  }

  @Override
  public void close(String reason) {
    if (!socket.isClosed()) {
      socket.close(NORMAL_CLOSURE, truncate(reason));
    }
  }

  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_CLOSE_REASON_BYTES) {
      return reason;
    }
    // the reasons are ASCII text written by this server, so cutting bytes cuts characters
    return new String(bytes, 0, MAX_CLOSE_REASON_BYTES, StandardCharsets.US_ASCII);
  }
}
