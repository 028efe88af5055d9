package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/**
 * Everything the servers persist. Only the db proxy verticle and the administration commands use it;
 * every other verticle asks the db proxy over the event bus.
 *
 * <p>Times are epoch seconds (TeamTalk stores {@code int(11) unsigned} seconds). Session types follow
 * IM.BaseDefine.SessionType: 1 single, 2 group. Message types follow IM.BaseDefine.MsgType.
 * All methods are called on a Vert.x context and never block it.
 */
public interface Store {

  /** Connects and creates the tables (and other structures) that are missing. */
  Future<Void> start();

  Future<Void> close();

  // ---- users and departments

  /**
   * Checks a login. {@code passwordMd5Hex} is what the client sends (lowercase hex md5 of the typed
   * password); the stored password is md5hex(passwordMd5Hex + salt). Succeeds with null when the user
   * does not exist or the password is wrong.
   */
  Future<UserRecord> authenticate(String userName, String passwordMd5Hex);

  /** The users among {@code userIds} that exist, in no particular order. */
  Future<List<UserRecord>> usersByIds(Collection<Integer> userIds);

  /** Users whose {@code updated} is strictly later than {@code updatedSince}; every user when 0. */
  Future<List<UserRecord>> usersUpdatedSince(int updatedSince);

  /** Departments whose {@code updated} is strictly later than {@code updatedSince}; all when 0. */
  Future<List<DepartmentRecord>> departmentsUpdatedSince(int updatedSince);

  /** Sets the avatar URL and bumps {@code updated}; false when the user does not exist. */
  Future<Boolean> updateAvatar(int userId, String avatarUrl);

  /** Sets the sign info and bumps {@code updated}; false when the user does not exist. */
  Future<Boolean> updateSignInfo(int userId, String signInfo);

  // ---- single (1:1) messages

  /**
   * Durably stores a 1:1 message and returns it with its new id. Ids are per conversation (the
   * unordered pair of users), start at 1 and increase by one, without gaps or duplicates under
   * concurrent senders. Also increments the receiver's unread count for this sender and makes the
   * conversation the most recent session of both users (un-removing it if it was removed). The
   * returned future completes only once the message is durable. Refused with {@link StoreException}:
   * text that is not UTF-8 or longer than 4096 characters (IMMessage.content), audio under 4 bytes
   * (its duration) or over 1 MiB.
   */
  Future<MessageRecord> saveMessage(int fromUserId, int toUserId, int msgType, byte[] msgData, int createTime);

  /**
   * Messages of the conversation between {@code userId} and {@code peerId}, newest first, at most
   * {@code count}: the newest ones when {@code beginMsgId} is 0, else those with id <= beginMsgId.
   */
  Future<List<MessageRecord>> messages(int userId, int peerId, int beginMsgId, int count);

  /** The messages of that conversation with the given ids (those that exist), newest first, at most 100. */
  Future<List<MessageRecord>> messagesByIds(int userId, int peerId, Collection<Integer> msgIds);

  /** The id of the newest message of that conversation, 0 when there is none. */
  Future<Integer> latestMessageId(int userId, int peerId);

  /** Per peer who sent {@code userId} unread messages: the count and the latest message. */
  Future<List<UnreadRecord>> unreadCounts(int userId);

  /** Clears the whole unread count of {@code userId} for messages from {@code peerId}. */
  Future<Void> clearUnread(int userId, int peerId);

  // ---- recent sessions

  /**
   * The user's sessions (not removed) updated strictly after {@code updatedSince}, most recent first,
   * each with its latest message when it has one.
   */
  Future<List<SessionRecord>> recentSessions(int userId, int updatedSince);

  /**
   * Marks the session removed for this user only; a later message brings it back. Sessions of type 2
   * (groups) come with their group's latest message in {@link #recentSessions}.
   */
  Future<Void> removeSession(int userId, int peerId, int sessionType);

  // ---- groups (IMGroup, IMGroupMember, IMGroupMessage_<groupId % 8>)

  /** Group types, as IM.BaseDefine.GroupType. */
  int GROUP_TYPE_NORMAL = 1;
  int GROUP_TYPE_TEMPORARY = 2;

  /**
   * Creates a group of {@code groupType} with the existing users among {@code memberIds}, plus the
   * creator when {@code creatorId} is a user (0 is the administration, as in TeamTalk, and is no
   * member); version 1, message ids start again at 1. Refused with {@link StoreException}: an empty
   * name or one over 256 characters, an avatar over 256 characters, no existing member, an unknown
   * type.
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

  /**
   * Adds ({@code add}) or removes members on behalf of {@code userId}. Allowed: to the creator (and
   * to 0, the administration) always; to any member, adding to a temporary group; to any member,
   * removing only themselves (leaving). Refused when the group is not in use or the change is not
   * allowed. Only existing users are added; users already in (or, removing, not in) the group are
   * not "changed". A done change raises the version by one and, for removed users, clears their
   * unread count of the group and removes the group from their recent sessions.
   */
  Future<GroupChange> changeGroupMembers(int userId, int groupId, boolean add, Collection<Integer> memberIds);

  /**
   * Durably stores a group message and returns it with its new id (ids per group start at 1, no gaps
   * or duplicates under concurrent senders, in the order messages arrive) and the members it goes
   * to. Counts it unread for every member but the sender (the sender has read the whole group), makes
   * the group the sender's most recent session (type 2) and sets IMGroup.lastChated. Refused with
   * {@link StoreException} when the group is not in use or the sender is not a member, and for the
   * same content as {@link #saveMessage}.
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
  Future<java.util.Map<Integer, Integer>> groupShields(int groupId, Collection<Integer> userIds);

  // ---- push

  /**
   * Records the push token of a user's mobile device (TeamTalk keeps one per user), replacing the
   * previous one. {@code clientType} is 0x11 (iOS) or 0x12 (Android).
   */
  Future<Void> setDeviceToken(int userId, int clientType, String token);

  /** The user's device token, or null when none was recorded. */
  Future<DeviceToken> deviceToken(int userId);

  // ---- administration (CLI)

  /** Creates a user; fails with {@link StoreException} when the name is taken or the department unknown. */
  Future<UserRecord> addUser(NewUser user);

  /** Creates all users in one transaction: either every row is stored or none is. Returns the count. */
  Future<Integer> importUsers(List<NewUser> users);

  /** Every user, ascending by id. */
  Future<List<UserRecord>> listUsers();

  /** Creates a department; fails with {@link StoreException} when the name is taken. */
  Future<DepartmentRecord> addDepartment(String name, int parentId, int priority);

  /** Every group in use with its members, ascending by id. */
  Future<List<GroupRecord>> listGroups();
}
