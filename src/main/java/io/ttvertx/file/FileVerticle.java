package io.ttvertx.file;

import io.ttvertx.blob.BlobStorage;
import io.ttvertx.blob.BlobStorages;
import io.ttvertx.bus.Addresses;
import io.ttvertx.config.FileOptions;
import io.ttvertx.config.PublicAddress;
import io.ttvertx.config.StorageOptions;
import io.ttvertx.proto.IMBaseDefine.ClientFileRole;
import io.ttvertx.proto.IMBaseDefine.TransferFileType;
import io.ttvertx.proto.IMFile;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TeamTalk's file_server: the TCP port clients send and fetch files through, and the event-bus
 * addresses msg asks for transfer tasks and offline files ({@link Addresses#FILE_TASK} and the
 * others). Online transfers are relayed between sender and receiver; offline files go to the shared
 * storage. Tasks live in this verticle's event loop, so a node runs one instance.
 */
public class FileVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FileVerticle.class);

  /** Failure codes of the bus addresses (with a reason): the request is malformed. */
  public static final int FAILURE_BAD_REQUEST = 400;
  /** The file is larger than file.maxFileSize. */
  public static final int FAILURE_TOO_LARGE = 413;
  /** The sender has file.maxTasksPerUser tasks already. */
  public static final int FAILURE_TOO_MANY_TASKS = 429;
  /** The storage failed. */
  public static final int FAILURE_STORAGE = 500;

  /** TeamTalk keeps the path the Windows client sends; longer names are refused. */
  static final int MAX_FILE_NAME_LENGTH = 1024;
  /** Room in a frame for the header and a pull answer's fields besides the data. */
  static final int FRAME_OVERHEAD = 1024;
  /** How long the other side of an ended transfer stays connected to read its last frames. */
  static final long PEER_CLOSE_DELAY_MS = 1_000;
  static final long RETENTION_SWEEP_INTERVAL_MS = 3_600_000;

  private final Map<String, TransferTask> tasks = new HashMap<>();
  private final Map<Integer, Integer> tasksBySender = new HashMap<>();
  private final Map<Long, FileConnection> connections = new HashMap<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private FileOptions options;
  private StorageOptions storageOptions;
  private BlobStorage storage;
  private OfflineFiles files;
  private NetServer server;
  private JsonArray addresses;
  private long nextConnectionId = 1;
  private long sweepTimer;
  private long retentionTimer;

  @Override
  public Future<?> start() {
    options = FileOptions.fromJson(config());
    storageOptions = StorageOptions.fromJson(config().getJsonObject("storage"));
    storage = BlobStorages.create(vertx, storageOptions);
    files = new OfflineFiles(vertx, storage);
    server = vertx.createNetServer(new NetServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true));
    server.connectHandler(this::handleConnect);
    return storage.start()
        .compose(v -> server.listen())
        .compose(s -> {
          addresses = handedOutAddresses(s.actualPort());
          consumers.add(vertx.eventBus().consumer(Addresses.FILE_TASK, this::handleNewTask));
          consumers.add(vertx.eventBus().consumer(Addresses.FILE_ADDRESSES,
              message -> message.reply(new JsonObject().put("addresses", addresses.copy()))));
          consumers.add(vertx.eventBus().consumer(Addresses.FILE_OFFLINE_STATUS, this::handleOfflineStatus));
          consumers.add(vertx.eventBus().consumer(Addresses.FILE_OFFLINE_DELETE, this::handleOfflineDelete));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
        })
        .compose(v -> sweepOldFiles())
        .onSuccess(v -> {
          log.info("file server listening on {}:{}, handing out {}, storage: {}; files up to {} bytes, {} tasks per"
                  + " user, idle tasks dropped after {} s, offline files kept {}", options.host(), server.actualPort(),
              describe(addresses), describeStorage(), options.maxFileSize(), options.maxTasksPerUser(),
              options.taskIdleTimeoutSeconds(),
              options.retentionDays() == 0 ? "forever" : options.retentionDays() + " days");
          long shortest = Math.min(options.loginTimeoutSeconds(), options.taskIdleTimeoutSeconds()) * 1000L;
          sweepTimer = vertx.setPeriodic(Math.max(100, Math.min(5_000, shortest / 4)), id -> sweepIdle());
          retentionTimer = vertx.setPeriodic(RETENTION_SWEEP_INTERVAL_MS, id -> sweepOldFiles());
        })
        .onFailure(e -> storage.close());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(retentionTimer);
    for (FileConnection connection : new ArrayList<>(connections.values())) {
      connection.close("server stopping");
    }
    List<Future<?>> closing = new ArrayList<>();
    consumers.forEach(consumer -> closing.add(consumer.unregister()));
    closing.add(server.close());
    return Future.all(closing).eventually(storage::close);
  }

  /** file.addresses, else file.priorIp, else the host's address; each with this server's port unless it names one. */
  private JsonArray handedOutAddresses(int port) {
    List<String> configured = options.addresses();
    if (configured.isEmpty()) {
      String prior = options.priorIp().isBlank() ? PublicAddress.detect() : options.priorIp();
      if (!options.priorIp().isBlank()) {
        PublicAddress.warnIfLoopback(prior, "file.priorIp");
      }
      configured = List.of(prior);
    }
    JsonArray list = new JsonArray();
    for (String address : configured) {
      list.add(new JsonObject().put("ip", FileOptions.hostOf(address)).put("port", FileOptions.portOf(address, port)));
    }
    return list;
  }

  private static String describe(JsonArray addresses) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      JsonObject address = addresses.getJsonObject(i);
      texts.add(address.getString("ip") + ":" + address.getInteger("port"));
    }
    return String.join(", ", texts);
  }

  private String describeStorage() {
    return StorageOptions.S3.equals(storageOptions.type())
        ? "s3 bucket " + storageOptions.s3Bucket() + (storageOptions.s3Endpoint().isBlank() ? ""
            : " at " + storageOptions.s3Endpoint())
        : "directory " + storageOptions.directory();
  }

  private void handleConnect(NetSocket socket) {
    if (connections.size() >= options.maxConnections()) {
      log.warn("refusing file connection from {}: {} connections, file.maxConnections", socket.remoteAddress(),
          connections.size());
      socket.close();
      return;
    }
    FileConnection connection = new FileConnection(nextConnectionId++, socket, this);
    connections.put(connection.id(), connection);
    connection.start(options.maxFrameLength());
  }

  /** FILE_TASK: {from, to, fileName, fileSize, transMode} -> {taskId, addresses}. */
  private void handleNewTask(Message<Object> message) {
    JsonObject body = jsonBody(message);
    Integer from = positiveInt(body, "from");
    Integer to = positiveInt(body, "to");
    Object fileName = body == null ? null : body.getValue("fileName");
    Object fileSize = body == null ? null : body.getValue("fileSize");
    Object transMode = body == null ? null : body.getValue("transMode");
    if (from == null || to == null) {
      message.fail(FAILURE_BAD_REQUEST, "from and to must be user ids");
    } else if (!(fileName instanceof String name) || name.isBlank() || name.length() > MAX_FILE_NAME_LENGTH) {
      message.fail(FAILURE_BAD_REQUEST, "fileName must be a name of 1 to " + MAX_FILE_NAME_LENGTH + " characters");
    } else if (!(fileSize instanceof Number size) || size.longValue() < 0) {
      message.fail(FAILURE_BAD_REQUEST, "fileSize must be a number of bytes");
    } else if (size.longValue() == 0) {
      message.fail(FAILURE_BAD_REQUEST, "empty files are not transferred");
    } else if (size.longValue() > options.maxFileSize()) {
      message.fail(FAILURE_TOO_LARGE, "file of " + size.longValue() + " bytes, over file.maxFileSize "
          + options.maxFileSize());
    } else if (!(transMode instanceof Number mode) || TransferFileType.forNumber(mode.intValue()) == null) {
      message.fail(FAILURE_BAD_REQUEST, "transMode must be 1 (online) or 2 (offline)");
    } else if (tasksBySender.getOrDefault(from, 0) >= options.maxTasksPerUser()) {
      log.info("file task of user {} to user {} refused: {} tasks already", from, to, options.maxTasksPerUser());
      message.fail(FAILURE_TOO_MANY_TASKS, "user " + from + " has " + options.maxTasksPerUser()
          + " transfers running, file.maxTasksPerUser");
    } else {
      TransferTask task = new TransferTask(this, OfflineFiles.newTaskId(), from, to, name, size.longValue(),
          TransferFileType.forNumber(mode.intValue()));
      tasks.put(task.taskId(), task);
      tasksBySender.merge(from, 1, Integer::sum);
      log.info("file task {}: user {} sends {} bytes to user {} {}", task.taskId(), from, task.fileSize(), to,
          task.mode() == TransferFileType.FILE_TYPE_ONLINE ? "online" : "offline");
      message.reply(new JsonObject().put("taskId", task.taskId()).put("addresses", addresses.copy()));
    }
  }

  private static Integer positiveInt(JsonObject body, String key) {
    Object value = body == null ? null : body.getValue(key);
    return value instanceof Number number && number.longValue() > 0 && number.longValue() <= 0xFFFF_FFFFL
        ? (int) number.longValue() : null;
  }

  /** FILE_OFFLINE_STATUS: {taskId} -> {complete, from, to, fileName, fileSize}, or {complete: false}. */
  private void handleOfflineStatus(Message<Object> message) {
    withTaskId(message, taskId -> files.describeComplete(taskId).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(FAILURE_STORAGE, "storage: " + ar.cause().getMessage());
      } else if (ar.result() == null) {
        message.reply(new JsonObject().put("complete", false));
      } else {
        OfflineFiles.Description d = ar.result();
        message.reply(new JsonObject().put("complete", true).put("from", d.from()).put("to", d.to())
            .put("fileName", d.fileName()).put("fileSize", d.fileSize()));
      }
    }));
  }

  /** FILE_OFFLINE_DELETE: {taskId} -> {deleted}. */
  private void handleOfflineDelete(Message<Object> message) {
    withTaskId(message, taskId -> files.delete(taskId).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(FAILURE_STORAGE, "storage: " + ar.cause().getMessage());
      } else {
        if (ar.result()) {
          log.info("offline file {} deleted", taskId);
        }
        message.reply(new JsonObject().put("deleted", ar.result()));
      }
    }));
  }

  /** The request's JSON object, or null when it is anything else (which each handler refuses). */
  private static JsonObject jsonBody(Message<Object> message) {
    return message.body() instanceof JsonObject json ? json : null;
  }

  private static void withTaskId(Message<Object> message, Consumer<String> action) {
    JsonObject body = jsonBody(message);
    Object taskId = body == null ? null : body.getValue("taskId");
    if (taskId instanceof String text) {
      action.accept(text);
    } else {
      message.fail(FAILURE_BAD_REQUEST, "taskId must be a string");
    }
  }

  /**
   * Checks a login against its task: the sender (roles 1 and 3) or the receiver (2 and 4) of it, in
   * a role of the task's mode, once per side. An offline download is checked against the storage,
   * so any node's file server can serve it. A failure's message is the reason.
   */
  Future<Transfer> admit(FileConnection connection, IMFile.IMFileLoginReq request) {
    String taskId = request.getTaskId();
    int user = request.getUserId();
    ClientFileRole role = request.getFileRole();
    if (role == ClientFileRole.CLIENT_OFFLINE_DOWNLOAD) {
      return files.describe(taskId).compose(description -> {
        if (description == null) {
          return Future.failedFuture("no complete offline file with that id");
        }
        if (description.to() != user) {
          return Future.failedFuture("user " + user + " is not the receiver (" + description.to() + ")");
        }
        return storage.stat(OfflineFiles.dataKey(taskId)).compose(info -> {
          if (info == null || info.size() != description.fileSize()) {
            log.warn("offline file {}: {} stored bytes, its description says {}", taskId,
                info == null ? 0 : info.size(), description.fileSize());
            return Future.failedFuture("stored file incomplete");
          }
          return Future.succeededFuture(new OfflineDownload(vertx, files, description));
        });
      });
    }
    TransferTask task = tasks.get(taskId);
    if (task == null) {
      return Future.failedFuture("no such task");
    }
    boolean online = task.mode() == TransferFileType.FILE_TYPE_ONLINE;
    boolean asSender = role == ClientFileRole.CLIENT_REALTIME_SENDER || role == ClientFileRole.CLIENT_OFFLINE_UPLOAD;
    boolean roleOnline = role == ClientFileRole.CLIENT_REALTIME_SENDER || role == ClientFileRole.CLIENT_REALTIME_RECVER;
    if (roleOnline != online) {
      return Future.failedFuture("role " + role + " in an " + (online ? "online" : "offline") + " task");
    }
    int expected = asSender ? task.from() : task.to();
    if (user != expected) {
      return Future.failedFuture("user " + user + " is not the task's " + (asSender ? "sender" : "receiver"));
    }
    if (asSender ? task.hasSender() : task.hasReceiver()) {
      return Future.failedFuture("the " + (asSender ? "sender" : "receiver") + " is already in");
    }
    task.join(connection, asSender);
    return Future.succeededFuture(online ? task : new OfflineUpload(this, task, files));
  }

  /** Ends {@code task} once, closing its connections. */
  void endTask(TransferTask task, String reason) {
    if (!task.end(reason)) {
      return;
    }
    tasks.remove(task.taskId());
    tasksBySender.computeIfPresent(task.from(), (user, count) -> count > 1 ? count - 1 : null);
    log.info("file task {} ended: {}", task.taskId(), reason);
  }

  private void sweepIdle() {
    long now = System.currentTimeMillis();
    long idleMs = options.taskIdleTimeoutSeconds() * 1000L;
    for (FileConnection connection : new ArrayList<>(connections.values())) {
      connection.closeIfIdle(now, options.loginTimeoutSeconds() * 1000L, idleMs);
    }
    for (TransferTask task : new ArrayList<>(tasks.values())) {
      if (task.idleSince(now - idleMs)) {
        endTask(task, "no transfer for " + options.taskIdleTimeoutSeconds() + " s");
      }
    }
  }

  /** Deletes offline files older than file.retentionDays (msg's store forgets their rows itself). */
  private Future<Void> sweepOldFiles() {
    if (options.retentionDays() == 0) {
      return Future.succeededFuture();
    }
    long cutoff = System.currentTimeMillis() - options.retentionDays() * 86_400_000L;
    return files.deleteOlderThan(cutoff)
        .onSuccess(count -> {
          if (count > 0) {
            log.info("deleted {} offline file objects older than {} days", count, options.retentionDays());
          }
        })
        .recover(e -> {
          log.warn("sweeping old offline files failed: {}", e.getMessage());
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  void removeConnection(FileConnection connection) {
    connections.remove(connection.id());
  }

  /** The most data one online pull may ask for: what fits a frame. */
  int largestSegment() {
    return options.maxFrameLength() - FRAME_OVERHEAD;
  }

  Vertx vertx() {
    return vertx;
  }
}
