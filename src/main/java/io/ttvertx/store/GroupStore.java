package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Groups (IMGroup, IMGroupMember), their messages (IMGroupMessage_&lt;groupId % 8&gt;), unread counts and push shields. */
public interface GroupStore {
  /** Group types, as IM.BaseDefine.GroupType. */
  int GROUP_TYPE_NORMAL = 1;
  int GROUP_TYPE_TEMPORARY = 2;

  /**
   * Creates a group of {@code groupType} with the existing users among {@code memberIds}, plus the
   * creator when {@code creatorId} is a user (0 is the administration, as in TeamTalk, and is no
   * member); version 1, message ids start at 1. Refused with {@link StoreException}: an empty name or
   * one over 256 characters, an avatar over 256 characters, no existing member, an unknown type.
   */
  Future<GroupRecord> createGroup(int creatorId, String name, String avatar, int groupType,
                                  Collection<Integer> memberIds);

  /**
   * Ids and versions of the groups in use that {@code userId} is a member of, of {@code groupType}
   * only (0: every type), the most recently updated first.
   */
  Future<List<GroupVersion>> userGroups(int userId, int groupType);

  /** The groups in use among {@code groupIds}, each with its current members, in no particular order. */
  Future<List<GroupRecord>> groupsByIds(Collection<Integer> groupIds);

  /** The groups in use among {@code groupIds} that {@code userId} is a member of, each with its current members. */
  Future<List<GroupRecord>> memberGroups(int userId, Collection<Integer> groupIds);

  /** Every group in use with its members, ascending by id. */
  Future<List<GroupRecord>> listGroups();

  /**
   * Adds ({@code add}) or removes members on behalf of {@code userId}. Allowed: to the creator (and
   * to 0, the administration) always; to any member, adding to a temporary group; to any member,
   * removing only themselves (leaving). Refused when the group is not in use or the change is not
   * allowed. Only existing users are added; users already in (or, removing, not in) the group are
   * not "changed". A done change raises the version by one; an added user has read what was sent
   * before; a removed user loses the group's unread count and recent session.
   */
  Future<GroupChange> changeGroupMembers(int userId, int groupId, boolean add, Collection<Integer> memberIds);

  /**
   * Durably stores a group message and returns it with its new id (ids per group start at 1, are
   * never given twice and follow the order messages are stored) and the members it goes to. Counts it
   * unread for every member but the sender (the sender has read the whole group), makes the group the
   * sender's most recent session (type 2) and sets IMGroup.lastChated. Refused with
   * {@link StoreException} when the group is not in use or the sender is not a member, and for the same
   * content as {@link MessageStore#saveMessage}.
   */
  Future<StoredGroupMessage> saveGroupMessage(int fromUserId, int groupId, int msgType, byte[] msgData,
                                              int createTime);

  /**
   * Messages of a group for one of its members, newest first, at most {@code count}: the newest when
   * {@code beginMsgId} is 0, else those with id <= beginMsgId; only those sent since the member joined
   * (as TeamTalk). Empty for a non-member.
   */
  Future<List<MessageRecord>> groupMessages(int userId, int groupId, int beginMsgId, int count);

  /** The group's messages with these ids that {@code userId} may read (as groupMessages), newest first, at most 100. */
  Future<List<MessageRecord>> groupMessagesByIds(int userId, int groupId, Collection<Integer> msgIds);

  /** The id of the group's newest message; 0 when there is none or {@code userId} is not a member. */
  Future<Integer> latestGroupMessageId(int userId, int groupId);

  /** Per group of {@code userId} with unread messages: the count and the group's latest message (type 2). */
  Future<List<UnreadRecord>> groupUnreadCounts(int userId);

  /** Marks every message of the group read for {@code userId}. */
  Future<Void> clearGroupUnread(int userId, int groupId);

  /** Sets a member's push shield of a group (0 push, 1 shielded); false when not a member of a group in use. */
  Future<Boolean> setGroupShield(int userId, int groupId, int shieldStatus);

  /** The push shield status of each of {@code userIds} in the group (0 when never set). */
  Future<Map<Integer, Integer>> groupShields(int groupId, Collection<Integer> userIds);

  // The admin API: refusals fail with AdminRefusal.

  /**
   * Renames a group in use and/or changes its avatar (null leaves either) and raises its version
   * (clients refresh a group's info when its version changes). NOT_FOUND for no group in use.
   */
  Future<GroupRecord> renameGroup(int groupId, String name, String avatar);

  /**
   * Dissolves a group in use (IMGroup.status 1): every member leaves as when removed, the version
   * rises. Answers the change with the former members as "changed"; NOT_FOUND for no group in use.
   */
  Future<GroupChange> dissolveGroup(int groupId);

  /**
   * Every stored message of a group, in use or dissolved, whoever asks (a compliance export): newest
   * first, at most {@code count}, those with id <= beginMsgId unless it is 0.
   */
  Future<List<MessageRecord>> allGroupMessages(int groupId, int beginMsgId, int count);
}
