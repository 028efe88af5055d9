package io.ttvertx.msg;

import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * What a {@link MsgConnection} needs of the link to its client, so that login, kicks, presence,
 * delivery, limits, back-pressure and idle timeouts are one code for every transport: a TCP socket
 * ({@link TcpTransport}) or a browser's WebSocket ({@link WebSocketTransport}).
 */
interface MsgTransport {

  /**
   * Starts reading: each whole PDU goes to {@code pdus}; {@code ended} is told once, with a reason, when
   * the peer closes, the link fails or a frame is malformed (the transport is then unusable).
   */
  void start(int maxFrameLength, Handler<Pdu> pdus, Handler<String> ended);

  /** Writes one or more whole encoded PDUs, back to back; completes when they are written. */
  Future<Void> write(Buffer pdus);

  boolean writeQueueFull();

  void drainHandler(Handler<Void> handler);

  /** Stops handing out PDUs, those already received included, until {@link #resume()}. */
  void pause();

  /** Hands out the PDUs kept while paused (which may pause again), then those that come. */
  void resume();

  /** Closes the link; {@code reason} is told to the peer where the transport can say it. */
  void close(String reason);

  /** The peer's address, for logs. */
  String remoteAddress();

  /** The peer's host address alone, which limits count failed logins by. */
  String remoteHost();
}
