package io.ttvertx.store.sql;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.function.Function;

/**
 * One SQL database with TeamTalk's tables: the connection pool, transactions, and what differs
 * between MySQL/MariaDB and H2 (connecting, the schema, generated keys).
 */
public abstract class SqlDatabase {
  protected final Vertx vertx;
  protected Pool pool;

  protected SqlDatabase(Vertx vertx) {
    this.vertx = vertx;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** Opens the pool (sets {@link #pool}). */
  protected abstract Future<Void> connect();

  /** Idempotent schema statements (CREATE TABLE IF NOT EXISTS and the like) for every table the store uses. */
  protected abstract List<String> schema();

  /** Runs an INSERT and returns the generated auto-increment id. */
  public abstract Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params);

  /** True on MySQL/MariaDB, whose locking reads wait for rows other transactions inserted but not committed. */
  public abstract boolean isMysql();

  /** Connects and creates what is missing of the schema. */
  public Future<Void> start() {
    return connect().compose(v -> {
      Future<Void> chain = Future.succeededFuture();
      for (String statement : schema()) {
        chain = chain.compose(x -> pool.query(statement).execute().mapEmpty());
      }
      return chain;
    });
  }

  public Future<Void> close() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Runs {@code work} in one transaction on one connection of the pool. */
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }
}
