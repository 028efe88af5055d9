package io.ttvertx.store.sql;

/**
 * A message waiting for the next batch write: {@code conversationId} is its relation id (1:1) or its
 * group id, and for a group message {@code toUserId} is the group id too.
 */
public record PendingMessage(int conversationId, int fromUserId, int toUserId, int msgType, byte[] msgData,
                             int createTime) {
}
