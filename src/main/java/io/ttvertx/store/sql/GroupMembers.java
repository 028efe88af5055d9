package io.ttvertx.store.sql;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Map;

/**
 * Who is in each group and since when: IMGroupMember's rows in use, or, on MySQL + Redis, TeamTalk's
 * {@code group_member_<groupId>} hashes kept from them. Changes are written to IMGroupMember first;
 * these hear of them after the commit.
 */
public interface GroupMembers {

  /** The members of each of {@code groupIds} that has any, with their join times. */
  Future<Map<Integer, Map<Integer, Integer>>> members(Collection<Integer> groupIds);

  /** When {@code userId} joined the group, or null when they are no member. */
  Future<Integer> joinTime(int groupId, int userId);

  /** A new group was committed with these members, joined at {@code time}. */
  Future<Void> groupCreated(int groupId, Collection<Integer> members, int time);

  /** A membership change was committed. */
  Future<Void> membersChanged(int groupId, Collection<Integer> added, Collection<Integer> removed, int time);
}
