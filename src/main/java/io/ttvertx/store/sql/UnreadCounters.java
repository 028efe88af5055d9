package io.ttvertx.store.sql;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Unread counts: per receiver and sender for 1:1 messages, per member and group as the group's count
 * minus the member's read mark (TeamTalk's GroupMessageModel). The message writers raise them; these
 * read and clear them.
 */
public interface UnreadCounters {

  /** Unread counts of {@code userId} by peer, for 1:1 conversations; peers with nothing unread may be left out. */
  Future<Map<Integer, Integer>> unreadByPeer(int userId);

  /** Everything {@code peerId} sent {@code userId} so far (conversation {@code relateId}) is read. */
  Future<Void> clearUnread(int userId, int peerId, int relateId);

  /** Unread counts of {@code userId} in each of {@code groupIds}. */
  Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds);

  /** {@code userIds} have read everything of the group so far (a read acknowledgement, or joining). */
  Future<Void> markGroupRead(int groupId, Collection<Integer> userIds);
}
