package io.ttvertx.support;

import io.ttvertx.config.StoreOptions;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static io.ttvertx.support.Await.await;

/**
 * A fresh MariaDB database (and an emptied Redis database) for one test class, on the local servers
 * (127.0.0.1:3306 root without password, 127.0.0.1:6379). Skips the test unless "mysql" is among the
 * stores named by the tt.test.stores system property.
 */
public final class MysqlTestDatabase {
  public final String name;
  public final int redisDatabase;
  private final Vertx vertx;

  private MysqlTestDatabase(Vertx vertx, String name, int redisDatabase) {
    this.vertx = vertx;
    this.name = name;
    this.redisDatabase = redisDatabase;
  }

  public static boolean enabled(String store) {
    return Arrays.asList(System.getProperty("tt.test.stores", "embedded,mysql").split(",")).contains(store);
  }

  /** An empty database; the store creates its tables. */
  public static MysqlTestDatabase empty(Vertx vertx, int redisDatabase) {
    Assumptions.assumeTrue(enabled(StoreOptions.MYSQL), "mysql store not selected (tt.test.stores)");
    MysqlTestDatabase db = new MysqlTestDatabase(vertx, "tt_test_" + UUID.randomUUID().toString().substring(0, 8),
        redisDatabase);
    db.admin("CREATE DATABASE " + db.name + " DEFAULT CHARACTER SET utf8mb4");
    db.flushRedis();
    return db;
  }

  /** Where TeamTalk's own schema dump is expected: ../shared/teamtalk/ttopen.sql beside the project. */
  public static Path teamTalkSchemaDump() {
    return Path.of(System.getProperty("user.dir"), "..", "shared", "teamtalk", "ttopen.sql").normalize();
  }

  /**
   * A database created by TeamTalk's own ttopen.sql; the test is skipped, saying why, when the dump is
   * not beside the project (a clone on its own).
   */
  public static MysqlTestDatabase fromTeamTalkSchema(Vertx vertx, int redisDatabase) throws IOException,
      InterruptedException {
    Assumptions.assumeTrue(enabled(StoreOptions.MYSQL), "mysql store not selected (tt.test.stores)");
    Path dump = teamTalkSchemaDump();
    Assumptions.assumeTrue(Files.exists(dump), "TeamTalk's schema dump is not at " + dump
        + ": the tests on a database created by TeamTalk's own ttopen.sql are skipped");
    MysqlTestDatabase db = new MysqlTestDatabase(vertx, "tt_ttopen_" + UUID.randomUUID().toString().substring(0, 8),
        redisDatabase);
    String sql = Files.readString(dump, StandardCharsets.UTF_8)
        .replace("DROP DATABASE IF EXISTS teamtalk;", "")
        .replace("CREATE DATABASE teamtalk", "CREATE DATABASE " + db.name)
        .replace("USE teamtalk;", "USE " + db.name + ";");
    Path rewritten = Files.createTempFile("ttopen", ".sql");
    Files.writeString(rewritten, sql);
    String client = Files.exists(Path.of("/usr/bin/mariadb")) ? "mariadb" : "mysql";
    Process load = new ProcessBuilder(client, "-h127.0.0.1", "-uroot")
        .redirectInput(rewritten.toFile()).redirectErrorStream(true).start();
    String output = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (load.waitFor() != 0) {
      throw new IllegalStateException("loading ttopen.sql failed: " + output);
    }
    db.flushRedis();
    return db;
  }

  public StoreOptions storeOptions() {
    return new StoreOptions().setType(StoreOptions.MYSQL).setMysqlDatabase(name).setRedisDatabase(redisDatabase);
  }

  /** Runs a statement in this database. */
  public void execute(String sql) {
    run(name, sql);
  }

  /** The first column of the first row a query answers, as a number. */
  public long queryNumber(String sql) {
    Pool pool = pool(name);
    try {
      return ((Number) await(pool.query(sql).execute()).iterator().next().getValue(0)).longValue();
    } finally {
      pool.close();
    }
  }

  public void drop() {
    admin("DROP DATABASE IF EXISTS " + name);
    flushRedis();
  }

  private void admin(String sql) {
    run(null, sql);
  }

  private void run(String database, String sql) {
    Pool pool = pool(database);
    try {
      await(pool.query(sql).execute());
    } finally {
      pool.close();
    }
  }

  private Pool pool(String database) {
    MySQLConnectOptions options = new MySQLConnectOptions().setHost("127.0.0.1").setPort(3306).setUser("root")
        .setPassword("");
    if (database != null) {
      options.setDatabase(database);
    }
    return MySQLBuilder.pool().connectingTo(options).using(vertx).build();
  }

  /** Runs one command on this test's Redis database; its answer as text (null for none). */
  public String redis(String... command) {
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379/" + redisDatabase);
    try {
      Request request = Request.cmd(Command.create(command[0]));
      for (int i = 1; i < command.length; i++) {
        request.arg(command[i]);
      }
      Response answer = await(redis.send(request));
      return answer == null ? null : answer.toString();
    } finally {
      redis.close();
    }
  }

  /** Empties this test's Redis database, as if Redis had lost its data. */
  public void flushRedis() {
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:6379/" + redisDatabase);
    try {
      await(RedisAPI.api(redis).flushdb(List.of()));
    } finally {
      redis.close();
    }
  }

}
