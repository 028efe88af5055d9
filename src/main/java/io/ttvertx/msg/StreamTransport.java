package io.ttvertx.msg;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/** What every transport has from its Vert.x socket (a NetSocket or a ServerWebSocket): flow control, the peer. */
abstract class StreamTransport implements MsgTransport {
  private final ReadStream<Buffer> input;
  private final WriteStream<Buffer> output;
  private final SocketAddress remote;

  /** {@code input} and {@code output} are the same socket, seen as each of its streams; {@code remote} its peer. */
  StreamTransport(ReadStream<Buffer> input, WriteStream<Buffer> output, SocketAddress remote) {
    this.input = input;
    this.output = output;
    this.remote = remote;
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

  @Override
  public String remoteAddress() {
    return String.valueOf(remote);
  }

  @Override
  public String remoteHost() {
    return remote == null || remote.hostAddress() == null ? remoteAddress() : remote.hostAddress();
  }
}
