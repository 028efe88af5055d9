package io.ttvertx.store;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.support.MysqlTestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The contract on the embedded H2 store, plus durability across a restart. */
class EmbeddedStoreTest extends StoreContractTest {
  private StoreOptions options;

  @Override
  protected StoreOptions freshStore() {
    Assumptions.assumeTrue(MysqlTestDatabase.enabled(StoreOptions.EMBEDDED), "embedded store not selected");
    try {
      Path dir = Files.createTempDirectory("tt-store");
      options = new StoreOptions().setType(StoreOptions.EMBEDDED).setEmbeddedPath(dir.resolve("teamtalk").toString());
      return options;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected void dropStore() {
  }

  @Test
  void dataSurvivesARestart() {
    await(store.saveMessage(alice.id(), bob.id(), 1, "kept".getBytes(StandardCharsets.UTF_8), 1_700_000_000));
    await(store.close());
    store = Stores.create(vertx, options);
    await(store.start());
    assertThat(await(store.messages(bob.id(), alice.id(), 0, 10))).singleElement()
        .satisfies(m -> assertThat(new String(m.msgData(), StandardCharsets.UTF_8)).isEqualTo("kept"));
    assertThat(await(store.unreadCounts(bob.id()))).singleElement().satisfies(u -> assertThat(u.count()).isEqualTo(1));
    assertThat(await(store.saveMessage(bob.id(), alice.id(), 1, new byte[] {'x'}, 1_700_000_001)).msgId()).isEqualTo(2);
  }

  /**
   * vertx-jdbc-client 5.0.7 leaves a pooled connection with auto-commit off after a transaction; a
   * statement run outside a transaction on it afterwards would never be committed. Every write must
   * survive a restart, whichever connection it ran on.
   */
  @Test
  void writesAfterATransactionAreCommitted() {
    await(store.saveMessage(alice.id(), bob.id(), 1, "in a batch".getBytes(StandardCharsets.UTF_8), 1_700_000_000));
    await(store.setDeviceToken(alice.id(), 0x12, "token-a"));
    await(store.clearUnread(bob.id(), alice.id()));
    await(store.removeSession(alice.id(), bob.id(), 1));
    await(store.close());
    store = Stores.create(vertx, options);
    await(store.start());
    assertThat(await(store.deviceToken(alice.id()))).isNotNull();
    assertThat(await(store.unreadCounts(bob.id()))).isEmpty();
    assertThat(await(store.recentSessions(alice.id(), 0))).isEmpty();
  }

  @Test
  void groupsSurviveARestart() {
    GroupRecord group = group(alice, Store.GROUP_TYPE_TEMPORARY, bob, carol);
    sendToGroup(alice, group, "kept", now());
    await(store.changeGroupMembers(carol.id(), group.id(), false, List.of(carol.id())));
    await(store.clearGroupUnread(bob.id(), group.id()));
    await(store.setGroupShield(bob.id(), group.id(), 1));
    await(store.close());
    store = Stores.create(vertx, options);
    await(store.start());
    assertThat(await(store.groupsByIds(List.of(group.id())))).singleElement().satisfies(g -> {
      assertThat(g.members()).containsExactlyInAnyOrder(alice.id(), bob.id());
      assertThat(g.version()).isEqualTo(2);
    });
    assertThat(await(store.groupUnreadCounts(bob.id()))).isEmpty();
    assertThat(await(store.groupShields(group.id(), List.of(bob.id())))).containsEntry(bob.id(), 1);
    assertThat(sendToGroup(bob, group, "next", now()).message().msgId()).isEqualTo(2);
    assertThat(await(store.groupMessages(alice.id(), group.id(), 0, 10))).hasSize(2);
  }
}
