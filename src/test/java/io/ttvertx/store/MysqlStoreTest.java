package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.support.MysqlTestDatabase;

/** The contract on MySQL/MariaDB + Redis, on a database the store creates itself. */
class MysqlStoreTest extends StoreContractTest {
  private MysqlTestDatabase database;

  @Override
  protected StoreOptions freshStore() {
    database = MysqlTestDatabase.empty(vertx, 9);
    return database.storeOptions();
  }

  @Override
  protected void dropStore() {
    if (database != null) {
      database.drop();
    }
  }
}
