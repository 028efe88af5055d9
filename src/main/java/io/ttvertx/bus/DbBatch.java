package io.ttvertx.bus;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The bodies exchanged with the db proxy on {@link Addresses#DB}. A msg instance sends the requests of
 * one event-loop turn together, and the db proxy answers those that complete together in one reply,
 * so a busy server sends a few bus messages per turn instead of two per request.
 * <pre>
 * request batch: int replyAddressLength, replyAddress (UTF-8), then per request:
 *                int requestId, int commandId, byte actorKind (0 none, 1 user, 2 system), int actorUserId,
 *                int actorClientType, int length, protobuf request bytes
 * reply batch:   per answer: int requestId, byte status (0 answered, 1 failed), int length,
 *                protobuf response bytes, or the failure's reason in UTF-8
 * </pre>
 * The db proxy handles a batch's requests in their order, which is what keeps a connection's
 * pipelined messages in order. Each request names its {@link Actor}: the db proxy answers a user's
 * request for that user only, whatever ids the protobuf body holds.
 */
public final class DbBatch {
  public static final byte ANSWERED = 0;
  public static final byte FAILED = 1;

  private DbBatch() {
  }

  private static final int REQUEST_HEADER = 4 + 4 + 1 + 4 + 4 + 4;

  public record Request(int requestId, int commandId, Actor actor, Buffer body) {
  }

  public record Answer(int requestId, boolean failed, Buffer body) {
    public String reason() {
      return body.toString(StandardCharsets.UTF_8);
    }
  }

  public static Buffer newRequests(String replyAddress) {
    byte[] address = replyAddress.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(1024).appendInt(address.length).appendBytes(address);
  }

  public static void appendRequest(Buffer batch, int requestId, int commandId, Actor actor, byte[] body) {
    batch.appendInt(requestId).appendInt(commandId)
        .appendByte((byte) actor.kind().ordinal()).appendInt(actor.userId()).appendInt(actor.clientType())
        .appendInt(body.length).appendBytes(body);
  }

  public static String replyAddress(Buffer batch) {
    return batch.getString(4, 4 + batch.getInt(0), StandardCharsets.UTF_8.name());
  }

  /** Calls {@code handler} with each request of {@code batch}, in order. */
  public static void forEachRequest(Buffer batch, Consumer<Request> handler) {
    int at = 4 + batch.getInt(0);
    while (at + REQUEST_HEADER <= batch.length()) {
      int requestId = batch.getInt(at);
      int commandId = batch.getInt(at + 4);
      Actor actor = actor(batch.getByte(at + 8), batch.getInt(at + 9), batch.getInt(at + 13));
      int length = batch.getInt(at + 17);
      at += REQUEST_HEADER;
      handler.accept(new Request(requestId, commandId, actor, batch.slice(at, at + length)));
      at += length;
    }
  }

  /** A user actor without a valid id, or an unknown kind, is no actor. */
  private static Actor actor(byte kind, int userId, int clientType) {
    if (kind == Actor.Kind.USER.ordinal()) {
      return userId > 0 ? Actor.user(userId, clientType) : Actor.NONE;
    }
    return kind == Actor.Kind.SYSTEM.ordinal() ? Actor.SYSTEM : Actor.NONE;
  }

  public static void appendAnswer(Buffer batch, int requestId, byte[] response) {
    batch.appendInt(requestId).appendByte(ANSWERED).appendInt(response.length).appendBytes(response);
  }

  public static void appendFailure(Buffer batch, int requestId, String reason) {
    byte[] text = String.valueOf(reason).getBytes(StandardCharsets.UTF_8);
    batch.appendInt(requestId).appendByte(FAILED).appendInt(text.length).appendBytes(text);
  }

  /** Calls {@code handler} with each answer of {@code batch}, in order. */
  public static void forEachAnswer(Buffer batch, Consumer<Answer> handler) {
    int at = 0;
    while (at + 9 <= batch.length()) {
      int requestId = batch.getInt(at);
      boolean failed = batch.getByte(at + 4) == FAILED;
      int length = batch.getInt(at + 5);
      at += 9;
      handler.accept(new Answer(requestId, failed, batch.slice(at, at + length)));
      at += length;
    }
  }
}
