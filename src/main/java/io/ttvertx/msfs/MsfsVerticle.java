package io.ttvertx.msfs;

import io.ttvertx.CertificateReload;
import io.ttvertx.blob.BlobStorage;
import io.ttvertx.blob.BlobStorages;
import io.ttvertx.bus.Addresses;
import io.ttvertx.bus.LocalNode;
import io.ttvertx.config.MsfsOptions;
import io.ttvertx.config.PublicAddress;
import io.ttvertx.config.StorageOptions;
import io.ttvertx.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.UUID;

/**
 * TeamTalk's msfs: pictures over HTTP. Any POST is an upload ({@link UploadHandler}); GET and HEAD
 * {@code /<group>/<AAA>/<BBB>/<name>.<ext>} download (with {@code _WxH} a thumbnail). It announces its
 * public URL on the event bus, so the login server hands it to clients as msfsPrior.
 */
public class MsfsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(MsfsVerticle.class);
  /** How often the public URL is announced; login forgets an msfs not heard of for three of these. */
  static final long ANNOUNCE_INTERVAL_MS = 10_000;
  /** A connection silent this long is closed (TeamTalk's msfs: 30 s), so idle or stalled clients cost nothing. */
  static final int IDLE_TIMEOUT_SECONDS = 30;
  /** The extensions a picture may have been stored with, for a thumbnail path whose size replaced it. */
  private static final PictureType[] STORED_TYPES = PictureType.values();

  private final String instanceId = UUID.randomUUID().toString();
  /** A storage given by whoever deploys this instance, instead of the one the "storage" section describes. */
  private final BlobStorage givenStorage;
  private MsfsOptions options;
  private BlobStorage storage;
  private BlobSender sender;
  private Thumbnails thumbnails;
  private HttpServer server;
  private MessageConsumer<Object> announceRequests;
  private String announcedUrl;
  private long announceTimer = -1;

  public MsfsVerticle() {
    this(null);
  }

  /** An msfs on {@code storage}, which it starts and closes, rather than on the configured storage section. */
  public MsfsVerticle(BlobStorage storage) {
    this.givenStorage = storage;
  }

  @Override
  public Future<?> start() {
    options = MsfsOptions.fromJson(config());
    context.exceptionHandler(MsfsVerticle::handleUncaught);
    StorageOptions storageOptions = StorageOptions.fromJson(config().getJsonObject("storage"));
    storage = givenStorage != null ? givenStorage : BlobStorages.create(vertx, storageOptions);
    String storageDescription = givenStorage != null ? givenStorage.getClass().getSimpleName()
        : storageOptions.type() + " " + (StorageOptions.S3.equals(storageOptions.type()) ? storageOptions.s3Bucket()
            : storageOptions.directory());
    sender = new BlobSender(storage);
    thumbnails = new Thumbnails(vertx, storage);
    UploadHandler uploads = new UploadHandler(vertx, storage, options.maxUploadBytes(), options.publicUrl(),
        () -> announcedUrl);

    Router router = Router.router(vertx);
    if (!options.corsOrigins().isEmpty()) {
      // the web client uploads from the msg role's web port, another origin than msfs's
      CorsHandler cors = CorsHandler.create().allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST));
      if (!options.corsOrigins().contains("*")) {
        cors.addOrigins(options.corsOrigins());
      }
      router.route().handler(cors);
    }
    router.post().handler(uploads::checkHeaders);
    router.post().handler(uploads.bodyHandler()).handler(uploads::handleUpload).failureHandler(uploads::handleFailure);
    router.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> handleDownload(ctx.request()));
    router.route().handler(ctx -> MsfsAnswers.sendAndClose(ctx.response(), 405,
        MsfsAnswers.error(405, "only POST (upload), GET and HEAD (download)")));
    TlsOptions tls = TlsOptions.fromJson(config().getJsonObject("tls"));
    server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions().setIdleTimeout(IDLE_TIMEOUT_SECONDS)))
        .requestHandler(router);
    announceRequests = vertx.eventBus().consumer(Addresses.MSFS_ANNOUNCE_REQUEST, message -> announce());
    return storage.start()
        .compose(v -> announceRequests.completion())
        .compose(v -> server.listen(options.port(), options.host()))
        .onSuccess(s -> {
          if (options.publicUrl().isEmpty()) {
            announcedUrl = tls.httpScheme() + "://" + PublicAddress.detect() + ":" + s.actualPort() + "/";
            if (tls.enabled()) {
              log.warn("msfs hands out {} to clients, an address certificates seldom name (clients then refuse it):"
                  + " set msfs.publicUrl to https://<a name in the certificate>:{}/", announcedUrl,
                  s.actualPort());
            }
          } else {
            announcedUrl = options.publicUrl();
            PublicAddress.warnIfLoopback(hostOf(announcedUrl), "msfs.publicUrl");
          }
          log.info("msfs listening on {}:{} (public URL {}{}, storage {}, uploads up to {} bytes)", options.host(),
              s.actualPort(), announcedUrl, options.publicUrl().isEmpty() ? ", answers use the Host header" : "",
              storageDescription, options.maxUploadBytes());
          announce();
          CertificateReload.watch(vertx, tls, "msfs", sslOptions -> server.updateSSLOptions(sslOptions, true));
          announceTimer = vertx.setPeriodic(ANNOUNCE_INTERVAL_MS, id -> announce());
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(announceTimer);
    vertx.eventBus().publish(Addresses.MSFS_ANNOUNCE, new JsonObject().put("instance", instanceId).put("gone", true));
    return Future.all(server.close(), announceRequests.unregister()).compose(v -> storage.close());
  }

  private void announce() {
    if (announcedUrl != null) {
      vertx.eventBus().publish(Addresses.MSFS_ANNOUNCE, new JsonObject().put("instance", instanceId)
          .put("node", LocalNode.id(vertx)).put("url", announcedUrl).put("detected", options.publicUrl().isEmpty())
          .put("intervalMs", ANNOUNCE_INTERVAL_MS));
    }
  }

  private void handleDownload(HttpServerRequest request) {
    String rawPath = request.path();
    PicturePath.Download download = PicturePath.parseDownload(rawPath);
    if (download == null) {
      boolean traversal = PicturePath.looksLikeTraversal(rawPath);
      if (traversal) {
        log.info("refused download of {} from {}: path outside the storage", printable(rawPath), request.remoteAddress());
      }
      MsfsAnswers.send(request.response(), traversal ? 400 : 404,
          MsfsAnswers.error(traversal ? 400 : 404, traversal ? "invalid path" : "no such file"));
      return;
    }
    if (download.wantsThumbnail() && (download.width() < 1 || download.height() < 1
        || download.width() > options.maxThumbnailSide() || download.height() > options.maxThumbnailSide())) {
      MsfsAnswers.send(request.response(), 400, MsfsAnswers.error(400,
          "thumbnail sides must be 1 to " + options.maxThumbnailSide()));
      return;
    }
    findPicture(download)
        .compose(original -> {
          if (original == null) {
            return Future.<Stored>succeededFuture(null);
          }
          String originalKey = original.picture().key();
          if (!download.wantsThumbnail()) {
            return Future.succeededFuture(new Stored(originalKey, original.info()));
          }
          return thumbnails.keyFor(original.picture(), PictureType.ofExtension(original.picture().extension()),
                  original.info(), download.width(), download.height())
              .compose(key -> key.equals(originalKey) ? Future.succeededFuture(new Stored(key, original.info()))
                  : storage.stat(key).map(info -> info == null ? null : new Stored(key, info)));
        })
        .onSuccess(stored -> {
          if (stored == null) {
            MsfsAnswers.send(request.response(), 404, MsfsAnswers.error(404, "no such file"));
          } else {
            sender.send(request, stored.key(), stored.info());
          }
        })
        .onFailure(e -> {
          log.warn("download of {} failed: {}", rawPath, e.toString());
          MsfsAnswers.send(request.response(), 500, MsfsAnswers.error(500, "could not read the file"));
        });
  }

  /** A stored file to send. */
  private record Stored(String key, BlobStorage.BlobInfo info) {
  }

  /** The picture a download names, found in the storage. */
  private record Original(PicturePath picture, BlobStorage.BlobInfo info) {
  }

  /** The picture, or null; when the thumbnail size replaced its extension, each stored type is tried. */
  private Future<Original> findPicture(PicturePath.Download download) {
    if (download.extension() != null) {
      PicturePath picture = download.picture(download.extension());
      return storage.stat(picture.key()).map(info -> info == null ? null : new Original(picture, info));
    }
    return findPictureOfAnyType(download, 0);
  }

  private Future<Original> findPictureOfAnyType(PicturePath.Download download, int typeIndex) {
    if (typeIndex == STORED_TYPES.length) {
      return Future.succeededFuture(null);
    }
    PicturePath picture = download.picture(STORED_TYPES[typeIndex].extension);
    return storage.stat(picture.key()).compose(info -> info != null ? Future.succeededFuture(new Original(picture, info))
        : findPictureOfAnyType(download, typeIndex + 1));
  }

  /**
   * Vert.x may still write to an upload's file just after the body handler cancelled it (the client
   * went away): that failure is expected and changes nothing, as the file is deleted.
   */
  private static void handleUncaught(Throwable e) {
    if (e instanceof IllegalStateException && "File handle is closed".equals(e.getMessage())) {
      log.debug("write to a cancelled upload file: {}", e.getMessage());
    } else {
      log.error("unexpected failure", e);
    }
  }

  /** A client's path as it may appear in a log line: short, without control characters. */
  private static String printable(String path) {
    String cut = path.length() > 200 ? path.substring(0, 200) + "..." : path;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static String hostOf(String url) {
    String rest = url.substring(url.indexOf("://") + 3);
    int end = rest.indexOf('/');
    rest = end < 0 ? rest : rest.substring(0, end);
    int colon = rest.lastIndexOf(':');
    return colon > 0 && !rest.endsWith("]") ? rest.substring(0, colon) : rest;
  }
}
