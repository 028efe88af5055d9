package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.List;

/** Administration (the CLI, and the admin API through the db proxy): users and departments. */
public interface AdminStore {

  /** Creates a user; fails with {@link StoreException} when the name is taken or the department unknown. */
  Future<UserRecord> addUser(NewUser user);

  /** Creates all users in one transaction: either every row is stored or none is. Returns the count. */
  Future<Integer> importUsers(List<NewUser> users);

  /** Every user, ascending by id. */
  Future<List<UserRecord>> listUsers();

  /** Creates a department; fails with {@link StoreException} when the name is taken. */
  Future<DepartmentRecord> addDepartment(String name, int parentId, int priority);
  // The admin API. Refusals fail with AdminRefusal; every change bumps the row's "updated", so clients
  // syncing with a latest update time (ALL_USER, DEPARTMENT) pick it up.

  /** Creates a user in an existing department ({@code profile.departId()} required). */
  Future<UserRecord> createUser(String name, String plainPassword, UserProfile profile);

  /** Changes the non-null fields of the profile. */
  Future<UserRecord> updateUser(int userId, UserProfile changes);

  /** Sets IMUser.status (0 may log in; 3 departed, refused at login). */
  Future<UserRecord> setUserStatus(int userId, int status);

  /** Stores a new password the TeamTalk way (md5 of md5 and a fresh salt). */
  Future<UserRecord> setPassword(int userId, String plainPassword);

  /** Users whose name or nick contains {@code search} (any case; every user when null or empty), by id. */
  Future<UserPage> findUsers(String search, int offset, int limit);

  /** Renames, moves (not under itself or its descendants) or reorders a department; null leaves it. */
  Future<DepartmentRecord> updateDepartment(int departId, String name, Integer parentId, Integer priority);

  /** Marks an empty department deleted (IMDepart.status 1): no users but departed ones, no child departments. */
  Future<DepartmentRecord> deleteDepartment(int departId);

  /** The departments not deleted, by id. */
  Future<List<DepartmentRecord>> listDepartments();
}
