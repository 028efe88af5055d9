package io.ttvertx.fuzz;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.ProtocolMessageEnum;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.ttvertx.support.ServerTestBase;
import io.ttvertx.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random bodies under every command id of every TeamTalk service, before and after login:
 * random bytes, random instances of every TeamTalk message (wrong types), bodies cut short, with
 * corrupted bytes, with huge repeated fields and strings. Each frame must leave its connection either
 * answering (a heartbeat after it is echoed) or closed, and two bystanders keep chatting throughout.
 * A failure prints the seed; {@code -Dtt.fuzz.seed=N} replays it.
 */
public class CommandFuzzTest extends ServerTestBase {
  private static final long SEED = Long.getLong("tt.fuzz.seed", 20261130L);
  /** Clients that send garbage before login come from here, so their failed logins slow no one else. */
  private static final String ATTACKER_ADDRESS = "127.0.0.7";
  private static final int MAX_FRAME = 64 * 1024;

  private static NetClient attackerNet;

  @BeforeAll
  static void start() {
    var config = TestServer.defaultConfig();
    // thousands of requests on a few connections: the request rate would only make it slow
    config.getJsonObject("msg").put("maxFrameLength", MAX_FRAME)
        .put("limits", new io.vertx.core.json.JsonObject().put("requestsPerSecond", 0));
    startServer(config);
    attackerNet = vertx.createNetClient(new NetClientOptions().setLocalAddress(ATTACKER_ADDRESS));
  }

  @AfterAll
  static void stop() {
    if (attackerNet != null) {
      await(attackerNet.close());
    }
    stopServer();
  }

  /** Every command id TeamTalk defines, with its service, and a few that no service has. */
  private static List<int[]> commands() {
    List<int[]> commands = new ArrayList<>();
    addAll(commands, ServiceID.SID_LOGIN_VALUE, IMBaseDefine.LoginCmdID.values());
    addAll(commands, ServiceID.SID_BUDDY_LIST_VALUE, IMBaseDefine.BuddyListCmdID.values());
    addAll(commands, ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.values());
    addAll(commands, ServiceID.SID_GROUP_VALUE, IMBaseDefine.GroupCmdID.values());
    addAll(commands, ServiceID.SID_FILE_VALUE, IMBaseDefine.FileCmdID.values());
    addAll(commands, ServiceID.SID_SWITCH_SERVICE_VALUE, IMBaseDefine.SwitchServiceCmdID.values());
    addAll(commands, ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.values());
    commands.add(new int[] {0, 0});
    commands.add(new int[] {99, 0x0301});
    commands.add(new int[] {0xFFFF, 0xFFFF});
    return commands;
  }

  private static void addAll(List<int[]> commands, int service, ProtocolMessageEnum[] ids) {
    for (ProtocolMessageEnum id : ids) {
      commands.add(new int[] {service, id.getNumber()});
    }
  }

  @Test
  void randomBodiesUnderEveryCommandCloseOrAnswerOnlyTheirConnection() {
    Random random = new Random(SEED);
    RandomMessages bodies = new RandomMessages(random);
    Session alice = loginPc("alice");
    Session bob = loginPc("bob");
    List<String> bobReceived = new CopyOnWriteArrayList<>();
    bob.client().pushHandler(pdu -> {
      if (pdu.commandId() == IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE) {
        IMMessage.IMMsgData message = TeamTalkClient.parse(pdu, IMMessage.IMMsgData.parser());
        if (message.getFromUserId() == alice.userId()) {
          bobReceived.add(text(message.getMsgData()));
        }
      }
    });

    TeamTalkClient fuzzer = loginPc("carol").client();
    int frames = 0;
    int closes = 0;
    for (int[] command : commands()) {
      List<byte[]> variants = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        variants.add(bodies.randomBytes(200));
      }
      for (int i = 0; i < 6; i++) {
        byte[] instance = bodies.instance(bodies.anyType(), false);
        variants.add(instance);
        variants.add(bodies.truncated(instance));
        variants.add(bodies.corrupted(instance));
      }
      variants.add(bodies.instance(bodies.anyType(), true));
      for (byte[] body : variants) {
        frames++;
        if (!survivesOrCloses(fuzzer, frame(command, body))) {
          closes++;
          fuzzer = loginPc("carol").client();
        }
      }
      String check = "still chatting after " + frames + " frames";
      assertThat(sendText(alice, bob.userId(), check).getMsgId()).as("seed %d", SEED).isPositive();
      io.ttvertx.support.Poll.until(Duration.ofSeconds(10), () -> "bob never got: " + check,
          () -> bobReceived.contains(check));
    }
    System.out.println("CommandFuzzTest: " + frames + " random frames after login (seed " + SEED + "), " + closes
        + " closed their connection");
    assertThat(alice.client().isClosed()).isFalse();
    assertThat(bob.client().isClosed()).isFalse();
    assertThat(closes).isPositive().isLessThan(frames);
  }

  @Test
  void randomFramesBeforeLoginCloseTheConnection() {
    Random random = new Random(SEED + 1);
    RandomMessages bodies = new RandomMessages(random);
    List<int[]> commands = commands();
    for (int i = 0; i < 150; i++) {
      int[] command = commands.get(random.nextInt(commands.size()));
      boolean heartbeat = command[0] == ServiceID.SID_OTHER_VALUE
          && command[1] == IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE;
      boolean login = command[0] == ServiceID.SID_LOGIN_VALUE
          && command[1] == IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE;
      byte[] body = random.nextBoolean() ? bodies.randomBytes(100) : bodies.instance(bodies.anyType(), false);
      TeamTalkClient stranger = await(TeamTalkClient.connect(attackerNet, "127.0.0.1", server.msgPort));
      stranger.sendRaw(frame(command, body));
      if (heartbeat || login) {
        // a heartbeat is echoed; a login with a random body is refused (or closes as undecodable)
        survivesOrCloses(stranger, null);
        stranger.close();
      } else {
        await(stranger.closed());
      }
    }
    Session alice = loginPc("alice");
    Session bob = loginPc("bob");
    assertThat(sendText(alice, bob.userId(), "unaffected").getMsgId()).isPositive();
    assertThat(text(receiveMessage(bob).getMsgData())).isEqualTo("unaffected");
  }

  /** Seq 0, so that no answer to it can be taken for the heartbeat's echo. */
  private static Buffer frame(int[] command, byte[] body) {
    return new Pdu(Pdu.VERSION, 0, command[0], command[1], 0, 0, Buffer.buffer(body)).encode();
  }

  /**
   * Sends {@code frame} (when not null) then a heartbeat; true when the heartbeat is echoed, false when
   * the server closed the connection instead. Anything else (no echo and no close) fails the test.
   */
  private static boolean survivesOrCloses(TeamTalkClient client, Buffer frame) {
    if (frame != null) {
      client.sendRaw(frame);
    }
    Future<Pdu> echo = client.request(ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
        IMOther.IMHeartBeat.getDefaultInstance());
    await(Future.any(echo, client.closed()));
    if (echo.succeeded() && echo.result().commandId() == IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE) {
      return true;
    }
    await(client.closed());
    return false;
  }
}
