package io.ttvertx.bus;

/**
 * Event-bus addresses and header names shared by the roles. Payloads that carry client frames or
 * protobuf messages are {@link io.vertx.core.buffer.Buffer}s (bytes), never JSON copies.
 */
public final class Addresses {
  private Addresses() {
  }

  /**
   * db proxy: body = a request {@link DbBatch}; the reply (at once, before any answer) is the private
   * address of the db proxy that took it, where the sender sends its later batches. Answers go to the
   * batch's reply address as answer batches.
   */
  public static final String DB = "tt.db";

  /** The private address of one db proxy instance (same API as {@link #DB}). */
  public static String dbInstance(String instanceId) {
    return "tt.db.instance." + instanceId;
  }

  /** Where one msg instance receives the db proxy's answer batches. */
  public static String msgInstanceDbAnswers(String instanceId) {
    return "tt.msg.instance." + instanceId + ".db";
  }

  // msg asks its own node's route: the route addresses below are sent to with DeliveryOptions#setLocalOnly

  // Requests msg makes for a logged-in user carry it as their Actor (headers Actor.USER_HEADER and
  // Actor.CLIENT_TYPE_HEADER); the route takes the user of a login, logout or PC kick from there only.

  /** route: a connection of the actor logged in. JSON {address, conn}. Reply: empty JSON. */
  public static final String ROUTE_ONLINE = "tt.route.online";
  /** route: a logged-in connection of the actor went away. JSON {address, conn}. */
  public static final String ROUTE_OFFLINE = "tt.route.offline";
  /**
   * route: deliver a frame (body) to every connection of the users in header {@link #TO}, except the
   * connection named by headers {@link #EXCEPT_ADDRESS} + {@link #EXCEPT_CONN}; header
   * {@link #CLIENT_FILTER} optionally limits it to "pc" or "mobile" connections.
   */
  public static final String ROUTE_DELIVER = "tt.route.deliver";
  /** route: deliver a frame to every online connection except those of user {@link #EXCEPT_USER}. */
  public static final String ROUTE_BROADCAST = "tt.route.broadcast";

  /** route: JSON array of user ids; reply JSON object user id -> UserStatType number. */
  public static final String ROUTE_STATUS = "tt.route.status";
  /** route: JSON {user}; reply JSON {pc}: whether the user has a PC client online anywhere in the cluster. */
  public static final String ROUTE_HAS_PC = "tt.route.hasPc";
  /** route: JSON {reason}: kick every PC connection of the actor. Reply JSON {kicked}. */
  public static final String ROUTE_KICK_PC = "tt.route.kickPc";
  /**
   * route: JSON {user, reason}: kick every connection of that user, on every node (the administration
   * disabling or kicking a user). Reply JSON {kicked}: how many connections were online.
   */
  public static final String ROUTE_KICK_USER = "tt.route.kickUser";
  /**
   * route: JSON {offset, limit}; reply JSON {connections, users, nodes: [{node, connections, clientTypes:
   * {type: count}}], online: [{user, connections: [{node, clientType, since}]}] (that page, by user id)}.
   */
  public static final String ROUTE_PRESENCE = "tt.route.presence";

  /**
   * route -> every route (published): a change of the online table made on the sender's node, JSON
   * {op: add|remove|removePc|removeUser, node, seq (the sender's change number), hlc (its hybrid
   * clock), user, ...the login (address, conn, clientType, since, order)}.
   */
  public static final String ROUTE_SYNC = "tt.route.sync";
  /** route -> every route (published) each second: JSON {node, hlc, seq (the sender's last change number)}. */
  public static final String ROUTE_ALIVE = "tt.route.alive";
  /**
   * One node's route: JSON {op: ack, seq, node}, another route has applied that login of this node; or
   * {op: logins, node, seq, hlc, answer, logins: [...]}, every login of the sender's node (which
   * replace those held for it), with {@code answer} asking for this node's back.
   */
  public static String routeNode(String nodeId) {
    return "tt.route.node." + nodeId;
  }

  /** route: a starting route's node id; reply: JSON {node, logins}: the answering route and the whole online table. */
  public static final String ROUTE_SNAPSHOT = "tt.route.snapshot";

  /**
   * route -> every msg instance (published): a frame for every online connection, except those of
   * user {@link #EXCEPT_USER}, optionally only {@link #CLIENT_FILTER} ones. Each instance goes over
   * its own connections, so no list of connections crosses the bus.
   */
  public static final String MSG_BROADCAST = "tt.msg.broadcast";

  /**
   * msg -> login: published load reports, JSON {instance, node (LocalNode id), priorIp, backupIp, port,
   * current, max, accepted (connections accepted since start), intervalMs}; {..., gone: true} when it stops.
   */
  public static final String MSG_LOAD = "tt.msg.load";
  /** login -> msg: published when a login server starts, so every msg instance reports at once. */
  public static final String MSG_LOAD_REQUEST = "tt.msg.load.request";
  /**
   * login -> every login (published): JSON {login (the sender's id), counts: {msg server key: n}},
   * the addresses the sender handed out lately, which every login server counts until the next reports.
   */
  public static final String LOGIN_HANDOUTS = "tt.login.handouts";

  /** The private address of one msg verticle instance, where route sends frames and kicks. */
  public static String msgInstance(String instanceId) {
    return "tt.msg.instance." + instanceId;
  }

  // file server (the file verticle). msg sends these with DeliveryOptions#setLocalOnly first and, when
  // no file verticle runs on its node (NO_HANDLERS), to the cluster. A refusal is a ReplyException.

  /**
   * file: a new transfer task. JSON {from, to, fileName, fileSize, transMode (1 online, 2 offline)}.
   * Reply JSON {taskId, addresses: [{ip, port}]}: the addresses of the file server that holds the task.
   */
  public static final String FILE_TASK = "tt.file.task";
  /** file: JSON {}; reply JSON {addresses: [{ip, port}]}, where offline files can be downloaded. */
  public static final String FILE_ADDRESSES = "tt.file.addresses";
  /**
   * file: JSON {taskId}; reply JSON {complete, from, to, fileName, fileSize}: whether that offline
   * upload is complete in the shared storage ({complete: false} alone when it is not).
   */
  public static final String FILE_OFFLINE_STATUS = "tt.file.offline.status";
  /** file: JSON {taskId}; deletes that offline file from the storage. Reply JSON {deleted}. */
  public static final String FILE_OFFLINE_DELETE = "tt.file.offline.delete";

  /**
   * msfs -> login (published): JSON {instance, node, url, intervalMs} with the public URL of an msfs
   * instance, at start, every intervalMs and when asked; {instance, gone: true} when it stops.
   */
  public static final String MSFS_ANNOUNCE = "tt.msfs.announce";
  /** login -> msfs: published when a login server starts, so every msfs instance announces itself at once. */
  public static final String MSFS_ANNOUNCE_REQUEST = "tt.msfs.announce.request";

  /**
   * db proxy (JSON): {messages: [{from, group (0 for 1:1), users}]}; reply {results: [{nick, groupName,
   * targets: [{user, clientType, token, nightShield, badge}]}]}, in order: for each message, the users
   * with a device token who have not shielded the group.
   */
  public static final String DB_PUSH_TARGETS = "tt.db.push.targets";
  /** db proxy (JSON): {user, token}, a token a push service reported gone; reply {removed}. */
  public static final String DB_PUSH_TOKEN_GONE = "tt.db.push.tokenGone";
  /** route: JSON array of user ids; reply JSON array of those with a mobile client online anywhere in the cluster. */
  public static final String ROUTE_MOBILE_ONLINE = "tt.route.mobileOnline";
  /**
   * msg -> one push verticle of the cluster (sent, never published, so each message is pushed once): a
   * stored message. Header {@link #PUSH_KIND} {@link #PUSH_KIND_SINGLE}: body the stored IMMsgData;
   * {@link #PUSH_KIND_GROUP}: body the StoredGroupMsg (the message and its members). No reply.
   */
  public static final String PUSH_MESSAGE = "tt.push.message";
  public static final String PUSH_KIND = "kind";
  public static final String PUSH_KIND_SINGLE = "single";
  public static final String PUSH_KIND_GROUP = "group";
  /**
   * msg -> one webhook verticle of the cluster (sent, never published, so each message is posted once): a
   * stored message, body and {@link #PUSH_KIND} header as for {@link #PUSH_MESSAGE}. No reply.
   */
  public static final String WEBHOOK_MESSAGE = "tt.webhook.message";
  /**
   * db proxy (JSON): {} asks for an online backup of the store into a new file of the backup directory;
   * reply {file, bytes, tookMs}; fails with code 409 when the store cannot (MySQL) or one is being written.
   */
  public static final String DB_BACKUP = "tt.db.backup";

  // header names
  public static final String ACTION = "action";
  public static final String TO = "to";
  public static final String CONNS = "conns";
  public static final String EXCEPT_ADDRESS = "exceptAddress";
  public static final String EXCEPT_CONN = "exceptConn";
  public static final String EXCEPT_USER = "exceptUser";
  public static final String CLIENT_FILTER = "clients";
  /** On a broadcast: of those with the same key gathered for one write, only the latest is written. */
  public static final String COALESCE_KEY = "coalesce";
  public static final String REASON = "reason";
  /** On a delivered message: when msg received it from its sender (epoch ms), for the delivery-latency metric. */
  public static final String RECEIVED_AT = "receivedAt";

  // values of ACTION on a msg instance address
  public static final String ACTION_DELIVER = "deliver";
  public static final String ACTION_KICK = "kick";

  // values of CLIENT_FILTER
  public static final String CLIENTS_PC = "pc";
  public static final String CLIENTS_MOBILE = "mobile";
  /**
   * PC-class connections that are browsers (the web client's WebSocket): route passes the filter on and
   * the msg instance keeps to its WebSocket connections. For what only the web client understands
   * (another user's read receipt); native clients never see it.
   */
  public static final String CLIENTS_WEB = "web";
}
