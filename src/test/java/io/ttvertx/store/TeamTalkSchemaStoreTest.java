package io.ttvertx.store;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.sql.Passwords;
import io.ttvertx.support.MysqlTestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract on a database created by TeamTalk's own ttopen.sql, plus data written the way
 * TeamTalk writes it: users with TeamTalk's password hashing, and messages whose Redis id counter is
 * gone.
 */
class TeamTalkSchemaStoreTest extends StoreContractTest {
  private MysqlTestDatabase database;

  @Override
  protected StoreOptions freshStore() {
    try {
      database = MysqlTestDatabase.fromTeamTalkSchema(vertx, 11);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return database.storeOptions();
  }

  @Override
  protected void dropStore() {
    if (database != null) {
      database.drop();
    }
  }

  @Test
  void userCreatedByTeamTalkLogsIn() {
    String salt = "ab12";
    String stored = Passwords.md5Hex(Passwords.md5Hex("tt-pass") + salt);
    database.execute("INSERT INTO IMUser (sex, name, domain, nick, password, salt, phone, email, avatar, departId,"
        + " status, created, updated, push_shield_status, sign_info) VALUES (1, 'legacy', 'legacy', 'Legacy', '"
        + stored + "', '" + salt + "', '123', 'l@x', '', 1, 0, 1, 1, 0, '')");
    UserRecord legacy = await(store.authenticate("legacy", TeamTalkClient.passwordDigest("tt-pass")));
    assertThat(legacy).isNotNull();
    assertThat(legacy.phone()).isEqualTo("123");
    assertThat(legacy.sex()).isEqualTo(1);
  }

  @Test
  void idsContinueAfterExistingMessagesWhenRedisLostItsCounter() {
    int relateId = 1000;
    database.execute("INSERT INTO IMRelationShip (id, smallId, bigId, status, created, updated) VALUES (" + relateId
        + ", " + Math.min(alice.id(), bob.id()) + ", " + Math.max(alice.id(), bob.id()) + ", 0, 1, 1)");
    for (int msgId = 1; msgId <= 5; msgId++) {
      database.execute("INSERT INTO IMMessage_" + (relateId % 8) + " (relateId, fromId, toId, msgId, content, type,"
          + " status, updated, created) VALUES (" + relateId + ", " + alice.id() + ", " + bob.id() + ", " + msgId
          + ", 'old " + msgId + "', 1, 0, 1, 1)");
    }
    MessageRecord next = await(store.saveMessage(bob.id(), alice.id(), 1, "new".getBytes(StandardCharsets.UTF_8),
        1_700_000_000));
    assertThat(next.msgId()).isEqualTo(6);
    assertThat(await(store.messages(alice.id(), bob.id(), 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(6, 5, 4, 3, 2, 1);
    assertThat(await(store.messagesByIds(alice.id(), bob.id(), List.of(1))).get(0).msgData())
        .isEqualTo("old 1".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A group TeamTalk wrote (IMGroup, IMGroupMember, IMGroupMessage_4) while Redis holds none of it: the
   * members come from IMGroupMember (a member who came back joined when the row was updated) and the
   * message ids continue after the stored ones.
   */
  @Test
  void groupWrittenByTeamTalkWorksWithoutItsRedisKeys() {
    int groupId = 500;
    database.execute("INSERT INTO IMGroup (id, name, avatar, creator, type, userCnt, status, version, lastChated,"
        + " updated, created) VALUES (" + groupId + ", 'legacy', '', " + alice.id() + ", 1, 2, 0, 3, 0, 1, 1)");
    database.execute("INSERT INTO IMGroupMember (groupId, userId, status, created, updated) VALUES (" + groupId + ", "
        + alice.id() + ", 0, 100, 100), (" + groupId + ", " + bob.id() + ", 0, 100, 300), (" + groupId + ", "
        + carol.id() + ", 1, 100, 300)");
    for (int msgId = 1; msgId <= 5; msgId++) {
      database.execute("INSERT INTO IMGroupMessage_" + (groupId % 8) + " (groupId, userId, msgId, content, type, status,"
          + " updated, created) VALUES (" + groupId + ", " + alice.id() + ", " + msgId + ", 'old " + msgId + "', 17, 0, "
          + (100 + 50 * msgId) + ", " + (100 + 50 * msgId) + ")");
    }
    assertThat(await(store.groupsByIds(List.of(groupId)))).singleElement().satisfies(g -> {
      assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id());
      assertThat(g.version()).isEqualTo(3);
      assertThat(g.name()).isEqualTo("legacy");
    });
    assertThat(await(store.userGroups(bob.id(), Store.GROUP_TYPE_NORMAL))).containsExactly(new GroupVersion(groupId, 3));
    assertThat(await(store.groupMessages(alice.id(), groupId, 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(5, 4, 3, 2, 1);
    // bob came back at 300: messages 4 (created 300) and 5 only
    assertThat(await(store.groupMessages(bob.id(), groupId, 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(5, 4);
    assertThat(await(store.groupMessagesByIds(bob.id(), groupId, List.of(1))).isEmpty()).isTrue();
    assertThat(await(store.saveGroupMessage(bob.id(), groupId, 17, "new".getBytes(StandardCharsets.UTF_8),
        1_700_000_000)).message().msgId()).isEqualTo(6);
    assertThat(await(store.latestGroupMessageId(alice.id(), groupId))).isEqualTo(6);
    assertThat(await(store.groupMessagesByIds(alice.id(), groupId, List.of(1))).get(0).msgData())
        .isEqualTo("old 1".getBytes(StandardCharsets.UTF_8));
  }
}
