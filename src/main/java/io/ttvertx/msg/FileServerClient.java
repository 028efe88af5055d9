package io.ttvertx.msg;

import io.ttvertx.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The msg side of the file server's event-bus API (see {@link Addresses#FILE_TASK}): a file server on
 * this node is asked first, one elsewhere in the cluster only when this node runs none.
 */
final class FileServerClient {
  private final EventBus bus;
  private final long timeoutMs;

  FileServerClient(EventBus bus, long timeoutMs) {
    this.bus = bus;
    this.timeoutMs = timeoutMs;
  }

  /** A new task; completes with {taskId, addresses}. */
  Future<JsonObject> createTask(int from, int to, String fileName, long fileSize, int transMode) {
    return request(Addresses.FILE_TASK, new JsonObject().put("from", from).put("to", to).put("fileName", fileName)
        .put("fileSize", fileSize).put("transMode", transMode));
  }

  /** Where offline files can be downloaded: [{ip, port}]. */
  Future<JsonArray> offlineAddresses() {
    return request(Addresses.FILE_ADDRESSES, new JsonObject())
        .map(reply -> reply.getJsonArray("addresses", new JsonArray()));
  }

  /** {complete, from, to, fileName, fileSize} of an offline upload. */
  Future<JsonObject> offlineStatus(String taskId) {
    return request(Addresses.FILE_OFFLINE_STATUS, new JsonObject().put("taskId", taskId));
  }

  Future<Boolean> deleteOffline(String taskId) {
    return request(Addresses.FILE_OFFLINE_DELETE, new JsonObject().put("taskId", taskId))
        .map(reply -> reply.getBoolean("deleted", false));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body, new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs))
        .recover(failure -> noFileServerHere(failure)
            ? bus.request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs))
            : Future.failedFuture(failure))
        .map(Message::body);
  }

  private static boolean noFileServerHere(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }
}
