package io.ttvertx.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * What follows a message's storing, wherever it was sent from (a client through msg, or the admin
 * API): the stored answer goes to one push verticle and one webhook verticle of the cluster, with a
 * send (not a publish), waiting for nothing; where none runs, the bus drops it.
 */
public final class StoredMessages {
  private static final DeliveryOptions SINGLE = new DeliveryOptions()
      .addHeader(Addresses.PUSH_KIND, Addresses.PUSH_KIND_SINGLE);
  private static final DeliveryOptions GROUP = new DeliveryOptions()
      .addHeader(Addresses.PUSH_KIND, Addresses.PUSH_KIND_GROUP);

  private StoredMessages() {
  }

  /** {@code stored}: the db proxy's answer, an IMMsgData (1:1) or a StoredGroupMsg (group). */
  public static void handOff(EventBus bus, boolean group, Buffer stored) {
    DeliveryOptions kind = group ? GROUP : SINGLE;
    bus.send(Addresses.PUSH_MESSAGE, stored, kind);
    bus.send(Addresses.WEBHOOK_MESSAGE, stored, kind);
  }
}
