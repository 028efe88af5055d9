package io.ttvertx.store.sql;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Map;

/** Members' push shields of their groups (0 push, 1 shielded), TeamTalk's IM_GROUP_SETTING_PUSH. */
public interface GroupShields {

  Future<Void> setShield(int groupId, int userId, int shieldStatus);

  /** The shield of each of {@code userIds} in the group, 0 when never set. */
  Future<Map<Integer, Integer>> shields(int groupId, Collection<Integer> userIds);
}
