package io.ttvertx.bench;

import com.google.protobuf.ByteString;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMGroup;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.proto.IMOther;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClientOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users of one event loop of the load generator: it logs them in, holds them with heartbeats
 * and, in chat mode, has each user message its pair (users 2k and 2k+1 share a worker, so all the
 * bookkeeping of a pair stays on one thread). In group mode the first members of each group post to
 * it and every other member must receive each message; members are spread over the workers and
 * {@link GroupTraffic} keeps the count. Every acknowledged message must reach its receivers exactly
 * once; the worker counts what arrived twice and what never arrived.
 */
final class LoadWorker extends VerticleBase {
  static final int HEARTBEAT_MS = 30_000;
  static final int RATE_TICK_MS = 10;
  static final int RATE_MODE_MAX_IN_FLIGHT = 1_000;

  private final LoadOptions options;
  private final int[] userIndexes;
  private final int workerCount;
  private final Map<Integer, Sender> senders = new HashMap<>();
  private final Map<Integer, TeamTalkClient> clients = new HashMap<>();
  /** User ids by index, from the login answers. */
  private final Map<Integer, Integer> userIds = new HashMap<>();
  private final List<NetClient> netClients = new ArrayList<>();
  private final List<WebSocketClient> webSocketClients = new ArrayList<>();
  final Stats stats = new Stats();
  private boolean sending;
  private boolean measuring;
  private long rateTimer;
  private double rateBudget;
  private int rateCursor;
  private Promise<Void> drained;
  /** Group mode: the group each sending member posts to, by user index (shared by the workers, read-only). */
  private Map<Integer, GroupTraffic> groupsBySender = Map.of();

  /** What one worker counted; added up by the generator. */
  static final class Stats {
    int loginsOk;
    int loginsFailed;
    long sent;
    long acked;
    long ackFailures;
    long received;
    long deliveredWhileMeasuring;
    long duplicates;
    long lost;
    final LatencyRecorder latency = new LatencyRecorder();
    /** The deliveries since the last interim report. */
    LatencyRecorder interval = new LatencyRecorder();
  }

  /** Hands over the deliveries measured since the last call (on this worker's event loop). */
  LatencyRecorder takeInterval() {
    LatencyRecorder taken = stats.interval;
    stats.interval = new LatencyRecorder();
    return taken;
  }

  private final class Sender {
    final int index;
    final int peerIndex;
    final GroupTraffic group;
    final TeamTalkClient client;
    final BitSet acked = new BitSet();
    final BitSet receivedByPeer = new BitSet();
    int nextSeq;
    int inFlight;

    Sender(int index, TeamTalkClient client, GroupTraffic group) {
      this.index = index;
      this.peerIndex = index ^ 1;
      this.group = group;
      this.client = client;
    }
  }

  LoadWorker(LoadOptions options, int[] userIndexes, int workerCount) {
    this.options = options;
    this.userIndexes = userIndexes;
    this.workerCount = workerCount;
  }

  @Override
  public Future<?> start() {
    for (String source : options.sources) {
      webSocketClients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setTcpNoDelay(true)
          .setLocalAddress(source).setConnectTimeout(30_000).setMaxConnections(Integer.MAX_VALUE)));
      netClients.add(vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setLocalAddress(source)
          .setConnectTimeout(30_000)));
    }
    vertx.setPeriodic(HEARTBEAT_MS, id -> clients.values().forEach(client -> {
      if (!client.isClosed()) {
        client.request(ServiceID.SID_OTHER_VALUE, IMBaseDefine.OtherCmdID.CID_OTHER_HEARTBEAT_VALUE,
            IMOther.IMHeartBeat.getDefaultInstance());
      }
    }));
    return Future.succeededFuture();
  }

  /** Connects and logs in every user of this worker, {@code concurrency} at a time. */
  Future<Void> loginAll(String host, int port, int concurrency) {
    Promise<Void> done = Promise.promise();
    int[] next = {0};
    int[] finished = {0};
    Runnable[] startOne = new Runnable[1];
    startOne[0] = () -> {
      if (next[0] >= userIndexes.length) {
        return;
      }
      int index = userIndexes[next[0]++];
      int source = index % netClients.size();
      IMBaseDefine.ClientType type = options.clientType(index);
      int userPort = options.ports.isEmpty() ? port : options.ports.get(index % options.ports.size());
      (options.transport.equals("ws")
          ? TeamTalkClient.connectWebSocket(webSocketClients.get(source), host, userPort, null)
          : TeamTalkClient.connect(netClients.get(source), host, userPort))
          .compose(client -> client.login(options.userName(index), options.password, type).map(response -> {
            if (response.getResultCode() == IMBaseDefine.ResultType.REFUSE_REASON_NONE) {
              clients.put(index, client);
              userIds.put(index, response.getUserInfo().getUserId());
              client.pushHandler(pdu -> handlePush(index, pdu));
              return true;
            }
            client.close();
            return false;
          }))
          .onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
              stats.loginsOk++;
            } else {
              stats.loginsFailed++;
            }
            if (++finished[0] == userIndexes.length) {
              done.complete();
            } else {
              startOne[0].run();
            }
          });
    };
    if (userIndexes.length == 0) {
      return Future.succeededFuture();
    }
    for (int i = 0; i < Math.max(1, concurrency); i++) {
      startOne[0].run();
    }
    return done.future();
  }

  /** The event loop this worker's users live on. */
  io.vertx.core.Context workerContext() {
    return context;
  }

  /** The user ids of this worker's logged-in users, by user index. */
  Map<Integer, Integer> userIds() {
    return new HashMap<>(userIds);
  }

  /** Group mode: has {@code creatorIndex} create a temporary group with {@code memberIds}; completes with its id. */
  Future<Integer> createGroup(int creatorIndex, String name, List<Integer> memberIds) {
    TeamTalkClient client = clients.get(creatorIndex);
    if (client == null) {
      return Future.failedFuture("user " + creatorIndex + " is not logged in");
    }
    return client.request(ServiceID.SID_GROUP_VALUE, IMBaseDefine.GroupCmdID.CID_GROUP_CREATE_REQUEST_VALUE,
        IMGroup.IMGroupCreateReq.newBuilder().setUserId(0).setGroupType(IMBaseDefine.GroupType.GROUP_TYPE_TMP)
            .setGroupName(name).setGroupAvatar("").addAllMemberIdList(memberIds).build()).compose(pdu -> {
              IMGroup.IMGroupCreateRsp created = TeamTalkClient.parse(pdu, IMGroup.IMGroupCreateRsp.parser());
              return created.getResultCode() == 0 ? Future.succeededFuture(created.getGroupId())
                  : Future.failedFuture("creating group " + name + " failed: result " + created.getResultCode());
            });
  }

  /** Group mode: the groups to post to, by sending member, before {@link #startChat()}. */
  void useGroups(Map<Integer, GroupTraffic> groupsBySender) {
    this.groupsBySender = groupsBySender;
  }

  int openConnections() {
    return (int) clients.values().stream().filter(client -> !client.isClosed()).count();
  }

  /** Starts every sender: as fast as the window allows, or at the configured share of the rate. */
  void startChat() {
    for (int index : userIndexes) {
      TeamTalkClient client = clients.get(index);
      if (client == null) {
        continue;
      }
      if (options.isGroupMode()) {
        GroupTraffic group = groupsBySender.get(index);
        if (group != null) {
          senders.put(index, new Sender(index, client, group));
        }
      } else if (clients.containsKey(index ^ 1)) {
        senders.put(index, new Sender(index, client, null));
      }
    }
    sending = true;
    if (options.rate > 0) {
      double perTick = (double) options.rate / workerCount * RATE_TICK_MS / 1000.0;
      List<Sender> all = new ArrayList<>(senders.values());
      rateTimer = vertx.setPeriodic(RATE_TICK_MS, id -> {
        rateBudget += perTick;
        int tries = 0;
        while (rateBudget >= 1 && !all.isEmpty() && tries < all.size()) {
          Sender sender = all.get(rateCursor++ % all.size());
          if (sender.inFlight < RATE_MODE_MAX_IN_FLIGHT) {
            send(sender);
            rateBudget--;
            tries = 0;
          } else {
            tries++;
          }
        }
      });
    } else {
      senders.values().forEach(sender -> {
        for (int i = 0; i < options.window; i++) {
          send(sender);
        }
      });
    }
  }

  /** Starts the measured period (after the warm-up). */
  void startMeasuring() {
    measuring = true;
  }

  /** Ends the measured period: no new messages; copies of those already sent are still awaited. */
  void stopSending() {
    sending = false;
    measuring = false;
    vertx.cancelTimer(rateTimer);
  }

  /** Waits until every acknowledged message has reached its peer or {@code timeoutMs} has passed. */
  Future<Stats> drain(long timeoutMs) {
    drained = Promise.promise();
    checkDrained();
    vertx.setTimer(timeoutMs, id -> drained.tryComplete());
    // a group's copies may arrive on other workers: look again now and then
    long poll = vertx.setPeriodic(100, id -> checkDrained());
    return drained.future().map(v -> {
      vertx.cancelTimer(poll);
      for (Sender sender : senders.values()) {
        if (sender.group == null) {
          BitSet missing = (BitSet) sender.acked.clone();
          missing.andNot(sender.receivedByPeer);
          stats.lost += missing.cardinality();
        }
      }
      return stats;
    });
  }

  private void checkDrained() {
    if (drained == null || drained.future().isComplete()) {
      return;
    }
    for (Sender sender : senders.values()) {
      boolean delivered = sender.group == null ? containsAll(sender.receivedByPeer, sender.acked)
          : sender.group.allDelivered();
      if (sender.inFlight > 0 || !delivered) {
        return;
      }
    }
    drained.tryComplete();
  }

  private static boolean containsAll(BitSet have, BitSet wanted) {
    BitSet missing = (BitSet) wanted.clone();
    missing.andNot(have);
    return missing.isEmpty();
  }

  Future<Void> closeAll() {
    return Future.all(clients.values().stream().map(TeamTalkClient::close).toList()).mapEmpty();
  }

  private void send(Sender sender) {
    int seq = sender.nextSeq++;
    sender.inFlight++;
    stats.sent++;
    IMMessage.IMMsgData message = IMMessage.IMMsgData.newBuilder()
        .setFromUserId(0)
        .setToSessionId(sender.group == null ? userIds.get(sender.peerIndex) : sender.group.groupId)
        .setMsgId(0)
        .setCreateTime(0)
        .setMsgType(sender.group == null ? IMBaseDefine.MsgType.MSG_TYPE_SINGLE_TEXT
            : IMBaseDefine.MsgType.MSG_TYPE_GROUP_TEXT)
        .setMsgData(payload(sender.index, seq))
        .build();
    sender.client.request(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_VALUE, message).onComplete(ar -> {
      sender.inFlight--;
      if (ar.succeeded() && ar.result().commandId() == MessageCmdID.CID_MSG_DATA_ACK_VALUE) {
        sender.acked.set(seq);
        if (sender.group != null) {
          sender.group.acked(sender.index, seq);
        }
        stats.acked++;
      } else {
        stats.ackFailures++;
      }
      if (sending && options.rate == 0) {
        send(sender);
      } else {
        checkDrained();
      }
    });
  }

  private ByteString payload(int senderIndex, int seq) {
    StringBuilder text = new StringBuilder(options.payload).append('L').append(senderIndex).append(':').append(seq)
        .append(':').append(System.nanoTime()).append(':');
    while (text.length() < options.payload) {
      text.append('x');
    }
    return ByteString.copyFrom(text.toString(), StandardCharsets.US_ASCII);
  }

  private void handlePush(int receiverIndex, Pdu pdu) {
    if (pdu.commandId() != MessageCmdID.CID_MSG_DATA_VALUE) {
      return;
    }
    long now = System.nanoTime();
    IMMessage.IMMsgData message = TeamTalkClient.parse(pdu, IMMessage.IMMsgData.parser());
    String text = message.getMsgData().toString(StandardCharsets.US_ASCII);
    if (!text.startsWith("L")) {
      return;
    }
    String[] fields = text.substring(1).split(":", 4);
    int senderIndex = Integer.parseInt(fields[0]);
    int seq = Integer.parseInt(fields[1]);
    long sentAt = Long.parseLong(fields[2]);
    GroupTraffic group = groupsBySender.get(senderIndex);
    Sender sender = senders.get(senderIndex);
    if (group == null && sender == null) {
      return;
    }
    stats.received++;
    if (group != null) {
      if (!group.received(receiverIndex, senderIndex, seq)) {
        stats.duplicates++;
      }
    } else if (sender.receivedByPeer.get(seq)) {
      stats.duplicates++;
    } else {
      sender.receivedByPeer.set(seq);
    }
    if (measuring) {
      stats.deliveredWhileMeasuring++;
      stats.latency.record((now - sentAt) / 1_000);
      stats.interval.record((now - sentAt) / 1_000);
    }
    // real clients acknowledge every copy they receive
    TeamTalkClient receiver = clients.get(receiverIndex);
    if (receiver != null) {
      receiver.send(ServiceID.SID_MSG_VALUE, MessageCmdID.CID_MSG_DATA_ACK_VALUE, IMMessage.IMMsgDataAck.newBuilder()
          .setUserId(userIds.get(receiverIndex))
          .setSessionId(group != null ? group.groupId : message.getFromUserId())
          .setMsgId(message.getMsgId())
          .setSessionType(group != null ? IMBaseDefine.SessionType.SESSION_TYPE_GROUP
              : IMBaseDefine.SessionType.SESSION_TYPE_SINGLE).build());
    }
    if (!sending) {
      checkDrained();
    }
  }
}
