package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.support.MysqlTestDatabase;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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

  @Test
  void unreadCountsSurviveRedisLosingItsData() {
    for (int i = 1; i <= 3; i++) {
      save(alice, bob, "m" + i);
    }
    assertThat(unreadFrom(bob, alice)).isEqualTo(3);
    database.flushRedis();
    assertThat(unreadFrom(bob, alice)).isEqualTo(3);
    save(alice, bob, "m4");
    assertThat(unreadFrom(bob, alice)).isEqualTo(4);

    await(store.clearUnread(bob.id(), alice.id()));
    database.flushRedis();
    assertThat(unreadFrom(bob, alice)).isZero();
    save(alice, bob, "m5");
    save(bob, alice, "reply");
    database.flushRedis();
    assertThat(unreadFrom(bob, alice)).isEqualTo(1);
    assertThat(unreadFrom(alice, bob)).isEqualTo(1);
    // the counts are TeamTalk's hash again
    assertThat(database.redis("HGET", "unread_" + bob.id(), Integer.toString(alice.id()))).isEqualTo("1");
  }

  @Test
  void groupUnreadCountsSurviveRedisLosingItsData() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    int t = now();
    for (int i = 1; i <= 3; i++) {
      sendToGroup(alice, group, "g" + i, t);
    }
    database.flushRedis();
    assertThat(groupUnread(bob, group)).isEqualTo(3);
    assertThat(groupUnread(alice, group)).isZero();
    await(store.clearGroupUnread(bob.id(), group.id()));
    database.flushRedis();
    assertThat(groupUnread(bob, group)).isZero();
    assertThat(groupUnread(carol, group)).isEqualTo(3);
    sendToGroup(carol, group, "g4", t);
    database.flushRedis();
    assertThat(groupUnread(bob, group)).isEqualTo(1);
    assertThat(groupUnread(carol, group)).isZero();
    assertThat(groupUnread(alice, group)).isEqualTo(1);
  }

  @Test
  void pushSettingsSurviveRedisLosingItsData() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob);
    await(store.setDeviceToken(alice.id(), 0x11, "abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd"));
    await(store.setGroupShield(bob.id(), group.id(), 1));
    database.flushRedis();
    assertThat(await(store.deviceTokens(List.of(alice.id(), bob.id()))))
        .containsOnly(entry(alice.id(), new DeviceToken(0x11, "abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd")));
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x11, "abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd"));
    assertThat(database.redis("GET", "device_" + alice.id())).isEqualTo("ios:abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd");
    assertThat(database.redis("GET", "device_abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd")).isEqualTo(Integer.toString(alice.id()));
    assertThat(await(store.groupShields(group.id(), List.of(alice.id(), bob.id()))))
        .containsEntry(alice.id(), 0).containsEntry(bob.id(), 1);
    assertThat(database.redis("HGET", "group_set_" + group.id(), bob.id() + "_1")).isEqualTo("1");

    // a new token replaces the old one's reverse entry; a token of digits would take a user's key
    await(store.setDeviceToken(alice.id(), 0x12, "fcm:token-2"));
    assertThat(database.redis("EXISTS", "device_abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd")).isEqualTo("0");
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x12, Integer.toString(bob.id()))))
        .isInstanceOf(StoreException.class);
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x12, "fcm:token-2"));
    assertThat(database.redis("GET", "device_" + bob.id())).isNull();

    // a gone token leaves both of its keys
    assertThat(await(store.removeDeviceToken(alice.id(), "fcm:token-2"))).isTrue();
    assertThat(database.redis("EXISTS", "device_" + alice.id())).isEqualTo("0");
    assertThat(database.redis("EXISTS", "device_fcm:token-2")).isEqualTo("0");
    assertThat(await(store.deviceToken(alice.id()))).isNull();
  }

  @Test
  void idsContinueWhenOneCounterIsDeletedOrRedisComesBackFromAnOldSnapshot() {
    MessageRecord first = save(alice, bob, "one");
    save(alice, bob, "two");
    database.redis("DEL", "msg_id_" + relationOf(alice, bob));
    assertThat(save(bob, alice, "three").msgId()).isEqualTo(3);

    // as a Redis restarted from an old snapshot, or a replica promoted before it had the last writes:
    // another server's run_id and an old counter value
    database.redis("SET", "tt_epoch", "0123456789abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd456789abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcdef0123abcd4567:old");
    database.redis("SET", "msg_id_" + relationOf(alice, bob), "1");
    assertThat(save(alice, bob, "four").msgId()).isEqualTo(4);
    assertThat(await(store.messages(bob.id(), alice.id(), 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(4, 3, 2, 1);
    assertThat(await(store.messagesByIds(bob.id(), alice.id(), List.of(first.msgId())))).singleElement()
        .satisfies(m -> assertThat(new String(m.msgData(), StandardCharsets.UTF_8)).isEqualTo("one"));
  }

  @Test
  void concurrentSendersGetEveryIdOnceAcrossAFlush() {
    List<Future<MessageRecord>> saves = new ArrayList<>();
    List<UserRecord> senders = List.of(alice, bob, carol);
    for (int i = 0; i < 300; i++) {
      UserRecord from = senders.get(i % 3);
      UserRecord to = senders.get((i + 1) % 3);
      saves.add(store.saveMessage(from.id(), to.id(), 1, ("c" + i).getBytes(StandardCharsets.UTF_8), now()));
      if (i == 150) {
        database.flushRedis();
      }
    }
    await(Future.join(saves));
    List<MessageRecord> stored = saves.stream().filter(Future::succeeded).map(Future::result).toList();
    assertThat(stored).hasSize(300);
    for (UserRecord from : senders) {
      UserRecord to = senders.get((senders.indexOf(from) + 1) % 3);
      List<MessageRecord> history = await(store.messages(from.id(), to.id(), 0, 1000));
      assertThat(history).extracting(MessageRecord::msgId).doesNotHaveDuplicates().hasSize(100);
      assertThat(history).extracting(m -> new String(m.msgData(), StandardCharsets.UTF_8)).doesNotHaveDuplicates();
      assertThat(unreadFrom(to, from)).isEqualTo(100);
    }
  }

  private MessageRecord save(UserRecord from, UserRecord to, String text) {
    return await(store.saveMessage(from.id(), to.id(), 1, text.getBytes(StandardCharsets.UTF_8), now()));
  }

  private int unreadFrom(UserRecord reader, UserRecord sender) {
    return await(store.unreadCounts(reader.id())).stream().filter(u -> u.peerId() == sender.id())
        .mapToInt(UnreadRecord::count).sum();
  }

  private int groupUnread(UserRecord reader, GroupRecord group) {
    return await(store.groupUnreadCounts(reader.id())).stream().filter(u -> u.peerId() == group.id())
        .mapToInt(UnreadRecord::count).sum();
  }

  private long relationOf(UserRecord a, UserRecord b) {
    return database.queryNumber("SELECT MIN(id) FROM IMRelationShip WHERE smallId = " + Math.min(a.id(), b.id())
        + " AND bigId = " + Math.max(a.id(), b.id()));
  }
}
