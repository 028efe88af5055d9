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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.ttvertx.support.Await.await;
import static io.ttvertx.support.Await.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

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
    await(store.setDeviceToken(alice.id(), 0x11, APNS_TOKEN));
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x11, APNS_TOKEN));
    assertThat(await(store.deviceToken(bob.id()))).isNull();
  }

  private static final String APNS_TOKEN = "0123456789abcdef".repeat(4);

  @Test
  void refusesDeviceTokensOfTheWrongFormatForTheirPlatform() {
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x11, "token-b"))).isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x11, APNS_TOKEN.substring(2))))
        .isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x11, "ab".repeat(101))))
        .isInstanceOf(StoreException.class);
    await(store.setDeviceToken(alice.id(), 0x11, "AB".repeat(100)));
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x12, "a".repeat(256))))
        .isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x12, "fcm token"))).isInstanceOf(StoreException.class);
    await(store.setDeviceToken(alice.id(), 0x12, "a".repeat(255)));
    assertThat(awaitFailure(store.setDeviceToken(alice.id(), 0x01, APNS_TOKEN))).isInstanceOf(StoreException.class);
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x12, "a".repeat(255)));
  }

  @Test
  void readsTheTokensOfManyUsersAtOnce() {
    await(store.setDeviceToken(alice.id(), 0x12, "token-a"));
    await(store.setDeviceToken(carol.id(), 0x11, APNS_TOKEN));
    assertThat(await(store.deviceTokens(List.of(alice.id(), bob.id(), carol.id(), 9999, alice.id()))))
        .containsOnly(entry(alice.id(), new DeviceToken(0x12, "token-a")), entry(carol.id(), new DeviceToken(0x11, APNS_TOKEN)));
    assertThat(await(store.deviceTokens(List.of()))).isEmpty();
  }

  @Test
  void removesADeviceTokenOnlyWhileItIsStillTheUsers() {
    await(store.setDeviceToken(alice.id(), 0x12, "old-token"));
    await(store.setDeviceToken(alice.id(), 0x12, "new-token"));
    assertThat(await(store.removeDeviceToken(alice.id(), "old-token"))).isFalse();
    assertThat(await(store.removeDeviceToken(bob.id(), "new-token"))).isFalse();
    assertThat(await(store.deviceToken(alice.id()))).isEqualTo(new DeviceToken(0x12, "new-token"));
    assertThat(await(store.removeDeviceToken(alice.id(), "new-token"))).isTrue();
    assertThat(await(store.deviceToken(alice.id()))).isNull();
    assertThat(await(store.removeDeviceToken(alice.id(), "new-token"))).isFalse();
  }

  @Test
  void keepsTheNightPushShieldInTheUserRow() {
    assertThat(await(store.pushShield(alice.id()))).isZero();
    assertThat(await(store.setPushShield(alice.id(), 1))).isTrue();
    assertThat(await(store.setPushShield(alice.id(), 1))).isTrue();
    assertThat(await(store.pushShield(alice.id()))).isEqualTo(1);
    assertThat(await(store.pushShield(bob.id()))).isZero();
    assertThat(await(store.setPushShield(alice.id(), 0))).isTrue();
    assertThat(await(store.pushShield(alice.id()))).isZero();
    assertThat(await(store.setPushShield(9999, 1))).isFalse();
    assertThat(await(store.pushShield(9999))).isNull();
  }

  @Test
  void offlineFilesAreListedForTheReceiverAndForgottenOnlyBySenderOrReceiver() {
    OfflineFile report = new OfflineFile(alice.id(), bob.id(), "task-1", "report.pdf", 3_000_000_000L, 100);
    OfflineFile photo = new OfflineFile(carol.id(), bob.id(), "task-2", "照片.jpg", 5, 200);
    await(store.addOfflineFile(photo));
    await(store.addOfflineFile(report));
    await(store.addOfflineFile(report));
    assertThat(await(store.offlineFilesFor(bob.id()))).containsExactly(report, photo);
    assertThat(await(store.offlineFilesFor(alice.id()))).isEmpty();

    assertThat(await(store.removeOfflineFile(carol.id(), "task-1"))).isNull();
    assertThat(await(store.offlineFilesFor(bob.id()))).hasSize(2);
    assertThat(await(store.removeOfflineFile(alice.id(), "task-1"))).isEqualTo(report);
    assertThat(await(store.removeOfflineFile(bob.id(), "task-2"))).isEqualTo(photo);
    assertThat(await(store.offlineFilesFor(bob.id()))).isEmpty();
  }

  @Test
  void offlineFilesPastTheirRetentionAreRemoved() {
    await(store.addOfflineFile(new OfflineFile(alice.id(), bob.id(), "old", "a.txt", 1, 1_000)));
    await(store.addOfflineFile(new OfflineFile(alice.id(), bob.id(), "new", "b.txt", 1, 2_000)));
    assertThat(await(store.removeOfflineFilesBefore(2_000))).isEqualTo(1);
    assertThat(await(store.offlineFilesFor(bob.id()))).extracting(OfflineFile::taskId).containsExactly("new");
  }

  // ---- groups

  protected static int now() {
    return (int) (System.currentTimeMillis() / 1000);
  }

  protected GroupRecord group(UserRecord creator, int type, UserRecord... members) {
    return await(store.createGroup(creator.id(), "group of " + creator.name(), "", type,
        java.util.Arrays.stream(members).map(UserRecord::id).toList()));
  }

  protected StoredGroupMessage sendToGroup(UserRecord from, GroupRecord group, String text, int createTime) {
    return await(store.saveGroupMessage(from.id(), group.id(), 1, utf8(text), createTime));
  }

  private static String text(MessageRecord message) {
    return new String(message.msgData(), StandardCharsets.UTF_8);
  }

  @Test
  void createsGroupsWithTheCreatorAndExistingUsers() {
    GroupRecord temp = await(store.createGroup(alice.id(), "lunch", "http://x/g.png", Store.GROUP_TYPE_TEMPORARY,
        List.of(bob.id(), 9999, bob.id())));
    assertThat(temp.members()).containsExactlyInAnyOrder(alice.id(), bob.id());
    assertThat(temp.version()).isEqualTo(1);
    assertThat(temp.creatorId()).isEqualTo(alice.id());
    assertThat(temp.type()).isEqualTo(Store.GROUP_TYPE_TEMPORARY);
    // the administration (0) is no member
    GroupRecord normal = await(store.createGroup(0, "x".repeat(256), "", Store.GROUP_TYPE_NORMAL,
        List.of(alice.id(), carol.id())));
    assertThat(normal.members()).containsExactlyInAnyOrder(alice.id(), carol.id());
    assertThat(normal.id()).isNotEqualTo(temp.id());

    assertThat(await(store.groupsByIds(List.of(temp.id(), normal.id(), 9999)))).hasSize(2)
        .anySatisfy(g -> {
          assertThat(g.id()).isEqualTo(temp.id());
          assertThat(g.name()).isEqualTo("lunch");
          assertThat(g.avatar()).isEqualTo("http://x/g.png");
          assertThat(g.creatorId()).isEqualTo(alice.id());
          assertThat(g.type()).isEqualTo(Store.GROUP_TYPE_TEMPORARY);
          assertThat(g.status()).isZero();
          assertThat(g.version()).isEqualTo(1);
          assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id());
        })
        .anySatisfy(g -> assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), carol.id()));
    assertThat(await(store.userGroups(alice.id(), 0))).extracting(GroupVersion::groupId)
        .containsExactlyInAnyOrder(temp.id(), normal.id());
    assertThat(await(store.userGroups(alice.id(), Store.GROUP_TYPE_NORMAL)))
        .containsExactly(new GroupVersion(normal.id(), 1));
    assertThat(await(store.userGroups(bob.id(), Store.GROUP_TYPE_NORMAL))).isEmpty();
    assertThat(await(store.userGroups(carol.id(), Store.GROUP_TYPE_TEMPORARY))).isEmpty();
    assertThat(await(store.listGroups())).extracting(GroupRecord::id).containsExactly(temp.id(), normal.id());

    for (Future<GroupRecord> refused : List.of(
        store.createGroup(alice.id(), "", "", Store.GROUP_TYPE_TEMPORARY, List.of(bob.id())),
        store.createGroup(alice.id(), "x".repeat(257), "", Store.GROUP_TYPE_TEMPORARY, List.of(bob.id())),
        store.createGroup(alice.id(), "g", "a".repeat(257), Store.GROUP_TYPE_TEMPORARY, List.of(bob.id())),
        store.createGroup(alice.id(), "g", "", 3, List.of(bob.id())),
        store.createGroup(0, "g", "", Store.GROUP_TYPE_NORMAL, List.of(9998, 9999)),
        store.createGroup(9997, "g", "", Store.GROUP_TYPE_NORMAL, List.of()))) {
      assertThat(awaitFailure(refused)).isInstanceOf(StoreException.class);
    }
    assertThat(await(store.listGroups())).hasSize(2);
  }

  @Test
  void membersChangeAsTheCreatorOrTheGroupTypeAllows() {
    UserRecord dave = await(store.addUser(new NewUser("dave", "pw", "", "")));
    GroupRecord temp = group(alice, Store.GROUP_TYPE_TEMPORARY, bob);
    GroupRecord normal = group(alice, Store.GROUP_TYPE_NORMAL, bob);

    // a member adds to a temporary group, not to a normal one; a non-member changes nothing
    assertThat(await(store.changeGroupMembers(bob.id(), temp.id(), true, List.of(carol.id(), 9999))))
        .isEqualTo(new GroupChange(true, List.of(carol.id()), List.of(alice.id(), bob.id(), carol.id())));
    assertThat(await(store.changeGroupMembers(bob.id(), normal.id(), true, List.of(dave.id())))).isEqualTo(
        GroupChange.refused());
    assertThat(await(store.changeGroupMembers(dave.id(), temp.id(), true, List.of(dave.id())))).isEqualTo(
        GroupChange.refused());
    assertThat(await(store.changeGroupMembers(dave.id(), temp.id(), false, List.of(dave.id())))).isEqualTo(
        GroupChange.refused());
    // a member removes only themselves
    assertThat(await(store.changeGroupMembers(bob.id(), temp.id(), false, List.of(carol.id())))).isEqualTo(
        GroupChange.refused());
    assertThat(await(store.changeGroupMembers(bob.id(), temp.id(), false, List.of(bob.id(), carol.id()))))
        .isEqualTo(GroupChange.refused());
    assertThat(await(store.changeGroupMembers(carol.id(), temp.id(), false, List.of(carol.id()))))
        .isEqualTo(new GroupChange(true, List.of(carol.id()), List.of(alice.id(), bob.id())));
    assertThat(await(store.groupsByIds(List.of(temp.id())))).singleElement()
        .satisfies(g -> assertThat(g.version()).isEqualTo(3));

    // the creator and the administration change anything; only real changes count
    assertThat(await(store.changeGroupMembers(alice.id(), normal.id(), true, List.of(dave.id(), bob.id(), 9999))))
        .isEqualTo(new GroupChange(true, List.of(dave.id()), List.of(alice.id(), bob.id(), dave.id())));
    assertThat(await(store.changeGroupMembers(alice.id(), normal.id(), false, List.of(bob.id(), 9999))))
        .isEqualTo(new GroupChange(true, List.of(bob.id()), List.of(alice.id(), dave.id())));
    assertThat(await(store.changeGroupMembers(0, normal.id(), true, List.of(carol.id()))).changed())
        .containsExactly(carol.id());
    assertThat(await(store.changeGroupMembers(alice.id(), normal.id(), true, List.of(carol.id()))))
        .isEqualTo(new GroupChange(true, List.of(), List.of(alice.id(), carol.id(), dave.id())));
    assertThat(await(store.groupsByIds(List.of(normal.id())))).singleElement()
        .satisfies(g -> assertThat(g.version()).isEqualTo(4));
    assertThat(await(store.userGroups(bob.id(), 0))).extracting(GroupVersion::groupId).containsExactly(temp.id());
    assertThat(await(store.userGroups(dave.id(), Store.GROUP_TYPE_NORMAL)))
        .containsExactly(new GroupVersion(normal.id(), 4));

    // who left comes back
    assertThat(await(store.changeGroupMembers(alice.id(), temp.id(), true, List.of(carol.id()))).changed())
        .containsExactly(carol.id());
    assertThat(await(store.groupsByIds(List.of(temp.id())))).singleElement().satisfies(g -> {
      assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id(), carol.id());
      assertThat(g.version()).isEqualTo(4);
    });
    assertThat(await(store.changeGroupMembers(alice.id(), 9999, true, List.of(bob.id())))).isEqualTo(
        GroupChange.refused());
  }

  @Test
  void groupMessagesGetIdsInTheOrderTheyArrive() {
    UserRecord dave = await(store.addUser(new NewUser("dave", "pw", "", "")));
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    int t = now();
    for (int i = 1; i <= 3; i++) {
      StoredGroupMessage stored = sendToGroup(i == 2 ? bob : alice, group, "m" + i, t);
      assertThat(stored.message().msgId()).isEqualTo(i);
      assertThat(stored.message().toUserId()).isEqualTo(group.id());
      assertThat(stored.members()).containsExactlyInAnyOrder(alice.id(), bob.id(), carol.id());
    }
    // three senders, none waiting for its answers: no gap, no duplicate, each sender's order kept
    Map<UserRecord, List<Future<StoredGroupMessage>>> bySender = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      for (UserRecord sender : List.of(alice, bob, carol)) {
        bySender.computeIfAbsent(sender, s -> new ArrayList<>())
            .add(store.saveGroupMessage(sender.id(), group.id(), 1, utf8(sender.name() + i), t));
      }
    }
    List<Integer> ids = new ArrayList<>();
    bySender.forEach((sender, saves) -> {
      List<Integer> sent = saves.stream().map(save -> await(save).message().msgId()).toList();
      assertThat(sent).isSorted();
      ids.addAll(sent);
    });
    assertThat(ids.stream().sorted().toList()).isEqualTo(IntStream.rangeClosed(4, 183).boxed().toList());
    assertThat(await(store.latestGroupMessageId(bob.id(), group.id()))).isEqualTo(183);
    assertThat(await(store.latestGroupMessageId(dave.id(), group.id()))).isZero();

    assertThat(awaitFailure(store.saveGroupMessage(dave.id(), group.id(), 1, utf8("let me in"), t)))
        .isInstanceOf(StoreException.class).hasMessageContaining("not a member");
    assertThat(awaitFailure(store.saveGroupMessage(alice.id(), 9999, 1, utf8("nowhere"), t)))
        .isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.saveGroupMessage(alice.id(), group.id(), 1, new byte[] {(byte) 0xff}, t)))
        .isInstanceOf(StoreException.class);
    assertThat(sendToGroup(alice, group, "after the refusals", t).message().msgId()).isEqualTo(184);
  }

  @Test
  void groupAudioRoundTripsByteForByte() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_NORMAL, bob);
    byte[] audio = new byte[2000];
    for (int i = 4; i < audio.length; i++) {
      audio[i] = (byte) (i * 13);
    }
    audio[3] = 5;
    StoredGroupMessage saved = await(store.saveGroupMessage(bob.id(), group.id(), 0x12, audio, now()));
    MessageRecord read = await(store.groupMessages(alice.id(), group.id(), 0, 1)).get(0);
    assertThat(read.msgId()).isEqualTo(saved.message().msgId());
    assertThat(read.fromUserId()).isEqualTo(bob.id());
    assertThat(read.msgType()).isEqualTo(0x12);
    assertThat(read.msgData()).isEqualTo(audio);
  }

  @Test
  void groupHistoryPagesAndStartsWhenTheMemberJoined() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob);
    int t = now();
    // sent (by the time they carry) before anyone joined: nobody's history shows them
    sendToGroup(alice, group, "m1", t - 100);
    sendToGroup(alice, group, "m2", t - 100);
    for (int i = 3; i <= 7; i++) {
      sendToGroup(i % 2 == 0 ? bob : alice, group, "m" + i, t + 5);
    }
    assertThat(await(store.groupMessages(bob.id(), group.id(), 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(7, 6, 5, 4, 3);
    assertThat(await(store.groupMessages(bob.id(), group.id(), 0, 2))).extracting(MessageRecord::msgId)
        .containsExactly(7, 6);
    assertThat(await(store.groupMessages(bob.id(), group.id(), 5, 2))).extracting(StoreContractTest::text)
        .containsExactly("m5", "m4");
    assertThat(await(store.groupMessages(bob.id(), group.id(), 0, 0))).isEmpty();
    assertThat(await(store.groupMessagesByIds(bob.id(), group.id(), List.of(1, 3, 5, 99))))
        .extracting(MessageRecord::msgId).containsExactly(5, 3);
    assertThat(await(store.groupMessages(carol.id(), group.id(), 0, 10))).isEmpty();
    assertThat(await(store.groupMessagesByIds(carol.id(), group.id(), List.of(3)))).isEmpty();

    await(store.changeGroupMembers(alice.id(), group.id(), true, List.of(carol.id())));
    assertThat(await(store.groupMessages(carol.id(), group.id(), 0, 10))).extracting(MessageRecord::msgId)
        .containsExactly(7, 6, 5, 4, 3);
    await(store.changeGroupMembers(carol.id(), group.id(), false, List.of(carol.id())));
    assertThat(await(store.groupMessages(carol.id(), group.id(), 0, 10))).isEmpty();
    assertThat(await(store.latestGroupMessageId(carol.id(), group.id()))).isZero();
  }

  @Test
  void groupUnreadIsWhatOthersSentSinceTheLastRead() {
    UserRecord dave = await(store.addUser(new NewUser("dave", "pw", "", "")));
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    int t = now();
    sendToGroup(alice, group, "one", t);
    sendToGroup(alice, group, "two", t);
    sendToGroup(bob, group, "three", t);
    assertThat(await(store.groupUnreadCounts(alice.id()))).singleElement().satisfies(u -> {
      assertThat(u.peerId()).isEqualTo(group.id());
      assertThat(u.sessionType()).isEqualTo(2);
      assertThat(u.count()).isEqualTo(1);
      assertThat(text(u.latest())).isEqualTo("three");
    });
    // the sender has read the whole group
    assertThat(await(store.groupUnreadCounts(bob.id()))).isEmpty();
    assertThat(await(store.groupUnreadCounts(carol.id()))).singleElement()
        .satisfies(u -> assertThat(u.count()).isEqualTo(3));
    await(store.clearGroupUnread(carol.id(), group.id()));
    assertThat(await(store.groupUnreadCounts(carol.id()))).isEmpty();

    // a new member has nothing unread of what was sent before
    await(store.changeGroupMembers(alice.id(), group.id(), true, List.of(dave.id())));
    assertThat(await(store.groupUnreadCounts(dave.id()))).isEmpty();
    sendToGroup(alice, group, "four", t);
    assertThat(await(store.groupUnreadCounts(dave.id()))).singleElement()
        .satisfies(u -> assertThat(u.count()).isEqualTo(1));
    assertThat(await(store.groupUnreadCounts(carol.id()))).singleElement()
        .satisfies(u -> assertThat(u.count()).isEqualTo(1));
    // group and 1:1 unread counts are apart
    assertThat(await(store.unreadCounts(carol.id()))).isEmpty();

    // a removed member keeps no unread count (and no session) of the group
    assertThat(await(store.recentSessions(bob.id(), 0))).extracting(SessionRecord::peerId).containsExactly(group.id());
    await(store.changeGroupMembers(alice.id(), group.id(), false, List.of(bob.id(), carol.id())));
    assertThat(await(store.groupUnreadCounts(bob.id()))).isEmpty();
    assertThat(await(store.groupUnreadCounts(carol.id()))).isEmpty();
    assertThat(await(store.recentSessions(bob.id(), 0))).isEmpty();
    await(store.changeGroupMembers(alice.id(), group.id(), true, List.of(carol.id())));
    assertThat(await(store.groupUnreadCounts(carol.id()))).isEmpty();
  }

  @Test
  void aGroupIsTheSendersRecentSessionWithItsLatestMessage() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    int t = now();
    await(store.saveMessage(alice.id(), bob.id(), 1, utf8("1:1"), t - 10));
    sendToGroup(carol, group, "from carol", t - 5);
    sendToGroup(alice, group, "to the group", t);
    List<SessionRecord> sessions = await(store.recentSessions(alice.id(), 0));
    assertThat(sessions).extracting(SessionRecord::peerId, SessionRecord::sessionType)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(group.id(), 2), org.assertj.core.groups.Tuple.tuple(bob.id(), 1));
    assertThat(sessions.get(0).updated()).isEqualTo(t);
    assertThat(text(sessions.get(0).latest())).isEqualTo("to the group");
    // TeamTalk touches only the sender's session
    assertThat(await(store.recentSessions(bob.id(), 0))).extracting(SessionRecord::sessionType).containsExactly(1);

    await(store.removeSession(alice.id(), group.id(), 2));
    assertThat(await(store.recentSessions(alice.id(), 0))).extracting(SessionRecord::peerId).containsExactly(bob.id());
    sendToGroup(alice, group, "back", t + 1);
    assertThat(await(store.recentSessions(alice.id(), 0))).first()
        .satisfies(s -> assertThat(text(s.latest())).isEqualTo("back"));
    assertThat(await(store.recentSessions(carol.id(), 0))).singleElement()
        .satisfies(s -> assertThat(text(s.latest())).isEqualTo("back"));
  }

  @Test
  void membersSetTheirPushShield() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_NORMAL, bob);
    assertThat(await(store.groupShields(group.id(), List.of(alice.id(), bob.id()))))
        .containsOnly(entry(alice.id(), 0), entry(bob.id(), 0));
    assertThat(await(store.setGroupShield(bob.id(), group.id(), 1))).isTrue();
    assertThat(await(store.groupShields(group.id(), List.of(alice.id(), bob.id()))))
        .containsOnly(entry(alice.id(), 0), entry(bob.id(), 1));
    assertThat(await(store.setGroupShield(bob.id(), group.id(), 0))).isTrue();
    assertThat(await(store.groupShields(group.id(), List.of(bob.id())))).containsOnly(entry(bob.id(), 0));
    assertThat(await(store.setGroupShield(carol.id(), group.id(), 1))).isFalse();
    assertThat(await(store.setGroupShield(bob.id(), 9999, 1))).isFalse();
  }

  /** Several hundred messages a second into a 500-member group: a message costs O(1) writes, not one per member. */
  @Test
  void aLargeGroupTakesManyMessages() {
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      users.add(new NewUser("member" + i, "pw", "", ""));
    }
    await(store.importUsers(users));
    List<Integer> ids = await(store.listUsers()).stream().map(UserRecord::id).toList();
    GroupRecord group = await(store.createGroup(0, "everyone", "", Store.GROUP_TYPE_NORMAL, ids));
    assertThat(group.members()).hasSize(503);
    int t = now();
    long started = System.nanoTime();
    List<Future<StoredGroupMessage>> saves = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      saves.add(store.saveGroupMessage(ids.get(i % 10), group.id(), 1, utf8("load " + i), t));
    }
    await(Future.all(saves));
    long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
    System.out.printf("%s: 2000 messages into a 503-member group in %d ms (%d msg/s)%n", getClass().getSimpleName(),
        ms, 2000_000 / ms);
    assertThat(saves.stream().map(f -> f.result().message().msgId()).sorted().toList())
        .isEqualTo(IntStream.rangeClosed(1, 2000).boxed().toList());
    assertThat(await(store.groupUnreadCounts(ids.get(400)))).singleElement()
        .satisfies(u -> assertThat(u.count()).isEqualTo(2000));
  }

  /** The administration renames (the version rises) and dissolves groups; a dissolved group's history stays readable to it. */
  @Test
  void theAdministrationRenamesAndDissolvesGroupsAndReadsAWholeHistory() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_NORMAL, bob, carol);
    int t = now();
    await(store.saveGroupMessage(bob.id(), group.id(), 0x11, utf8("before"), t));
    await(store.saveGroupMessage(carol.id(), group.id(), 0x11, utf8("later"), t));

    GroupRecord renamed = await(store.renameGroup(group.id(), "renamed", null));
    assertThat(renamed.name()).isEqualTo("renamed");
    assertThat(renamed.avatar()).isEqualTo(group.avatar());
    assertThat(renamed.version()).isEqualTo(group.version() + 1);
    assertThat(await(store.renameGroup(group.id(), null, "http://example.com/a.png")).version())
        .isEqualTo(group.version() + 2);
    assertThat(awaitFailure(store.renameGroup(group.id(), "x".repeat(257), null))).isInstanceOfSatisfying(
        AdminRefusal.class, refusal -> assertThat(refusal.kind()).isEqualTo(AdminRefusal.Kind.INVALID));
    assertThat(awaitFailure(store.renameGroup(9999, "ghost", null))).isInstanceOfSatisfying(AdminRefusal.class,
        refusal -> assertThat(refusal.kind()).isEqualTo(AdminRefusal.Kind.NOT_FOUND));

    GroupChange dissolved = await(store.dissolveGroup(group.id()));
    assertThat(dissolved.changed()).containsExactlyInAnyOrder(alice.id(), bob.id(), carol.id());
    assertThat(dissolved.current()).isEmpty();
    assertThat(await(store.groupsByIds(List.of(group.id())))).isEmpty();
    assertThat(await(store.listGroups())).extracting(GroupRecord::id).doesNotContain(group.id());
    assertThat(await(store.userGroups(bob.id(), 0))).extracting(GroupVersion::groupId).doesNotContain(group.id());
    assertThat(await(store.groupUnreadCounts(alice.id()))).noneMatch(u -> u.peerId() == group.id());
    assertThat(await(store.groupMessages(bob.id(), group.id(), 0, 10))).isEmpty();
    assertThat(awaitFailure(store.saveGroupMessage(bob.id(), group.id(), 0x11, utf8("after"), t)))
        .isInstanceOf(StoreException.class);
    assertThat(awaitFailure(store.dissolveGroup(group.id()))).isInstanceOfSatisfying(AdminRefusal.class,
        refusal -> assertThat(refusal.kind()).isEqualTo(AdminRefusal.Kind.NOT_FOUND));
    assertThat(awaitFailure(store.renameGroup(group.id(), "again", null))).isInstanceOf(AdminRefusal.class);

    assertThat(await(store.allGroupMessages(group.id(), 0, 10))).extracting(MessageRecord::msgId).containsExactly(2, 1);
    assertThat(await(store.allGroupMessages(group.id(), 1, 10))).extracting(MessageRecord::fromUserId)
        .containsExactly(bob.id());
  }
}
