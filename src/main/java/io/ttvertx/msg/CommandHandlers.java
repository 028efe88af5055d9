package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the command handlers share: asking the db proxy on a connection's behalf. */
abstract class CommandHandlers {
  private static final Logger log = LoggerFactory.getLogger(CommandHandlers.class);

  protected final MsgVerticle server;

  CommandHandlers(MsgVerticle server) {
    this.server = server;
  }

  /**
   * Sends {@code request} (whose user id the caller has already set to the logged-in user) to the db
   * proxy and completes with its answer; a failure is logged here. Requests that change data run one
   * after the other in the order the client sent them, and a read waits for the changes sent before
   * it (a READ_ACK followed by UNREAD_CNT sees the count cleared; two messages keep their order).
   * The connection's pending-request count is kept for back-pressure.
   */
  protected Future<Buffer> ask(MsgConnection connection, Pdu pdu, int requestCommand, MessageLite request,
                               boolean changesData) {
    connection.requestStarted();
    Future<Buffer> answer = connection.afterChanges()
        .compose(v -> server.db().request(requestCommand, request))
        .andThen(ar -> {
          connection.requestFinished();
          if (ar.failed()) {
            log.warn("connection {} (user {}): {} failed in db proxy: {}", connection.id(), connection.userId(),
                pdu.describe(), ar.cause().getMessage());
          }
        });
    if (changesData) {
      connection.changeSent(answer);
    }
    return answer;
  }

  /** Asks the db proxy and relays its answer to the client unchanged, as the response to {@code pdu}. */
  protected void forward(MsgConnection connection, Pdu pdu, MessageLite request, int replyService, int replyCommand) {
    ask(connection, pdu, pdu.commandId(), request, false).onSuccess(answer ->
        connection.replyRaw(pdu, replyService, replyCommand, answer));
  }

  protected static <T> T parseAnswer(Parser<T> parser, Buffer answer) {
    try {
      return parser.parseFrom(answer.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("db proxy answered with undecodable bytes", e);
    }
  }
}
