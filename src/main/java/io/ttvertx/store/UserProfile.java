package io.ttvertx.store;

/**
 * IMUser's editable columns, for a user created or changed by the administration: a null field is
 * left as it is on a change (on creation: the name as nick, 0 as sex, empty texts).
 */
public record UserProfile(String nick, Integer sex, String phone, String email, String avatar, Integer departId,
                          String signInfo) {
}
