package io.ttvertx.store;

/**
 * A row of IMRecentSession for one user: the peer, session type, status (0 ok, 1 removed), update
 * time and the latest message of the session, or null when it has none.
 */
public record SessionRecord(int peerId, int sessionType, int status, int updated, MessageRecord latest) {
}
