package io.ttvertx.store;

import io.vertx.core.Future;

import java.util.List;

/** Administration (the CLI): creating users and departments, listing them. */
public interface AdminStore {

  /** Creates a user; fails with {@link StoreException} when the name is taken or the department unknown. */
  Future<UserRecord> addUser(NewUser user);

  /** Creates all users in one transaction: either every row is stored or none is. Returns the count. */
  Future<Integer> importUsers(List<NewUser> users);

  /** Every user, ascending by id. */
  Future<List<UserRecord>> listUsers();

  /** Creates a department; fails with {@link StoreException} when the name is taken. */
  Future<DepartmentRecord> addDepartment(String name, int parentId, int priority);
}
