package io.ttvertx.store;

/** An offline file left for a user (a row of TeamTalk's IMTransmitFile). {@code created} is epoch seconds. */
public record OfflineFile(int fromUserId, int toUserId, String taskId, String fileName, long fileSize, int created) {
}
