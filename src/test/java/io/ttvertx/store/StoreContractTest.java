package io.ttvertx.store;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.config.StoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

/** What every store must do; run against each backend by a subclass. */
public abstract class StoreContractTest {
  protected Vertx vertx;
  protected Store store;
  protected UserRecord alice;
  protected UserRecord bob;
  protected UserRecord carol;

  /** Prepares a fresh, empty backend and returns the options that select it. */
  protected abstract StoreOptions freshStore();

  protected abstract void dropStore();

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    StoreOptions options = freshStore();
    store = Stores.create(vertx, options);
    await(store.start());
    alice = await(store.addUser(new NewUser("alice", "secret", "Alice", "Dev")));
    bob = await(store.addUser(new NewUser("bob", "hunter2", "", "Sales")));
    carol = await(store.addUser(new NewUser("carol", "pw", null, null)));
  }

  @AfterEach
  void close() {
    if (store != null) {
      await(store.close());
    }
    dropStore();
    await(vertx.close());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private MessageRecord save(UserRecord from, UserRecord to, String text) {
    return await(store.saveMessage(from.id(), to.id(), 1, utf8(text), (int) (System.currentTimeMillis() / 1000)));
  }

  @Test
  void authenticatesWithTeamTalksPasswordDigest() {
    UserRecord found = await(store.authenticate("alice", TeamTalkClient.passwordDigest("secret")));
    assertThat(found.id()).isEqualTo(alice.id());
    assertThat(found.nick()).isEqualTo("Alice");
    assertThat(await(store.authenticate("alice", TeamTalkClient.passwordDigest("wrong")))).isNull();
    assertThat(await(store.authenticate("nobody", TeamTalkClient.passwordDigest("secret")))).isNull();
    assertThat(await(store.authenticate("alice' OR '1'='1", TeamTalkClient.passwordDigest("secret")))).isNull();
    assertThat(await(store.authenticate("", ""))).isNull();
    assertThat(bob.nick()).isEqualTo("bob");
  }

  @Test
  void listsUsersAndDepartments() {
    assertThat(await(store.usersByIds(List.of(alice.id(), carol.id(), 9999)))).extracting(UserRecord::name)
        .containsExactlyInAnyOrder("alice", "carol");
    assertThat(await(store.usersUpdatedSince(0))).extracting(UserRecord::name).containsExactly("alice", "bob", "carol");
    int future = (int) (System.currentTimeMillis() / 1000) + 100;
    assertThat(await(store.usersUpdatedSince(future))).isEmpty();
    List<DepartmentRecord> departments = await(store.departmentsUpdatedSince(0));
    assertThat(departments).extracting(DepartmentRecord::name).containsExactlyInAnyOrder("Dev", "Sales", "Default");
    DepartmentRecord dev = departments.stream().filter(d -> d.name().equals("Dev")).findFirst().orElseThrow();
    assertThat(alice.departId()).isEqualTo(dev.id());
    assertThat(await(store.departmentsUpdatedSince(future))).isEmpty();
  }

  @Test
  void updatesAvatarAndSignInfo() {
    assertThat(await(store.updateAvatar(alice.id(), "http://x/a.png"))).isTrue();
    assertThat(await(store.updateSignInfo(alice.id(), "busy"))).isTrue();
    assertThat(await(store.updateSignInfo(alice.id(), "x".repeat(129)))).isFalse();
    assertThat(await(store.updateSignInfo(9999, "ghost"))).isFalse();
    UserRecord updated = await(store.usersByIds(List.of(alice.id()))).get(0);
    assertThat(updated.avatar()).isEqualTo("http://x/a.png");
    assertThat(updated.signInfo()).isEqualTo("busy");
  }

  @Test
  void storesAndListsMessagesNewestFirst() {
    for (int i = 1; i <= 5; i++) {
      MessageRecord saved = save(i % 2 == 0 ? bob : alice, i % 2 == 0 ? alice : bob, "m" + i);
      assertThat(saved.msgId()).isEqualTo(i);
    }
    save(alice, carol, "other conversation");
    assertThat(await(store.messages(alice.id(), bob.id(), 0, 3))).extracting(MessageRecord::msgId).containsExactly(5, 4, 3);
    assertThat(await(store.messages(bob.id(), alice.id(), 2, 10))).extracting(MessageRecord::msgId).containsExactly(2, 1);
    MessageRecord first = await(store.messages(bob.id(), alice.id(), 1, 1)).get(0);
    assertThat(new String(first.msgData(), StandardCharsets.UTF_8)).isEqualTo("m1");
    assertThat(first.fromUserId()).isEqualTo(alice.id());
    assertThat(first.toUserId()).isEqualTo(bob.id());
    assertThat(await(store.messagesByIds(alice.id(), bob.id(), List.of(2, 4, 99)))).extracting(MessageRecord::msgId)
        .containsExactly(4, 2);
    assertThat(await(store.latestMessageId(bob.id(), alice.id()))).isEqualTo(5);
    assertThat(await(store.latestMessageId(bob.id(), carol.id()))).isZero();
    assertThat(await(store.messages(bob.id(), carol.id(), 0, 10))).isEmpty();
  }

  @Test
  void audioRoundTripsByteForByte() {
    byte[] audio = new byte[3000];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (byte) (i * 7);
    }
    audio[0] = 0;
    audio[1] = 0;
    audio[2] = 0;
    audio[3] = 9;
    MessageRecord saved = await(store.saveMessage(alice.id(), bob.id(), 2, audio, 1_700_000_000));
    MessageRecord read = await(store.messages(bob.id(), alice.id(), 0, 1)).get(0);
    assertThat(read.msgId()).isEqualTo(saved.msgId());
    assertThat(read.msgType()).isEqualTo(2);
    assertThat(read.msgData()).isEqualTo(audio);
  }

  @Test
  void countsUnreadPerSenderWithTheLatestMessage() {
    save(alice, bob, "one");
    save(alice, bob, "two");
    save(carol, bob, "from carol");
    save(bob, alice, "reply");
    List<UnreadRecord> unread = await(store.unreadCounts(bob.id()));
    assertThat(unread).hasSize(2);
    UnreadRecord fromAlice = unread.stream().filter(u -> u.peerId() == alice.id()).findFirst().orElseThrow();
    assertThat(fromAlice.count()).isEqualTo(2);
    assertThat(fromAlice.sessionType()).isEqualTo(1);
    // the latest message of the conversation, whoever sent it
    assertThat(new String(fromAlice.latest().msgData(), StandardCharsets.UTF_8)).isEqualTo("reply");
    await(store.clearUnread(bob.id(), alice.id()));
    assertThat(await(store.unreadCounts(bob.id()))).extracting(UnreadRecord::peerId).containsExactly(carol.id());
    assertThat(await(store.unreadCounts(alice.id()))).singleElement().satisfies(u -> assertThat(u.count()).isEqualTo(1));
  }

  @Test
  void recentSessionsAreOrderedRemovableAndComeBack() {
    int t = (int) (System.currentTimeMillis() / 1000);
    await(store.saveMessage(alice.id(), bob.id(), 1, utf8("to bob"), t - 10));
    await(store.saveMessage(carol.id(), alice.id(), 1, utf8("to alice"), t - 5));
    List<SessionRecord> sessions = await(store.recentSessions(alice.id(), 0));
    assertThat(sessions).extracting(SessionRecord::peerId).containsExactly(carol.id(), bob.id());
    assertThat(sessions.get(0).updated()).isEqualTo(t - 5);
    assertThat(new String(sessions.get(0).latest().msgData(), StandardCharsets.UTF_8)).isEqualTo("to alice");
    assertThat(await(store.recentSessions(alice.id(), t - 6))).extracting(SessionRecord::peerId)
        .containsExactly(carol.id());

    await(store.removeSession(alice.id(), carol.id(), 1));
    assertThat(await(store.recentSessions(alice.id(), 0))).extracting(SessionRecord::peerId).containsExactly(bob.id());
    assertThat(await(store.recentSessions(carol.id(), 0))).extracting(SessionRecord::peerId).containsExactly(alice.id());
    await(store.saveMessage(carol.id(), alice.id(), 1, utf8("again"), t));
    assertThat(await(store.recentSessions(alice.id(), 0))).extracting(SessionRecord::peerId)
        .containsExactly(carol.id(), bob.id());
  }

  @Test
  void concurrentSendersGetIdsWithoutGapsOrDuplicates() {
    List<Future<MessageRecord>> saves = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      for (int sender = 0; sender < 4; sender++) {
        UserRecord from = sender % 2 == 0 ? alice : bob;
        UserRecord to = sender % 2 == 0 ? bob : alice;
        saves.add(store.saveMessage(from.id(), to.id(), 1, utf8("c" + i), 1_700_000_000));
      }
    }
    await(Future.all(saves));
    assertThat(saves.stream().map(f -> f.result().msgId()).sorted().toList())
        .isEqualTo(IntStream.rangeClosed(1, 200).boxed().toList());
    assertThat(await(store.latestMessageId(alice.id(), bob.id()))).isEqualTo(200);
  }

  @Test
  void importIsAllOrNothing() {
    List<NewUser> good = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      good.add(new NewUser("user" + i, "pw" + i, "User " + i, i % 3 == 0 ? "Ops" : "Dev"));
    }
    assertThat(await(store.importUsers(good))).isEqualTo(300);
    assertThat(await(store.authenticate("user42", TeamTalkClient.passwordDigest("pw42")))).isNotNull();

    List<NewUser> clashing = List.of(new NewUser("dora", "pw", "", "New Dept"), new NewUser("alice", "pw", "", ""));
    Throwable failure = awaitFailure(store.importUsers(clashing));
    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining("'alice'");
    assertThat(await(store.listUsers())).extracting(UserRecord::name).doesNotContain("dora");
    assertThat(await(store.departmentsUpdatedSince(0))).extracting(DepartmentRecord::name).doesNotContain("New Dept");
    assertThat(awaitFailure(store.addUser(new NewUser("bob", "x", "", "")))).isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.addDepartment("Dev", 0, 0))).isInstanceOf(StoreException.class);
    assertThat(await(store.addDepartment("Research", 0, 5)).priority()).isEqualTo(5);
  }

  @Test
  void keepsOneDeviceTokenPerUser() {
    assertThat(await(store.deviceToken(alice.id()))).isNull();
    await(store.setDeviceToken(alice.id(), 0x12, "token-a"));
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x12, "token-a"));
    await(store.setDeviceToken(alice.id(), 0x11, "token-b"));
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x11, "token-b"));
    assertThat(await(store.deviceToken(bob.id()))).isNull();
  }
}
