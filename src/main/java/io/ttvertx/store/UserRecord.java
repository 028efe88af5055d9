package io.ttvertx.store;

/**
 * A row of IMUser as the servers need it. {@code name} is the login name, {@code domain} its
 * pinyin/alias, {@code sex} 1 male 2 female 0 unknown, {@code status} TeamTalk's employment status.
 */
public record UserRecord(int id, String name, String domain, String nick, int sex, String phone, String email,
                         String avatar, int departId, int status, String signInfo, int updated) {
}
