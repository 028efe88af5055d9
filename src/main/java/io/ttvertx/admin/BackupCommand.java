package io.ttvertx.admin;

import io.ttvertx.config.ServerOptions;
import io.ttvertx.config.StoreOptions;
import io.ttvertx.config.TlsOptions;
import io.ttvertx.store.BackupFiles;
import io.ttvertx.store.BackupStore;
import io.ttvertx.store.Store;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.Stores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.h2.tools.Restore;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code backup [--to FILE]} and {@code restore FILE [--force]} for the embedded store. A running
 * server holds the H2 file, so backup first asks it over the admin API ({@code POST /api/v1/backup},
 * with the first of httpMsg.apiKeys / TT_HTTP_API_KEYS); only when nothing listens there does it open
 * the file itself. Restore needs the server stopped; it refuses to replace an existing database unless
 * {@code --force}, and then keeps the old one aside as {@code <name>.mv.db.before-restore}.
 */
public final class BackupCommand {
  static final String H2_SUFFIX = ".mv.db";
  static final String ASIDE_SUFFIX = ".before-restore";
  static final long BACKUP_TIMEOUT_MS = 30 * 60_000;
  static final String USAGE = """
      usage: backup [--to FILE]            online backup of the embedded store (through the running server's admin API)
             restore FILE [--force]       restore a backup into store.embedded.path, the server stopped""";

  private BackupCommand() {
  }

  /** Whether {@code command} is one of this class's. */
  public static boolean handles(String command) {
    return command.equals("backup") || command.equals("restore");
  }

  /** Runs one command; completes with the process exit code (0 ok, 1 failed, 2 usage error). */
  public static Future<Integer> run(Vertx vertx, ServerOptions options, List<String> args, PrintStream out,
                                    PrintStream err) {
    StoreOptions store = options.store();
    if (!StoreOptions.EMBEDDED.equals(store.type())) {
      err.println(args.get(0) + " is for the embedded store; on MySQL + Redis use mysqldump --single-transaction"
          + " and mysql (see the README, \"Backup and restore\")");
      return Future.succeededFuture(1);
    }
    Future<String> done;
    if (args.get(0).equals("backup") && (args.size() == 1 || args.size() == 3 && args.get(1).equals("--to"))) {
      done = backup(vertx, options, args.size() == 3 ? Path.of(args.get(2)).toAbsolutePath() : null);
    } else if (args.get(0).equals("restore") && (args.size() == 2 || args.size() == 3 && args.get(2).equals("--force"))) {
      done = restore(vertx, store, Path.of(args.get(1)).toAbsolutePath(), args.size() == 3);
    } else {
      err.println(USAGE);
      return Future.succeededFuture(2);
    }
    return done.map(line -> {
      out.println(line);
      return 0;
    }).otherwise(failure -> {
      err.println(failure instanceof StoreException || failure instanceof UncheckedIOException
          ? failure.getMessage() : "failed: " + failure);
      return 1;
    });
  }

  // ---- backup

  private static Future<String> backup(Vertx vertx, ServerOptions options, Path to) {
    String url = apiUrl(options);
    WebClient client;
    try {
      client = WebClient.create(vertx, clientOptions(options.tls()));
    } catch (UncheckedIOException e) {
      return Future.failedFuture(e);
    }
    var request = client.postAbs(url).timeout(BACKUP_TIMEOUT_MS);
    options.httpMsg().apiKeys().stream().findFirst()
        .ifPresent(key -> request.putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + key));
    return request.send()
        .transform(ar -> {
          if (ar.succeeded()) {
            return answered(vertx, url, ar.result(), to);
          }
          if (ar.cause() instanceof ConnectException) {
            return backupFile(vertx, options.store(), url, to);
          }
          return Future.failedFuture(new StoreException("the admin API at " + url + " did not answer: "
              + ar.cause().getMessage()));
        })
        .onComplete(v -> client.close());
  }

  /** The admin API's address, on this host when the server listens on every interface. */
  static String apiUrl(ServerOptions options) {
    String host = options.httpMsg().host();
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    return options.tls().httpScheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + options.httpMsg().port() + "/api/v1/backup";
  }

  /**
   * Over TLS the server is reached on its own address (127.0.0.1 by default), which its certificate does
   * not name: the certificate it presents must then be the configured one (its first, the leaf), which
   * stands in for the check of the host name.
   */
  private static WebClientOptions clientOptions(TlsOptions tls) {
    WebClientOptions clientOptions = new WebClientOptions();
    if (!tls.enabled()) {
      return clientOptions;
    }
    String chain;
    try {
      chain = Files.readString(Path.of(tls.certificate()), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tls.certificate " + tls.certificate() + ": " + e.getMessage(), e);
    }
    String endMarker = "-----END CERTIFICATE-----";
    String leaf = chain.substring(chain.indexOf("-----BEGIN CERTIFICATE-----"), chain.indexOf(endMarker)
        + endMarker.length());
    return clientOptions.setSsl(true).setVerifyHost(false)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(leaf)));
  }

  private static Future<String> answered(Vertx vertx, String url, HttpResponse<Buffer> response, Path to) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (response.statusCode() != 200 || body == null) {
      String reason = body == null ? "HTTP " + response.statusCode() : body.getString("reason", "HTTP " + response.statusCode());
      String hint = response.statusCode() == 401 || response.statusCode() == 403
          ? " (give the CLI one of the server's API keys: httpMsg.apiKeys in its --conf, or TT_HTTP_API_KEYS)" : "";
      return Future.failedFuture(new StoreException("the running server at " + url + " refused the backup: "
          + reason + hint));
    }
    String file = body.getString("file");
    String written = "backup written by the running server to " + file + " (" + body.getLong("bytes") + " bytes in "
        + body.getLong("tookMs") + " ms)";
    if (to == null) {
      return Future.succeededFuture(written);
    }
    if (!Files.exists(Path.of(file))) {
      return Future.failedFuture(new StoreException(written + "; it is not on this host, so it was not copied to " + to));
    }
    return vertx.fileSystem().copy(file, to.toString()).map(v -> written + ", copied to " + to);
  }

  /** No server answers: the H2 file is backed up directly, which H2 allows only when no server holds it. */
  private static Future<String> backupFile(Vertx vertx, StoreOptions options, String url, Path to) {
    Path database = Path.of(options.embeddedPath() + H2_SUFFIX).toAbsolutePath();
    if (!Files.exists(database)) {
      return Future.failedFuture(new StoreException("no server answers at " + url + " and there is no database at "
          + database + " to back up"));
    }
    if (inUse(database)) {
      return Future.failedFuture(new StoreException("the database " + database + " is held by a running server, but"
          + " its admin API does not answer at " + url + ": run the http_msg role with httpMsg.apiKeys on that server"
          + " (then this command goes through it), or stop the server"));
    }
    Path target = to != null ? to : BackupFiles.fileFor(Path.of(options.backupDirectory()), Instant.now());
    Store store = Stores.create(vertx, options);
    return vertx.fileSystem().mkdirs(target.getParent().toString())
        .compose(v -> store.start())
        .compose(v -> ((BackupStore) store).backupTo(target))
        .eventually(store::close)
        .map(bytes -> "no server running: backed up " + database + " to " + target + " (" + bytes + " bytes)");
  }

  /** Whether another process (or this one) holds H2's lock on the database file. */
  static boolean inUse(Path database) {
    try (FileChannel channel = FileChannel.open(database, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException held) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + database + ": " + e.getMessage(), e);
    }
  }

  // ---- restore

  private static Future<String> restore(Vertx vertx, StoreOptions options, Path backup, boolean force) {
    Path database = Path.of(options.embeddedPath() + H2_SUFFIX).toAbsolutePath();
    Path aside = Path.of(database + ASIDE_SUFFIX);
    Future<String> replaced = vertx.executeBlocking(() -> {
      if (!Files.isRegularFile(backup)) {
        throw new StoreException("no backup file " + backup);
      }
      boolean exists = Files.exists(database);
      if (exists) {
        if (inUse(database)) {
          throw new StoreException("the database " + database + " is in use by a running server: stop it first");
        }
        if (!force) {
          throw new StoreException("a database exists at " + database + ": nothing restored (restore " + backup
              + " --force keeps it aside as " + aside.getFileName() + " and restores over it)");
        }
        if (Files.exists(aside)) {
          throw new StoreException(aside + " exists from an earlier restore: move it away first");
        }
      }
      Files.createDirectories(database.getParent());
      String name = database.getFileName().toString();
      name = name.substring(0, name.length() - H2_SUFFIX.length());
      Path unpacked = Files.createTempDirectory(database.getParent(), ".restore-");
      try {
        try {
          Restore.execute(backup.toString(), unpacked.toString(), name);
        } catch (RuntimeException notAnH2Backup) {
          throw new StoreException(backup + " is not a backup of an H2 database: " + notAnH2Backup.getMessage());
        }
        Path restored = unpacked.resolve(name + H2_SUFFIX);
        if (!Files.exists(restored)) {
          throw new StoreException(backup + " holds no H2 database file");
        }
        if (exists) {
          Files.move(database, aside);
        }
        Files.move(restored, database);
      } finally {
        deleteTree(unpacked);
      }
      return exists ? "; the database it replaced is kept at " + aside : "";
    });
    Store[] opened = new Store[1];
    return replaced.compose(note -> {
      opened[0] = Stores.create(vertx, options);
      return opened[0].start().compose(v -> opened[0].listUsers())
          .map(users -> "restored " + backup + " into " + database + " (" + users.size() + " users)" + note);
    }).eventually(() -> opened[0] == null ? Future.succeededFuture() : opened[0].close());
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
