package io.ttvertx.store;

/** A stored 1:1 message: its per-conversation id, sender, receiver, creation time, type and bytes. */
public record MessageRecord(int msgId, int fromUserId, int toUserId, int createTime, int msgType, byte[] msgData) {
}
