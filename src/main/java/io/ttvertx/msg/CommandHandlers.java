package io.ttvertx.msg;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.bus.Actor;
import io.ttvertx.protocol.Pdu;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the command handlers share: asking the db proxy on a connection's behalf. Every request goes
 * with the connection's logged-in user as its {@link Actor}, set here once: the db proxy answers for
 * that user whatever user ids the client wrote into the request, so the handlers pass requests on
 * without rewriting them.
 */
abstract class CommandHandlers {
  private static final Logger log = LoggerFactory.getLogger(CommandHandlers.class);

  protected final MsgVerticle server;

  CommandHandlers(MsgVerticle server) {
    this.server = server;
  }

  /** How a request is ordered against the data-changing requests a connection sent before it. */
  enum Order {
    /** Waits for every change sent before it. */
    READ,
    /** Waits for every change sent before it, and every request after it waits for it. */
    CHANGE,
    /**
     * A message: waits for the changes before it but not for earlier messages, so a sender's messages
     * are stored together. The store answers messages in the order they arrive, so their ids keep the
     * sender's order; reads and other changes after it wait for it.
     */
    MESSAGE
  }

  /**
   * Sends {@code request} to the db proxy for the connection's user and completes with its answer; a
   * failure is logged here. {@code order} keeps the effects of a connection's requests in the order the client sent them: a READ_ACK followed by UNREAD_CNT sees
   * the count cleared, two messages keep their order. The connection's pending-request count is kept
   * for back-pressure.
   */
  protected Future<Buffer> ask(MsgConnection connection, Pdu pdu, int requestCommand, MessageLite request,
                               Order order) {
    connection.requestStarted();
    Future<Void> before = order == Order.MESSAGE ? connection.afterNonMessageChanges() : connection.afterChanges();
    Future<Buffer> answer = before
        .compose(v -> server.db().request(requestCommand, actor(connection), request))
        .andThen(ar -> {
          connection.requestFinished();
          if (ar.failed()) {
            String reason = String.valueOf(ar.cause().getMessage());
            server.failureLog().warn(reason, "connection " + connection.id() + " (user " + connection.userId() + "): "
                + pdu.describe() + " failed in db proxy: " + reason);
          }
        });
    if (order != Order.READ) {
      connection.changeSent(answer, order == Order.MESSAGE);
    }
    return answer;
  }

  /** Asks the db proxy and relays its answer to the client unchanged, as the response to {@code pdu}. */
  protected void forward(MsgConnection connection, Pdu pdu, MessageLite request, int replyService, int replyCommand) {
    forward(connection, pdu, request, replyService, replyCommand, Order.READ);
  }

  /** As {@link #forward(MsgConnection, Pdu, MessageLite, int, int)} in the given order; completes with the answer once relayed. */
  protected Future<Buffer> forward(MsgConnection connection, Pdu pdu, MessageLite request, int replyService,
                                   int replyCommand, Order order) {
    return ask(connection, pdu, pdu.commandId(), request, order).andThen(ar -> {
      if (ar.succeeded()) {
        connection.replyRaw(pdu, replyService, replyCommand, ar.result());
      }
    });
  }

  /** The logged-in user of {@code connection}, who every request of that connection acts for. */
  static Actor actor(MsgConnection connection) {
    return Actor.user(connection.userId(), connection.clientType());
  }

  /** The route, asked for the connection's user (the user is each request's actor). */
  protected RouteClient.ForUser route(MsgConnection connection) {
    return server.route().forUser(actor(connection));
  }

  protected static <T> T parseAnswer(Parser<T> parser, Buffer answer) {
    try {
      return parser.parseFrom(answer.getBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("db proxy answered with undecodable bytes", e);
    }
  }
}
