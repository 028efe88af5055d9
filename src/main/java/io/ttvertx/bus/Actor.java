package io.ttvertx.bus;

import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Who a request to the db proxy or the route acts for, set once by the role that knows it: a logged-in
 * user (msg sets the connection's user and client type), or the system (http_msg, the admin API, a
 * login being checked, other roles' bookkeeping), which may name any user in a request's body. A
 * request for a user is answered for that user only, whatever ids its body holds.
 */
public record Actor(Kind kind, int userId, int clientType) {
  /** In this order: the ordinal is the kind's byte in a {@link DbBatch} request. */
  public enum Kind {
    /** No actor was given (an old or foreign sender): every command refuses it. */
    NONE,
    USER,
    SYSTEM
  }

  public static final Actor NONE = new Actor(Kind.NONE, 0, 0);
  public static final Actor SYSTEM = new Actor(Kind.SYSTEM, 0, 0);

  /** Event-bus headers of a route request made for a logged-in user. */
  public static final String USER_HEADER = "actorUser";
  public static final String CLIENT_TYPE_HEADER = "actorClientType";

  /** A logged-in user; ids start at 1 (0 is the administration in TeamTalk's tables). */
  public static Actor user(int userId, int clientType) {
    if (userId <= 0) {
      throw new IllegalArgumentException("a logged-in user has an id above 0, not " + userId);
    }
    return new Actor(Kind.USER, userId, clientType);
  }

  public boolean isUser() {
    return kind == Kind.USER;
  }

  public boolean isSystem() {
    return kind == Kind.SYSTEM;
  }

  /**
   * The user a command that either kind may send acts for: the actor when it is a user, else the id
   * the system named in the body.
   */
  public int userOr(int namedBySystem) {
    return isUser() ? userId : namedBySystem;
  }

  /** Adds this user actor's headers to a route request. */
  public DeliveryOptions addTo(DeliveryOptions options) {
    return options.addHeader(USER_HEADER, Integer.toString(userId))
        .addHeader(CLIENT_TYPE_HEADER, Integer.toString(clientType));
  }

  /** The user actor of a route request, or {@link #NONE} when its headers name none (or a bad one). */
  public static Actor fromHeaders(MultiMap headers) {
    String user = headers.get(USER_HEADER);
    String clientType = headers.get(CLIENT_TYPE_HEADER);
    if (user == null || clientType == null) {
      return NONE;
    }
    try {
      int id = Integer.parseInt(user);
      return id <= 0 ? NONE : user(id, Integer.parseInt(clientType));
    } catch (NumberFormatException e) {
      return NONE;
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case USER -> "user " + userId;
      case SYSTEM -> "the system";
      case NONE -> "no actor";
    };
  }
}
