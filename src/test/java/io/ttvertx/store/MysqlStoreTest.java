package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.support.MysqlTestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  void groupsSurviveRedisLosingItsData() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    int t = now();
    for (int i = 1; i <= 3; i++) {
      sendToGroup(alice, group, "m" + i, t);
    }
    await(store.changeGroupMembers(carol.id(), group.id(), false, List.of(carol.id())));
    database.flushRedis();

    // the members come back from IMGroupMember, the ids continue after the stored ones
    assertThat(await(store.groupsByIds(List.of(group.id())))).singleElement()
        .satisfies(g -> assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id()));
    StoredGroupMessage next = sendToGroup(bob, group, "after the loss", t);
    assertThat(next.message().msgId()).isEqualTo(4);
    assertThat(next.members()).containsExactlyInAnyOrder(alice.id(), bob.id());
    assertThat(await(store.groupMessages(alice.id(), group.id(), 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(4, 3, 2, 1);

    database.flushRedis();
    // a change on a lost hash: rebuilt, then changed; who left comes back on their own row
    assertThat(await(store.changeGroupMembers(alice.id(), group.id(), true, List.of(carol.id()))).current())
        .containsExactly(alice.id(), bob.id(), carol.id());
    assertThat(await(store.groupsByIds(List.of(group.id())))).singleElement()
        .satisfies(g -> assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id(), carol.id()));
    assertThat(database.queryNumber("SELECT COUNT(*) FROM IMGroupMember WHERE groupId = " + group.id())).isEqualTo(3);
    assertThat(sendToGroup(carol, group, "back", t + 5).message().msgId()).isEqualTo(5);
  }
}
