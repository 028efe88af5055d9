package io.ttvertx.store;

import java.util.List;

/**
 * A group message as stored (its {@code toUserId} is the group id) and the group's members when it
 * was stored, the users it is delivered to.
 */
public record StoredGroupMessage(MessageRecord message, List<Integer> members) {
}
