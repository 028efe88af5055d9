package io.ttvertx.store;

import java.util.List;

/** One page of users, ascending by id, and how many match in all. */
public record UserPage(List<UserRecord> users, int total) {
}
