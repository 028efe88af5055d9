package io.ttvertx.msg;

import com.google.protobuf.MessageLite;
import io.ttvertx.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/** Asks the db proxy over the event bus: TeamTalk request messages in, response messages out, as bytes. */
final class DbClient {
  private final EventBus bus;
  private final long timeoutMs;

  DbClient(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
  }

  /** Sends {@code request} under {@code commandId}; completes with the response's protobuf bytes. */
  Future<Buffer> request(int commandId, MessageLite request) {
    DeliveryOptions options = new DeliveryOptions()
        .setSendTimeout(timeoutMs)
        .addHeader(Addresses.COMMAND, Integer.toString(commandId));
    return bus.<Buffer>request(Addresses.DB, Buffer.buffer(request.toByteArray()), options).map(Message::body);
  }
}
