package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/** 1:1 messages (IMMessage_&lt;relateId % 8&gt;), their ids and their unread counts. */
public interface MessageStore {

  /**
   * Durably stores a 1:1 message and returns it with its new id. Ids are per conversation (the
   * unordered pair of users), start at 1, increase in the order messages are stored and are never
   * given twice, whatever the cache that hands them out lost. Also counts the message unread for the
   * receiver and makes the conversation the most recent session of both users (un-removing it if it
   * was removed). The returned future completes only once the message is durable. Refused with
   * {@link StoreException}: text that is not UTF-8 or longer than 4096 characters (IMMessage.content),
   * audio under 4 bytes (its duration) or over 1 MiB.
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

  /** Marks everything {@code peerId} sent {@code userId} so far as read (TeamTalk clears the whole count). */
  Future<Void> clearUnread(int userId, int peerId);
}
