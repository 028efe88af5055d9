package io.ttvertx.msg;

import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.BuddyListCmdID;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SwitchServiceCmdID;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMSwitchService;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits that keep one client from hurting the others: profile changes coalesced, message and
 * peer-to-peer rates enforced by reading the sender later (nothing it sent is lost), password guessing
 * slowed per user name and per address while the real user still gets in.
 */
public class LimitsTest extends ServerTestBase {
  static final int PROFILE_INTERVAL_MS = 300;
  static final int MESSAGES_PER_SECOND = 50;
  static final int MESSAGE_BURST = 20;
  static final int REQUESTS_PER_SECOND = 500;
  static final int REQUEST_BURST = 200;
  static final int P2P_PER_SECOND = 5;
  static final int P2P_BURST = 5;
  /** The guessing loop's address (the other tests' clients log in from 127.0.0.1). */
  static final String GUESSER = "127.0.0.9";

  @BeforeAll
  static void start() {
    JsonObject config = TestServer.defaultConfig();
    config.getJsonObject("msg").put("loginTimeoutSeconds", 4).put("limits", new JsonObject()
        .put("messagesPerSecond", MESSAGES_PER_SECOND).put("messageBurst", MESSAGE_BURST)
        .put("requestsPerSecond", REQUESTS_PER_SECOND).put("requestBurst", REQUEST_BURST)
        .put("p2pPerSecond", P2P_PER_SECOND).put("p2pBurst", P2P_BURST)
        .put("profileChangeIntervalMs", PROFILE_INTERVAL_MS)
        .put("freeLoginFailuresPerUser", 2).put("freeLoginFailuresPerAddress", 4)
        .put("loginDelayMs", 100).put("maxUserLoginDelayMs", 800).put("maxAddressLoginDelayMs", 30_000));
    startServer(config);
  }

  @Test
  void aThousandAvatarChangesReachOthersCoalescedToTheLatestWhileChatGoesOn() {
    Session changer = loginPc("alice");
    Session changersPhone = login("alice", ClientType.CLIENT_TYPE_ANDROID);
    Session watcher = loginPc("bob");
    List<String> seen = new CopyOnWriteArrayList<>();
    watcher.client().pushHandler(pdu -> {
      if (pdu.commandId() == BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE) {
        IMBuddy.IMAvatarChangedNotify notify = TeamTalkClient.parse(pdu, IMBuddy.IMAvatarChangedNotify.parser());
        if (notify.getChangedUserId() == changer.userId()) {
          seen.add(notify.getAvatarUrl());
        }
      }
    });
    Session talker = loginPc("carol");
    Session listener = loginPc("dave");

    long startedAt = System.nanoTime();
    List<Future<Pdu>> answers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      answers.add(changer.client().request(ServiceID.SID_BUDDY_LIST_VALUE,
          BuddyListCmdID.CID_BUDDY_LIST_CHANGE_AVATAR_REQUEST_VALUE,
          IMBuddy.IMChangeAvatarReq.newBuilder().setUserId(0).setAvatarUrl("http://pictures/avatar-" + i).build()));
    }
    // others chat during the flood and get every message
    for (int i = 0; i < 20; i++) {
      assertThat(sendText(talker, listener.userId(), "during the flood " + i).getMsgId()).isPositive();
      assertThat(text(receiveMessage(listener).getMsgData())).isEqualTo("during the flood " + i);
    }
    await(Future.all(answers));
    long floodMs = (System.nanoTime() - startedAt) / 1_000_000;
    answers.forEach(answer -> assertThat(TeamTalkClient.parse(answer.result(),
        IMBuddy.IMChangeAvatarRsp.parser()).getResultCode()).isZero());

    // the changes themselves are requests, slowed past their burst
    assertThat(floodMs).isGreaterThanOrEqualTo((1000 - REQUEST_BURST) * 1000L / REQUESTS_PER_SECOND / 2);
    // the last change goes out once its interval is over
    awaitCondition(() -> !seen.isEmpty() && seen.get(seen.size() - 1).endsWith("avatar-999"));
    sleep(2 * PROFILE_INTERVAL_MS);
    long intervals = floodMs / PROFILE_INTERVAL_MS + 2;
    assertThat(seen).hasSizeLessThanOrEqualTo((int) intervals).last().isEqualTo("http://pictures/avatar-999");
    System.out.println("LimitsTest: 1000 avatar changes in " + floodMs + " ms reached a watcher as " + seen.size()
        + " notifications");

    // the changer's other device ends with the latest value too
    List<String> onPhone = changersPhone.client().pendingPushes().stream()
        .filter(pdu -> pdu.commandId() == BuddyListCmdID.CID_BUDDY_LIST_AVATAR_CHANGED_NOTIFY_VALUE)
        .map(pdu -> TeamTalkClient.parse(pdu, IMBuddy.IMAvatarChangedNotify.parser()).getAvatarUrl()).toList();
    assertThat(onPhone).hasSizeLessThanOrEqualTo((int) intervals).last().isEqualTo("http://pictures/avatar-999");
  }

  @Test
  void aSenderOverItsMessageRateIsSlowedAndLosesNothing() {
    Session sender = loginPc("erin");
    Session receiver = loginPc("frank");
    int count = MESSAGE_BURST + 2 * MESSAGES_PER_SECOND;
    long startedAt = System.nanoTime();
    List<Future<Pdu>> acks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      acks.add(sender.client().request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE,
          textMessage(sender, receiver.userId(), IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, "m" + i)));
    }
    await(Future.all(acks));
    long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
    for (int i = 0; i < count; i++) {
      assertThat(text(receiveMessage(receiver).getMsgData())).isEqualTo("m" + i);
    }
    // past the burst the rate holds: the last messages were read about two seconds later
    assertThat(tookMs).isGreaterThanOrEqualTo(1_500);
    assertThat(sender.client().isClosed()).isFalse();
    System.out.println("LimitsTest: " + count + " pipelined messages at " + MESSAGES_PER_SECOND + "/s (burst "
        + MESSAGE_BURST + ") all acknowledged in " + tookMs + " ms");
  }

  @Test
  void peerToPeerCommandsAreRateLimitedPerSenderAndAllArrive() {
    Session sender = loginPc("grace");
    Session receiver = loginPc("heidi");
    int count = P2P_BURST + 2 * P2P_PER_SECOND;
    long startedAt = System.nanoTime();
    for (int i = 0; i < count; i++) {
      sender.client().send(ServiceID.SID_SWITCH_SERVICE_VALUE, SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE,
          IMSwitchService.IMP2PCmdMsg.newBuilder().setFromUserId(0).setToUserId(receiver.userId())
              .setCmdMsgData("{\"typing\":" + i + "}").build());
    }
    for (int i = 0; i < count; i++) {
      IMSwitchService.IMP2PCmdMsg relayed = push(receiver.client(), SwitchServiceCmdID.CID_SWITCH_P2P_CMD_VALUE,
          IMSwitchService.IMP2PCmdMsg.parser());
      assertThat(relayed.getFromUserId()).isEqualTo(sender.userId());
      assertThat(relayed.getCmdMsgData()).isEqualTo("{\"typing\":" + i + "}");
    }
    long tookMs = (System.nanoTime() - startedAt) / 1_000_000;
    assertThat(tookMs).isGreaterThanOrEqualTo(1_500);
  }

  @Test
  void passwordGuessingSlowsDownWhileTheRealUserStillLogsIn() {
    long[] took = new long[8];
    for (int i = 0; i < took.length; i++) {
      long startedAt = System.nanoTime();
      IMLogin.IMLoginRes refused = loginFrom(GUESSER, "ivan", "guess" + i);
      took[i] = (System.nanoTime() - startedAt) / 1_000_000;
      assertThat(refused.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED);
    }
    System.out.println("LimitsTest: wrong-password logins took " + java.util.Arrays.toString(took) + " ms");
    // the first failures are free, then each waits longer (100, 200, 400 ms... capped per name at 800 ms,
    // while the address's own delay keeps doubling)
    assertThat(took[1]).isLessThan(100);
    assertThat(took[7]).isGreaterThanOrEqualTo(700);
    assertThat(took[7]).isGreaterThan(took[4]);

    // the real user, from another address, waits at most the name's cap and gets in
    long startedAt = System.nanoTime();
    IMLogin.IMLoginRes real = loginFrom("127.0.0.2", "ivan", PASSWORD);
    long realMs = (System.nanoTime() - startedAt) / 1_000_000;
    assertThat(real.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    assertThat(realMs).isLessThan(3_000);
    // and once in, their name's failures are forgotten
    assertThat(loginFrom("127.0.0.3", "ivan", PASSWORD).getResultCode())
        .isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);

    // the guessing address, once its delay would outlast the login timeout, is refused at once without a
    // password check, even with a right password
    IMLogin.IMLoginRes guess = null;
    for (int i = 0; i < 5 && (guess == null || !guess.getResultString().contains("too many")); i++) {
      guess = loginFrom(GUESSER, "judy", "guess" + i);
    }
    assertThat(guess.getResultString()).contains("too many failed logins");
    long at = System.nanoTime();
    IMLogin.IMLoginRes fromGuesser = loginFrom(GUESSER, "judy", PASSWORD);
    assertThat((System.nanoTime() - at) / 1_000_000).isLessThan(1_000);
    assertThat(fromGuesser.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_DB_VALIDATE_FAILED);
    assertThat(fromGuesser.getResultString()).contains("too many failed logins");
    // while judy, elsewhere, is not held back by it
    assertThat(loginFrom("127.0.0.4", "judy", PASSWORD).getResultCode())
        .isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
  }

  private IMLogin.IMLoginRes loginFrom(String localAddress, String name, String password) {
    NetClient net = vertx.createNetClient(new NetClientOptions().setLocalAddress(localAddress));
    try {
      TeamTalkClient client = await(TeamTalkClient.connect(net, "127.0.0.1", server.msgPort));
      try {
        return await(client.login(name, password, ClientType.CLIENT_TYPE_WINDOWS));
      } finally {
        client.close();
      }
    } finally {
      net.close();
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition) {
    io.ttvertx.support.Poll.until(java.time.Duration.ofSeconds(10), () -> "condition", condition);
  }

  private static void sleep(long ms) {
    await(Future.future(promise -> vertx.setTimer(ms, id -> promise.complete())));
  }
}
