package io.ttvertx.store;

/** Unread messages of one session: the peer, the session type, the count and the latest message. */
public record UnreadRecord(int peerId, int sessionType, int count, MessageRecord latest) {
}
