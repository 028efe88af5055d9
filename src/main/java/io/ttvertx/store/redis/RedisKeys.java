package io.ttvertx.store.redis;

import io.ttvertx.store.sql.MessageKind;

/**
 * Key names. TeamTalk's (db_proxy_server's MessageModel, GroupModel, GroupMessageModel,
 * MessageCounter) are kept exactly, so an existing TeamTalk Redis keeps working; ours start with
 * {@code tt_}.
 */
final class RedisKeys {
  /** Ours: "&lt;run_id&gt;:&lt;nonce&gt;" of the Redis data in use; gone or for another run_id when Redis lost data or failed over. */
  static final String EPOCH = "tt_epoch";
  /** Ours: the keys of this epoch whose values were checked against SQL (counters, group counts and read marks, member sets). */
  static final String CHECKED = "tt_checked";
  /** TeamTalk's field of its group and read counts. */
  static final String COUNT_FIELD = "count";
  /** TeamTalk's IM_GROUP_SETTING_PUSH: the field suffix of a member's push shield in group_set_&lt;groupId&gt;. */
  static final String PUSH_SETTING = "_1";

  private RedisKeys() {
  }

  /** TeamTalk's id counters: msg_id_&lt;relateId&gt; (MessageModel) and group_msg_id_&lt;groupId&gt; (GroupMessageModel). */
  static String counter(MessageKind kind, int id) {
    return (kind == MessageKind.SINGLE ? "msg_id_" : "group_msg_id_") + id;
  }

  /** TeamTalk's unread counts of a user: field &lt;fromUserId&gt;, value the count. */
  static String unread(int userId) {
    return "unread_" + userId;
  }

  /** Ours: how many batches counted or cleared messages for the user (see RedisUnreadCounters). */
  static String unreadSequence(int userId) {
    return "tt_unread_seq_" + userId;
  }

  /** Ours: "&lt;epoch&gt;|&lt;sequence&gt;": the user's unread hash is exact for this epoch from this sequence on. */
  static String unreadBase(int userId) {
    return "tt_unread_base_" + userId;
  }

  /** Ours: the user's read positions by peer, as in tt_read_position. */
  static String readPositions(int userId) {
    return "tt_read_" + userId;
  }

  /** TeamTalk's group message count (field count). */
  static String groupCount(int groupId) {
    return groupId + "_im_group_msg";
  }

  /** TeamTalk's count of a group's messages a member has read (field count). */
  static String groupRead(int userId, int groupId) {
    return userId + "_" + groupId + "_im_user_group";
  }

  /** TeamTalk's members of a group: user id -> join time. */
  static String groupMembers(int groupId) {
    return "group_member_" + groupId;
  }

  /** Ours: bumped at every membership change, so a rebuild from older SQL rows is not written over it. */
  static String groupMembersVersion(int groupId) {
    return "tt_group_member_gen_" + groupId;
  }

  /** TeamTalk's group settings: field &lt;userId&gt;_1 is the push shield. */
  static String groupSettings(int groupId) {
    return "group_set_" + groupId;
  }

  /** TeamTalk's device of a user: "ios:&lt;token&gt;", "android:&lt;token&gt;". */
  static String device(int userId) {
    return "device_" + userId;
  }

  /** TeamTalk's reverse entry: the user id of a token. */
  static String deviceOwner(String token) {
    return "device_" + token;
  }
}
