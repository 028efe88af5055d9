package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.List;

/** Each user's recent sessions (IMRecentSession). */
public interface SessionStore {

  /**
   * The user's sessions (not removed) updated strictly after {@code updatedSince}, most recent first,
   * each with its latest message when it has one.
   */
  Future<List<SessionRecord>> recentSessions(int userId, int updatedSince);

  /**
   * Marks the session removed for this user only and clears its unread count; a later message brings
   * it back. {@code sessionType} follows IM.BaseDefine.SessionType (1 single, 2 group).
   */
  Future<Void> removeSession(int userId, int peerId, int sessionType);
}
