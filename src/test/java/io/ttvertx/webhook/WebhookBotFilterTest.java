package io.ttvertx.webhook;

import io.micrometer.core.instrument.FunctionCounter;
import io.ttvertx.ServerMetrics;
import io.ttvertx.db.MessageCipherAccess;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.Store;
import io.ttvertx.support.Poll;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * webhooks.botUserIds: only messages from or to bob, or in a group bob is in, are posted. One request
 * at a time (concurrency 1), so a message skipped before a posted one would have arrived first. A
 * second URL answers 410, which is given up at once.
 */
class WebhookBotFilterTest extends ServerTestBase {
  static final Duration WAIT = Duration.ofSeconds(20);
  private static final WebhookReceiver receiver = new WebhookReceiver();
  private static final Map<String, Integer> ids = new HashMap<>();
  private static int groupWithBob;
  private static int groupWithoutBob;
  private static JsonObject config;

  @BeforeAll
  static void start() {
    await(receiver.start());
    config = TestServer.defaultConfig();
    startServer(config, WebhookBotFilterTest::prepare);
  }

  /** The users' ids are known only once created, so the webhook section is filled in here, before deploying. */
  static Future<?> prepare(Store store) {
    return store.listUsers().compose(users -> {
      users.forEach(user -> ids.put(user.name(), user.id()));
      config.put("webhooks", new JsonObject()
          .put("urls", new JsonArray(List.of(receiver.url("/ok"), receiver.url("/gone"))))
          .put("secret", "s").put("botUserIds", new JsonArray(List.of(ids.get("bob")))).put("concurrency", 1)
          .put("initialBackoffMs", 100));
      return store.createGroup(ids.get("carol"), "With bob", "", GroupStore.GROUP_TYPE_NORMAL, List.of(ids.get("bob")))
          .compose(group -> {
            groupWithBob = group.id();
            return store.createGroup(ids.get("carol"), "Without bob", "", GroupStore.GROUP_TYPE_NORMAL,
                List.of(ids.get("dave")));
          })
          .onSuccess(group -> groupWithoutBob = group.id());
    });
  }

  private final MessageCipherAccess cipher = new MessageCipherAccess();

  @AfterAll
  static void stop() {
    stopServer();
    await(receiver.close());
  }

  @Test
  void onlyMessagesOfTheBotArePosted() {
    Session alice = loginPc("alice");
    Session carol = loginPc("carol");
    Session bob = loginPc("bob");
    send(alice, ids.get("carol"), MsgType.MSG_TYPE_SINGLE_TEXT, "alice to carol");
    send(alice, ids.get("bob"), MsgType.MSG_TYPE_SINGLE_TEXT, "alice to bob");
    send(bob, ids.get("alice"), MsgType.MSG_TYPE_SINGLE_TEXT, "bob to alice");
    send(carol, groupWithoutBob, MsgType.MSG_TYPE_GROUP_TEXT, "group without bob");
    send(carol, groupWithBob, MsgType.MSG_TYPE_GROUP_TEXT, "group with bob");

    Poll.until(WAIT, () -> "not all posted: " + receiver.received, () -> !receiver.withText("/ok", "group with bob").isEmpty()
        && !receiver.withText("/ok", "bob to alice").isEmpty());
    assertThat(receiver.withText("/ok", "alice to bob")).hasSize(1);
    assertThat(receiver.withText("/ok", "alice to carol")).isEmpty();
    assertThat(receiver.withText("/ok", "group without bob")).isEmpty();
  }

  @Test
  void aClientErrorIsGivenUpAtOnce() {
    Session bob = loginPc("bob");
    send(bob, ids.get("erin"), MsgType.MSG_TYPE_SINGLE_TEXT, "to a receiver that is gone");
    // every 410 so far counted as refused (none retried), this message's among them
    Poll.until(WAIT, () -> "the 410 was not counted as refused", () -> !receiver.withText("/gone", "to a receiver that is gone")
        .isEmpty() && total("refused") == receiver.received.stream().filter(r -> r.path().equals("/gone")).count());
    assertThat(receiver.withText("/gone", "to a receiver that is gone")).hasSize(1);
    assertThat(total("retried")).isZero();
  }

  private static double total(String outcome) {
    return ServerMetrics.registry().find("tt_webhook_total").tag("outcome", outcome).functionCounters().stream()
        .mapToDouble(FunctionCounter::count).sum();
  }

  private void send(Session from, int to, MsgType type, String text) {
    IMMessage.IMMsgDataAck ack = ask(from.client(), ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(from, to, type, cipher.encrypt(text)),
        MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
    assertThat(ack.getMsgId()).isPositive();
  }
}
