package io.ttvertx.store.sql;

import io.ttvertx.store.GroupStore;

import java.util.Set;

/** Who may change a group and what a group may be called: pure rules, no storage. */
final class GroupRules {
  /** IMGroup.name and IMGroup.avatar are varchar(256). */
  static final int MAX_GROUP_NAME = 256;
  static final int MAX_GROUP_AVATAR = 256;

  private GroupRules() {
  }

  /** Why a new group's fields are refused, or null when they are fine. */
  static String refusal(String name, String avatar, int groupType) {
    if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > MAX_GROUP_NAME) {
      return "a group name has 1 to " + MAX_GROUP_NAME + " characters";
    }
    if (avatar.codePointCount(0, avatar.length()) > MAX_GROUP_AVATAR) {
      return "a group avatar has at most " + MAX_GROUP_AVATAR + " characters";
    }
    if (groupType != GroupStore.GROUP_TYPE_NORMAL && groupType != GroupStore.GROUP_TYPE_TEMPORARY) {
      return "unknown group type " + groupType;
    }
    return null;
  }

  /**
   * The creator and the administration (0) may change anything; a member may add to a temporary
   * group and remove themselves. (TeamTalk lets anyone add to a temporary group, members or not.)
   */
  static boolean mayChangeMembers(int userId, int creator, int type, boolean add, Set<Integer> current,
                                  Set<Integer> asked) {
    if (userId == 0 || userId == creator) {
      return true;
    }
    if (!current.contains(userId)) {
      return false;
    }
    return add ? type == GroupStore.GROUP_TYPE_TEMPORARY : asked.equals(Set.of(userId));
  }
}
