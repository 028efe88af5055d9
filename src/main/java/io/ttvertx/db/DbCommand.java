package io.ttvertx.db;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.ttvertx.bus.Actor;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;

import java.util.HashMap;
import java.util.Map;

/**
 * One request the db proxy answers: TeamTalk request bytes in, a TeamTalk response message out, for
 * the {@link Actor} the request's envelope names. A command acting for a user takes the user from the
 * actor only, never from an id in the body.
 */
@FunctionalInterface
interface DbCommand {
  Future<? extends MessageLite> answer(Actor actor, byte[] body) throws InvalidProtocolBufferException;

  /** A command of the administration or the other roles: it gets no user and names any in its body. */
  @FunctionalInterface
  interface ForSystem {
    Future<? extends MessageLite> answer(byte[] body) throws InvalidProtocolBufferException;
  }

  /** Which actors may send a command; the db proxy refuses the others before the command runs. */
  enum Senders {
    /** Logged-in users only (the actor is a user). */
    USERS,
    /** The system only: administration, http_msg, logins being checked. */
    SYSTEM,
    /** Both: for a user, the user is the actor; for the system, the user its body names. */
    BOTH;

    boolean accept(Actor actor) {
      return switch (actor.kind()) {
        case USER -> this != SYSTEM;
        case SYSTEM -> this != USERS;
        case NONE -> false;
      };
    }
  }

  record Registered(Senders senders, DbCommand command) {
  }

  /**
   * For the db proxy's JSON addresses that only the system asks (push lookups, backups): a request
   * naming a user actor in its headers is refused (403); true when it was.
   */
  static boolean refusedToUser(Message<?> request) {
    Actor actor = Actor.fromHeaders(request.headers());
    if (!actor.isUser()) {
      return false;
    }
    request.fail(403, request.address() + " is for the system, not " + actor);
    return true;
  }

  /** A group of commands of one domain, each registered under its TeamTalk command id. */
  interface Answers {
    void register(Table commands);
  }

  /** The db proxy's command table: each command with the actors that may send it. */
  final class Table {
    private final Map<Integer, Registered> byId = new HashMap<>();

    void forUsers(int commandId, DbCommand command) {
      put(commandId, Senders.USERS, command);
    }

    void forSystem(int commandId, ForSystem command) {
      put(commandId, Senders.SYSTEM, (actor, body) -> command.answer(body));
    }

    void forBoth(int commandId, DbCommand command) {
      put(commandId, Senders.BOTH, command);
    }

    Registered get(int commandId) {
      return byId.get(commandId);
    }

    private void put(int commandId, Senders senders, DbCommand command) {
      if (byId.putIfAbsent(commandId, new Registered(senders, command)) != null) {
        throw new IllegalStateException("command 0x" + Integer.toHexString(commandId) + " registered twice");
      }
    }
  }
}
