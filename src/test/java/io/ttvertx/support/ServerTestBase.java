package io.ttvertx.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.ClientType;
import io.ttvertx.proto.IMBuddy;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A running server plus helpers to log clients in and exchange frames with it. */
public abstract class ServerTestBase {
  public static final String PASSWORD = "secret";
  public static final List<String> USER_NAMES = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace",
      "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter", "xavier", "yolanda");

  protected static Vertx vertx;
  protected static TestServer server;
  private static Vertx mysqlSetupVertx;
  private static MysqlTestDatabase mysqlDatabase;
  private final List<TeamTalkClient> clients = new ArrayList<>();

  public record Session(TeamTalkClient client, int userId, IMLogin.IMLoginRes login) {
  }

  protected static void startServer(JsonObject config) {
    startServer(config, store -> Future.succeededFuture());
  }

  protected static void startServerOnTeamTalkMysql(int redisDatabase) {
    startServerOnTeamTalkMysql(redisDatabase, store -> Future.succeededFuture());
  }

  /**
   * Starts the server on MySQL/MariaDB + Redis (Redis database {@code redisDatabase}), on a database
   * created by TeamTalk's own ttopen.sql (by the store itself when the dump is not beside the project),
   * with two db proxies sharing it (each msg instance keeps to one of them); {@link #stopServer()} drops it.
   */
  protected static void startServerOnTeamTalkMysql(int redisDatabase, Function<Store, Future<?>> setup) {
    startServerOnTeamTalkMysql(redisDatabase, UnaryOperator.identity(), setup);
  }

  /** As {@link #startServerOnTeamTalkMysql(int, Function)}, the configuration first passed through {@code configure}. */
  protected static void startServerOnTeamTalkMysql(int redisDatabase, UnaryOperator<JsonObject> configure,
                                                   Function<Store, Future<?>> setup) {
    mysqlSetupVertx = Vertx.vertx();
    try {
      if (Files.exists(MysqlTestDatabase.teamTalkSchemaDump())) {
        mysqlDatabase = MysqlTestDatabase.fromTeamTalkSchema(mysqlSetupVertx, redisDatabase);
      } else {
        System.err.println("TeamTalk's schema dump is not at " + MysqlTestDatabase.teamTalkSchemaDump()
            + ": running on a database the store creates");
        mysqlDatabase = MysqlTestDatabase.empty(mysqlSetupVertx, redisDatabase);
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    JsonObject config = configure.apply(TestServer.defaultConfig());
    config.put("store", mysqlDatabase.storeOptions().toJson());
    config.put("db", new JsonObject().put("instances", 2));
    startServer(config, setup);
  }

  /** Starts the server after creating the users and running {@code setup} on its store. */
  protected static void startServer(JsonObject config, Function<Store, Future<?>> setup) {
    vertx = Vertx.vertx();
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < USER_NAMES.size(); i++) {
      String name = USER_NAMES.get(i);
      users.add(new NewUser(name, PASSWORD, Character.toUpperCase(name.charAt(0)) + name.substring(1),
          i % 2 == 0 ? "Dev" : "Sales"));
    }
    server = await(TestServer.start(vertx, config, users, setup));
  }

  protected static void stopServer() {
    if (server != null) {
      await(server.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
    if (mysqlDatabase != null) {
      mysqlDatabase.drop();
      mysqlDatabase = null;
    }
    if (mysqlSetupVertx != null) {
      await(mysqlSetupVertx.close());
      mysqlSetupVertx = null;
    }
  }


  @AfterEach
  void closeClients() {
    clients.forEach(TeamTalkClient::close);
    clients.clear();
  }

  /** Stops the class's server; a class with more to clean hides this with its own {@code stop()}. */
  @AfterAll
  static void stop() {
    stopServer();
  }

  protected TeamTalkClient connect() {
    TeamTalkClient client = await(TeamTalkClient.connect(vertx, "127.0.0.1", server.msgPort));
    clients.add(client);
    return client;
  }

  protected Session login(String name, ClientType clientType) {
    TeamTalkClient client = connect();
    IMLogin.IMLoginRes response = await(client.login(name, PASSWORD, clientType));
    assertThat(response.getResultCode()).isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return new Session(client, response.getUserInfo().getUserId(), response);
  }

  protected Session loginPc(String name) {
    return login(name, ClientType.CLIENT_TYPE_WINDOWS);
  }

  protected static <T> T ask(TeamTalkClient client, int service, int command, MessageLite body, int expectedCommand,
                             Parser<T> parser) {
    Pdu response = await(client.request(service, command, body));
    assertThat(response.commandId()).isEqualTo(expectedCommand);
    return TeamTalkClient.parse(response, parser);
  }

  protected static <T> T push(TeamTalkClient client, int command, Parser<T> parser) {
    Pdu pdu = await(client.nextPush(command));
    assertThat(pdu.seq()).isZero();
    return TeamTalkClient.parse(pdu, parser);
  }

  /** A heartbeat round trip: everything the server sent this client before the echo has arrived. */
  protected static void roundTrip(TeamTalkClient client) {
    Pdu echo = await(client.request(IMBaseDefine.ServiceID.SID_OTHER_VALUE,
        IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE, IMOther.IMHeartBeat.getDefaultInstance()));
    assertThat(echo.commandId()).isEqualTo(IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE);
  }

  protected static IMMessage.IMMsgDataAck sendText(Session from, int toUserId, String text) {
    return ask(from.client(), IMBaseDefine.ServiceID.SID_MSG_VALUE, IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE,
        textMessage(from, toUserId, IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT, text),
        IMBaseDefine.MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.parser());
  }

  /** A text message as a client writes it: its own id and time left at 0 for the server to set. */
  protected static IMMessage.IMMsgData textMessage(Session from, int toSessionId, IMBaseDefine.MsgType type,
                                                   String text) {
    return IMMessage.IMMsgData.newBuilder()
        .setFromUserId(from.userId())
        .setToSessionId(toSessionId)
        .setMsgId(0)
        .setCreateTime(0)
        .setMsgType(type)
        .setMsgData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
  }

  /** A user's id, looked up in the all-user list as a client would (with a login of its own). */
  protected int userId(String name) {
    Session anyone = loginPc("yolanda");
    IMBuddy.IMAllUserRsp all = ask(anyone.client(), IMBaseDefine.ServiceID.SID_BUDDY_LIST_VALUE,
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_REQUEST_VALUE,
        IMBuddy.IMAllUserReq.newBuilder().setUserId(0).setLatestUpdateTime(0).build(),
        IMBaseDefine.BuddyListCmdID.CID_BUDDY_LIST_ALL_USER_RESPONSE_VALUE, IMBuddy.IMAllUserRsp.parser());
    anyone.client().close();
    return all.getUserListList().stream().filter(u -> u.getUserRealName().equals(name)).findFirst().orElseThrow()
        .getUserId();
  }

  protected static IMMessage.IMMsgData receiveMessage(Session session) {
    return push(session.client(), IMBaseDefine.MessageCmdID.CID_MSG_DATA_VALUE, IMMessage.IMMsgData.parser());
  }

  protected static String text(ByteString bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
