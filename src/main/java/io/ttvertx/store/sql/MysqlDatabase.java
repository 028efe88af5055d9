package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * MySQL/MariaDB through vertx-mysql-client, with TeamTalk's tables as its ttopen.sql defines them
 * (created when missing) and a few of our own beside them.
 */
public final class MysqlDatabase extends SqlDatabase {
  /** Statements a connection sends before it waits for answers (executeBatch, and the multi-row inserts). */
  private static final int PIPELINING_LIMIT = 32;
  private static final String TABLE_OPTIONS = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

  private final StoreOptions options;

  public MysqlDatabase(Vertx vertx, StoreOptions options) {
    super(vertx);
    this.options = options;
  }

  @Override
  protected Future<Void> connect() {
    MySQLConnectOptions connect = new MySQLConnectOptions()
        .setHost(options.mysqlHost())
        .setPort(options.mysqlPort())
        .setDatabase(options.mysqlDatabase())
        .setUser(options.mysqlUser())
        .setPassword(options.mysqlPassword())
        .setCharset("utf8mb4")
        .setCachePreparedStatements(true)
        .setPipeliningLimit(PIPELINING_LIMIT);
    pool = MySQLBuilder.pool().with(new PoolOptions().setMaxSize(options.mysqlPoolSize()))
        .connectingTo(connect).using(vertx).build();
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  @Override
  public Future<Integer> insertReturningId(SqlClient client, String sql, Tuple params) {
    return client.preparedQuery(sql).execute(params)
        .map(rows -> rows.property(MySQLClient.LAST_INSERTED_ID).intValue());
  }

  @Override
  public boolean isMysql() {
    return true;
  }

  @Override
  protected List<String> schema() {
    List<String> tables = new ArrayList<>(List.of(
        "CREATE TABLE IF NOT EXISTS IMUser (`id` int(11) unsigned NOT NULL AUTO_INCREMENT,"
            + " `sex` tinyint(1) unsigned NOT NULL DEFAULT '0', `name` varchar(32) NOT NULL DEFAULT '',"
            + " `domain` varchar(32) NOT NULL DEFAULT '', `nick` varchar(32) NOT NULL DEFAULT '',"
            + " `password` varchar(32) NOT NULL DEFAULT '', `salt` varchar(4) NOT NULL DEFAULT '',"
            + " `phone` varchar(11) NOT NULL DEFAULT '', `email` varchar(64) NOT NULL DEFAULT '',"
            + " `avatar` varchar(255) DEFAULT '', `departId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(2) unsigned DEFAULT '0', `created` int(11) unsigned NOT NULL,"
            + " `updated` int(11) unsigned NOT NULL, `push_shield_status` tinyint(1) unsigned NOT NULL DEFAULT '0',"
            + " `sign_info` varchar(128) NOT NULL DEFAULT '', PRIMARY KEY (`id`), KEY `idx_domain` (`domain`),"
            + " KEY `idx_name` (`name`), KEY `idx_phone` (`phone`))" + TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS IMDepart (`id` int(11) unsigned NOT NULL AUTO_INCREMENT,"
            + " `departName` varchar(64) NOT NULL DEFAULT '', `priority` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `parentId` int(11) unsigned NOT NULL, `status` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL, `updated` int(11) unsigned NOT NULL, PRIMARY KEY (`id`),"
            + " KEY `idx_departName` (`departName`), KEY `idx_priority_status` (`priority`,`status`))" + TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS IMRelationShip (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `smallId` int(11) unsigned NOT NULL, `bigId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(1) unsigned DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', PRIMARY KEY (`id`),"
            + " KEY `idx_smallId_bigId_status_updated` (`smallId`,`bigId`,`status`,`updated`))"
            + " ENGINE=InnoDB DEFAULT CHARSET=utf8",
        "CREATE TABLE IF NOT EXISTS IMRecentSession (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `userId` int(11) unsigned NOT NULL, `peerId` int(11) unsigned NOT NULL,"
            + " `type` tinyint(1) unsigned DEFAULT '0', `status` tinyint(1) unsigned DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_userId_peerId_status_updated` (`userId`,`peerId`,`status`,`updated`),"
            + " KEY `idx_userId_peerId_type` (`userId`,`peerId`,`type`)) ENGINE=InnoDB DEFAULT CHARSET=utf8",
        "CREATE TABLE IF NOT EXISTS IMAudio (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `fromId` int(11) unsigned NOT NULL, `toId` int(11) unsigned NOT NULL, `path` varchar(255) DEFAULT '',"
            + " `size` int(11) unsigned NOT NULL DEFAULT '0', `duration` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL, PRIMARY KEY (`id`), KEY `idx_fromId_toId` (`fromId`,`toId`))"
            + TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS IMTransmitFile (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `fromId` int(11) unsigned NOT NULL, `toId` int(11) unsigned NOT NULL,"
            + " `fileName` varchar(255) NOT NULL DEFAULT '', `size` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `taskId` varchar(64) NOT NULL DEFAULT '', `status` tinyint(1) unsigned NOT NULL DEFAULT '0',"
            + " `created` int(11) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_toId_status` (`toId`,`status`), KEY `idx_taskId` (`taskId`))" + TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS IMGroup (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `name` varchar(256) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
            + " `avatar` varchar(256) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
            + " `creator` int(11) unsigned NOT NULL DEFAULT '0', `type` tinyint(3) unsigned NOT NULL DEFAULT '1',"
            + " `userCnt` int(11) unsigned NOT NULL DEFAULT '0', `status` tinyint(3) unsigned NOT NULL DEFAULT '1',"
            + " `version` int(11) unsigned NOT NULL DEFAULT '1', `lastChated` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " PRIMARY KEY (`id`), KEY `idx_name` (`name`(191)), KEY `idx_creator` (`creator`))" + TABLE_OPTIONS,
        "CREATE TABLE IF NOT EXISTS IMGroupMember (`id` int(11) NOT NULL AUTO_INCREMENT,"
            + " `groupId` int(11) unsigned NOT NULL, `userId` int(11) unsigned NOT NULL,"
            + " `status` tinyint(4) unsigned NOT NULL DEFAULT '1', `created` int(11) unsigned NOT NULL DEFAULT '0',"
            + " `updated` int(11) unsigned NOT NULL DEFAULT '0', PRIMARY KEY (`id`),"
            + " KEY `idx_groupId_userId_status` (`groupId`,`userId`,`status`),"
            + " KEY `idx_userId_status_updated` (`userId`,`status`,`updated`),"
            + " KEY `idx_groupId_updated` (`groupId`,`updated`)) ENGINE=InnoDB DEFAULT CHARSET=utf8"));
    for (int i = 0; i < MessageKind.TABLES; i++) {
      tables.add("CREATE TABLE IF NOT EXISTS IMMessage_" + i + " (`id` int(11) NOT NULL AUTO_INCREMENT,"
          + " `relateId` int(11) unsigned NOT NULL, `fromId` int(11) unsigned NOT NULL,"
          + " `toId` int(11) unsigned NOT NULL, `msgId` int(11) unsigned NOT NULL,"
          + " `content` varchar(4096) DEFAULT '', `type` tinyint(2) unsigned NOT NULL DEFAULT '1',"
          + " `status` tinyint(1) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL,"
          + " `created` int(11) unsigned NOT NULL, PRIMARY KEY (`id`),"
          + " KEY `idx_relateId_status_created` (`relateId`,`status`,`created`),"
          + " KEY `idx_relateId_status_msgId_created` (`relateId`,`status`,`msgId`,`created`),"
          + " KEY `idx_fromId_toId_created` (`fromId`,`toId`,`status`))" + TABLE_OPTIONS);
      tables.add("CREATE TABLE IF NOT EXISTS IMGroupMessage_" + i + " (`id` int(11) NOT NULL AUTO_INCREMENT,"
          + " `groupId` int(11) unsigned NOT NULL, `userId` int(11) unsigned NOT NULL,"
          + " `msgId` int(11) unsigned NOT NULL, `content` varchar(4096) COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
          + " `type` tinyint(3) unsigned NOT NULL DEFAULT '2', `status` int(11) unsigned NOT NULL DEFAULT '0',"
          + " `updated` int(11) unsigned NOT NULL DEFAULT '0', `created` int(11) unsigned NOT NULL DEFAULT '0',"
          + " PRIMARY KEY (`id`), KEY `idx_groupId_status_created` (`groupId`,`status`,`created`),"
          + " KEY `idx_groupId_msgId_status_created` (`groupId`,`msgId`,`status`,`created`))" + TABLE_OPTIONS);
    }
    // ours, beside TeamTalk's: audio bytes (TeamTalk sends them to msfs), offline files (read by
    // TeamTalk's code, missing from its ttopen.sql), and what must survive Redis losing its data
    tables.add("CREATE TABLE IF NOT EXISTS tt_audio_data (`audioId` int(11) NOT NULL, `data` mediumblob NOT NULL,"
        + " PRIMARY KEY (`audioId`)) ENGINE=InnoDB");
    tables.add("CREATE TABLE IF NOT EXISTS tt_read_position (`userId` int(11) unsigned NOT NULL,"
        + " `sessionType` tinyint(1) unsigned NOT NULL, `peerId` int(11) unsigned NOT NULL,"
        + " `msgId` int(11) unsigned NOT NULL DEFAULT '0', `updated` int(11) unsigned NOT NULL DEFAULT '0',"
        + " PRIMARY KEY (`userId`, `sessionType`, `peerId`)) ENGINE=InnoDB");
    tables.add("CREATE TABLE IF NOT EXISTS tt_device_token (`userId` int(11) unsigned NOT NULL,"
        + " `clientType` int(11) unsigned NOT NULL, `token` varchar(255) NOT NULL, PRIMARY KEY (`userId`))"
        + TABLE_OPTIONS);
    tables.add("CREATE TABLE IF NOT EXISTS tt_group_setting (`groupId` int(11) unsigned NOT NULL,"
        + " `userId` int(11) unsigned NOT NULL, `shield` tinyint(1) unsigned NOT NULL DEFAULT '0',"
        + " PRIMARY KEY (`groupId`, `userId`)) ENGINE=InnoDB");
    return tables;
  }
}
