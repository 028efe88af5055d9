package io.ttvertx.client;

import com.google.protobuf.MessageLite;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.protocol.PduParser;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMLogin;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The client side of the TeamTalk protocol, as TeamTalk's apps speak it: requests carry a seq that
 * the response echoes; frames the server sends unprompted carry seq 0 and are queued until taken
 * with {@link #nextPush(int)}. Used by the tests and the load generator. Its methods may be called
 * from any thread (tests call it from their own), so its small state is guarded by the instance lock.
 * It speaks over TCP, as the native apps do, or over the msg role's WebSocket, one PDU per binary
 * message, as the web client does.
 */
public final class TeamTalkClient {
  /** The link's operations this client uses: a NetSocket's or a WebSocket's. */
  private interface Link {
    Future<Void> write(Buffer bytes);

    void pause();

    Future<Void> close();
  }

  private final Link link;
  private final WebSocket webSocket;
  private final Map<Integer, Promise<Pdu>> pending = new HashMap<>();
  private final ArrayDeque<Pdu> pushes = new ArrayDeque<>();
  private final List<PushWaiter> pushWaiters = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();
  private Handler<Pdu> pushHandler;
  private int nextSeq = 1;
  /** Referenced so that Vert.x does not close the NetClient or WebSocketClient (and its socket) when collected. */
  @SuppressWarnings("unused")
  private Object ownClient;

  private record PushWaiter(int commandId, Promise<Pdu> promise) {
  }

  private TeamTalkClient(NetSocket socket, int maxFrameLength) {
    this.link = linkOf(socket, socket::write, socket::close);
    this.webSocket = null;
    PduParser parser = new PduParser(maxFrameLength)
        .pduHandler(this::handlePdu)
        .errorHandler(reason -> socket.close());
    socket.handler(parser);
    socket.closeHandler(v -> handleClosed());
  }

  private TeamTalkClient(WebSocket webSocket) {
    this.link = linkOf(webSocket, webSocket::writeBinaryMessage, webSocket::close);
    this.webSocket = webSocket;
    webSocket.binaryMessageHandler(message -> {
      if (message.length() >= Pdu.HEADER_LENGTH && message.getUnsignedInt(0) == message.length()) {
        handlePdu(Pdu.decode(message));
      } else {
        webSocket.close();
      }
    });
    webSocket.closeHandler(v -> handleClosed());
  }

  private static Link linkOf(ReadStream<?> stream, Function<Buffer, Future<Void>> write,
                             Supplier<Future<Void>> close) {
    return new Link() {
      @Override
      public Future<Void> write(Buffer bytes) {
        return write.apply(bytes);
      }

      @Override
      public void pause() {
        stream.pause();
      }

      @Override
      public Future<Void> close() {
        return close.get();
      }
    };
  }

  private synchronized void handleClosed() {
    {
      IllegalStateException gone = new IllegalStateException("connection closed");
      pending.values().forEach(p -> p.tryFail(gone));
      pending.clear();
      pushWaiters.forEach(w -> w.promise().tryFail(gone));
      pushWaiters.clear();
      closed.tryComplete();
    }
  }

  /** Connects with a NetClient of its own, which lives as long as this client (and closes with it). */
  public static Future<TeamTalkClient> connect(Vertx vertx, String host, int port) {
    return connect(vertx, new NetClientOptions().setTcpNoDelay(true), host, port);
  }

  /**
   * As {@link #connect(Vertx, String, int)} with a NetClient made of {@code options}: with TLS options
   * (setSsl, trust, host name verification) it connects to msg's TLS port.
   */
  public static Future<TeamTalkClient> connect(Vertx vertx, NetClientOptions options, String host, int port) {
    NetClient netClient = vertx.createNetClient(options);
    return connect(netClient, host, port).andThen(ar -> {
      if (ar.succeeded()) {
        ar.result().ownClient = netClient;
        ar.result().closed().onComplete(v -> netClient.close());
      } else {
        netClient.close();
      }
    });
  }

  public static Future<TeamTalkClient> connect(NetClient netClient, String host, int port) {
    return netClient.connect(port, host).map(socket -> new TeamTalkClient(socket, 16 * 1024 * 1024));
  }

  /**
   * Connects to the msg role's WebSocket ({@code ws://host:port/ws}) with a WebSocketClient of its own;
   * {@code origin} is sent as the page's Origin (null: none, as a non-browser client).
   */
  public static Future<TeamTalkClient> connectWebSocket(Vertx vertx, String host, int port, String origin) {
    return connectWebSocket(vertx, new WebSocketClientOptions(), host, port, origin);
  }

  /** As {@link #connectWebSocket(Vertx, String, int, String)}, with {@code clientOptions} (WSS with setSsl). */
  public static Future<TeamTalkClient> connectWebSocket(Vertx vertx, WebSocketClientOptions clientOptions, String host,
                                                        int port, String origin) {
    WebSocketClient client = vertx.createWebSocketClient(clientOptions);
    return connectWebSocket(client, host, port, origin).andThen(ar -> {
      if (ar.succeeded()) {
        ar.result().ownClient = client;
        ar.result().closed().onComplete(v -> client.close());
      } else {
        client.close();
      }
    });
  }

  /** Connects over {@code client}, which the caller shares between connections and closes. */
  public static Future<TeamTalkClient> connectWebSocket(WebSocketClient client, String host, int port, String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/ws")
        .setAllowOriginHeader(origin != null);
    if (origin != null) {
      options.addHeader("origin", origin);
    }
    return client.connect(options).map(TeamTalkClient::new);
  }

  /** The reason in the server's WebSocket close frame; null over TCP or before the close. */
  public String closeReason() {
    return webSocket == null ? null : webSocket.closeReason();
  }

  /** The lowercase hex md5 of the typed password: what TeamTalk clients send as the password. */
  public static String passwordDigest(String typedPassword) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(typedPassword.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Logs in and completes with the server's IMLoginRes, whatever its result code. */
  public Future<IMLogin.IMLoginRes> login(String userName, String typedPassword, IMBaseDefine.ClientType clientType) {
    IMLogin.IMLoginReq request = IMLogin.IMLoginReq.newBuilder()
        .setUserName(userName)
        .setPassword(passwordDigest(typedPassword))
        .setOnlineStatus(IMBaseDefine.UserStatType.USER_STATUS_ONLINE)
        .setClientType(clientType)
        .setClientVersion("tt-vertx-client")
        .build();
    return request(IMBaseDefine.ServiceID.SID_LOGIN_VALUE, IMBaseDefine.LoginCmdID.CID_LOGIN_REQ_USERLOGIN_VALUE, request)
        .map(pdu -> parse(pdu, IMLogin.IMLoginRes.parser()));
  }

  /** Sends a request and completes with the frame that echoes its seq. */
  public synchronized Future<Pdu> request(int serviceId, int commandId, MessageLite body) {
    int seq = takeSeq();
    Promise<Pdu> promise = Promise.promise();
    pending.put(seq, promise);
    link.write(Pdu.encode(serviceId, commandId, seq, body)).onFailure(promise::tryFail);
    return promise.future();
  }

  /** Sends a frame that gets no response (read ack, delivery ack); returns the seq it used. */
  public synchronized int send(int serviceId, int commandId, MessageLite body) {
    int seq = takeSeq();
    link.write(Pdu.encode(serviceId, commandId, seq, body));
    return seq;
  }

  /** Writes {@code bytes} as they are: on TCP into the stream, on a WebSocket as one binary message. */
  public Future<Void> sendRaw(Buffer bytes) {
    return link.write(bytes);
  }

  /** The next frame the server sent unprompted with {@code commandId}, already received or yet to come. */
  public synchronized Future<Pdu> nextPush(int commandId) {
    for (Iterator<Pdu> it = pushes.iterator(); it.hasNext(); ) {
      Pdu pdu = it.next();
      if (pdu.commandId() == commandId) {
        it.remove();
        return Future.succeededFuture(pdu);
      }
    }
    if (closed.future().isComplete()) {
      return Future.failedFuture("connection closed");
    }
    Promise<Pdu> promise = Promise.promise();
    pushWaiters.add(new PushWaiter(commandId, promise));
    return promise.future();
  }

  /**
   * Hands every unprompted frame to {@code handler} instead of queueing it (for long-running clients
   * such as the load generator, whose queue would otherwise grow without bound).
   */
  public synchronized TeamTalkClient pushHandler(Handler<Pdu> handler) {
    this.pushHandler = handler;
    return this;
  }

  /** Unprompted frames received and not yet taken. */
  public synchronized List<Pdu> pendingPushes() {
    return List.copyOf(pushes);
  }

  /** Stops reading what the server sends, like a client that hangs (what is sent piles up on the way). */
  public void pauseReading() {
    link.pause();
  }

  public Future<Void> closed() {
    return closed.future();
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  public Future<Void> close() {
    return link.close();
  }

  private synchronized void handlePdu(Pdu pdu) {
    Promise<Pdu> waiting = pdu.seq() == 0 ? null : pending.remove(pdu.seq());
    if (waiting != null) {
      waiting.complete(pdu);
      return;
    }
    if (pushHandler != null) {
      pushHandler.handle(pdu);
      return;
    }
    for (Iterator<PushWaiter> it = pushWaiters.iterator(); it.hasNext(); ) {
      PushWaiter waiter = it.next();
      if (waiter.commandId() == pdu.commandId()) {
        it.remove();
        waiter.promise().complete(pdu);
        return;
      }
    }
    pushes.add(pdu);
  }

  private synchronized int takeSeq() {
    int seq = nextSeq;
    nextSeq = nextSeq == 0xFFFF ? 1 : nextSeq + 1;
    return seq;
  }

  /** Parses a frame's body, turning a protobuf error into an unchecked one. */
  public static <T> T parse(Pdu pdu, com.google.protobuf.Parser<T> parser) {
    try {
      return pdu.parse(parser);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("undecodable " + pdu.describe(), e);
    }
  }
}
