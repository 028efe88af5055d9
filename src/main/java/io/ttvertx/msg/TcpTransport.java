package io.ttvertx.msg;

import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PduParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/** A native TeamTalk client's TCP socket: a byte stream framed by {@link PduParser}. */
final class TcpTransport extends StreamTransport {
  private final NetSocket socket;
  private PduParser parser;

  TcpTransport(NetSocket socket) {
    super(socket, socket, socket.remoteAddress());
    this.socket = socket;
  }

  @Override
  public void start(int maxFrameLength, Handler<Pdu> pdus, Handler<String> ended) {
    parser = new PduParser(maxFrameLength)
        .pduHandler(pdus)
        .errorHandler(reason -> ended.handle("malformed frame: " + reason));
    socket.handler(parser);
    socket.closeHandler(v -> ended.handle("closed by peer"));
    socket.exceptionHandler(e -> ended.handle("socket error: " + e.getMessage()));
  }

  @Override
  public Future<Void> write(Buffer pdus) {
    return socket.write(pdus);
  }

  /** Pausing the socket alone would not do: one read can carry many frames, which the parser keeps. */
  @Override
  public void pause() {
    super.pause();
    parser.pause();
  }

  @Override
  public void resume() {
    super.resume();
    // last: the frames it kept are handled now, and one of them may pause reading again
    parser.resume();
  }

  @Override
  public void close(String reason) {
    socket.close();
  }
}
