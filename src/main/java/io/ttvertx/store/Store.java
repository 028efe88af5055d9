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

  /** Marks the session removed for this user only; a later message brings it back. */
  Future<Void> removeSession(int userId, int peerId, int sessionType);

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
}
