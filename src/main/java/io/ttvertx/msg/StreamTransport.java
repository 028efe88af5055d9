package io.ttvertx.msg;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/** The flow control every transport has from its Vert.x stream (a NetSocket or a ServerWebSocket). */
abstract class StreamTransport implements MsgTransport {
  private final ReadStream<Buffer> input;
  private final WriteStream<Buffer> output;

  /** {@code input} and {@code output} are the same socket, seen as each of its streams. */
  StreamTransport(ReadStream<Buffer> input, WriteStream<Buffer> output) {
    this.input = input;
    this.output = output;
  }

  @Override
  public boolean writeQueueFull() {
    return output.writeQueueFull();
  }

  @Override
  public void drainHandler(Handler<Void> handler) {
    output.drainHandler(handler);
  }

  @Override
  public void pause() {
    input.pause();
  }

  @Override
  public void resume() {
    input.resume();
  }

  /** The host of {@code address}, or the address's text when it has none. */
  static String hostOf(SocketAddress address) {
    return address == null ? "null" : address.hostAddress() == null ? address.toString() : address.hostAddress();
  }
}
