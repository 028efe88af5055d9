package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/** The organisation clients browse: users (IMUser), departments (IMDepart), logins and profile changes. */
public interface DirectoryStore {

  /**
   * Checks a login. {@code passwordMd5Hex} is what the client sends (lowercase hex md5 of the typed
   * password); the stored password is md5hex(passwordMd5Hex + salt). Succeeds with null when the user
   * does not exist or the password is wrong.
   */
  Future<UserRecord> authenticate(String userName, String passwordMd5Hex);

  /** The users among {@code userIds} that exist, in no particular order. */
  Future<List<UserRecord>> usersByIds(Collection<Integer> userIds);

  /** Users whose {@code updated} is strictly later than {@code updatedSince}; every user when 0. */
  Future<List<UserRecord>> usersUpdatedSince(int updatedSince);

  /** Departments whose {@code updated} is strictly later than {@code updatedSince}; all when 0. */
  Future<List<DepartmentRecord>> departmentsUpdatedSince(int updatedSince);

  /** Sets the avatar URL and bumps {@code updated}; false when the user does not exist. */
  Future<Boolean> updateAvatar(int userId, String avatarUrl);

  /** Sets the sign info and bumps {@code updated}; false when the user does not exist. */
  Future<Boolean> updateSignInfo(int userId, String signInfo);

  /**
   * Sets the user's night-time push shield (TeamTalk's IMUser.push_shield_status: 0 off, 1 no pushes at
   * night); false when the user does not exist.
   */
  Future<Boolean> setPushShield(int userId, int shieldStatus);

  /** The user's push shield status (0 or 1); null when the user does not exist. */
  Future<Integer> pushShield(int userId);
}
