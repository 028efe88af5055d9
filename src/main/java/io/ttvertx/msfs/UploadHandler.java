package io.ttvertx.msfs;

import io.netty.handler.codec.DecoderException;
import io.ttvertx.blob.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Uploads: any POST whose body is multipart/form-data, as every TeamTalk client sends it (Android's
 * part "file0", iOS and Mac's "type" field then part "image", Windows's part "image" to
 * {@code upload/}). The body is parsed by vertx-web and the file part streamed to the storage's spool
 * directory, then kept under a random key; the first file part is the picture, whatever its name.
 */
final class UploadHandler {
  private static final Logger log = LoggerFactory.getLogger(UploadHandler.class);
  private static final String MULTIPART = "multipart/form-data";
  /** How Android's MoGuHttpClient.uploadImage3 names its part and its boundary. */
  private static final String ANDROID_PART = "file0";
  private static final String ANDROID_BOUNDARY = "---------7d4a6d158c9";
  private static final Pattern VALID_HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

  private final Vertx vertx;
  private final BlobStorage storage;
  private final int maxUploadBytes;
  /** The configured public URL, or empty: then answers are built from the request's Host header. */
  private final String publicUrl;
  /** The URL for a request without a Host header (HTTP/1.0) when none is configured. */
  private final Supplier<String> fallbackUrl;
  private final SecureRandom random = new SecureRandom();

  UploadHandler(Vertx vertx, BlobStorage storage, int maxUploadBytes, String publicUrl, Supplier<String> fallbackUrl) {
    this.vertx = vertx;
    this.storage = storage;
    this.maxUploadBytes = maxUploadBytes;
    this.publicUrl = publicUrl;
    this.fallbackUrl = fallbackUrl;
  }

  /** Streams file parts to the spool directory, refuses bodies over the limit, removes what a cut or refused upload left. */
  BodyHandler bodyHandler() {
    return BodyHandler.create(storage.spoolDirectory().toString())
        .setBodyLimit(maxUploadBytes)
        .setDeleteUploadedFilesOnEnd(true)
        .setMergeFormAttributes(false);
  }

  /** Refuses, before any of the body is read, what TeamTalk refuses for its headers alone. */
  void checkHeaders(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase().startsWith(MULTIPART)
        || !contentType.toLowerCase().contains("boundary=")) {
      refuse(ctx, 400, MsfsAnswers.NO_BOUNDARY, "not multipart/form-data with a boundary");
      return;
    }
    ctx.next();
  }

  void handleUpload(RoutingContext ctx) {
    List<FileUpload> uploads = ctx.fileUploads();
    if (uploads.isEmpty()) {
      boolean hasFields = !ctx.request().formAttributes().isEmpty();
      refuse(ctx, 400, hasFields ? MsfsAnswers.NO_FILE_NAME : MsfsAnswers.NO_FILE_PART,
          hasFields ? "form without a file part" : "no file part");
      return;
    }
    FileUpload upload = uploads.get(0);
    if (upload.size() == 0) {
      refuse(ctx, 400, MsfsAnswers.NO_FILE_PART, "empty file part");
      return;
    }
    Path uploaded = Path.of(upload.uploadedFileName());
    inspect(uploaded, isAndroidUpload(ctx.request(), upload))
        .compose(type -> {
          PicturePath picture = PicturePath.random(random, type);
          return storage.put(picture.key(), uploaded).map(picture);
        })
        .onSuccess(picture -> MsfsAnswers.send(ctx.response(), 200,
            MsfsAnswers.stored(picture.clientPath(), baseUrl(ctx.request()) + picture.clientPath())))
        .onFailure(e -> {
          log.warn("could not store an upload from {}: {}", ctx.request().remoteAddress(), e.toString());
          MsfsAnswers.send(ctx.response(), 500, MsfsAnswers.error(MsfsAnswers.STORAGE_FAILED, "could not store the file"));
        });
  }

  /** Failures of the body handler: too large, not parseable, or the client went away. */
  void handleFailure(RoutingContext ctx) {
    if (ctx.response().ended()) {
      // a refused upload fails again when its file stream is cut
      return;
    }
    if (ctx.response().closed()) {
      log.info("upload from {} cut: the client closed the connection", ctx.request().remoteAddress());
      return;
    }
    if (ctx.statusCode() == 413) {
      refuse(ctx, 413, MsfsAnswers.TOO_LARGE, "file too large: the limit is " + maxUploadBytes + " bytes");
    } else if (ctx.statusCode() == 400 || ctx.failure() instanceof DecoderException) {
      refuse(ctx, 400, MsfsAnswers.MALFORMED_BODY, "malformed multipart body");
    } else {
      String reason = ctx.failure() == null ? "status " + ctx.statusCode() : ctx.failure().toString();
      log.warn("upload from {} failed: {}", ctx.request().remoteAddress(), reason);
      MsfsAnswers.sendAndClose(ctx.response(), 500,
          MsfsAnswers.error(MsfsAnswers.STORAGE_FAILED, "could not store the file"));
    }
  }

  private void refuse(RoutingContext ctx, int status, int code, String reason) {
    log.info("refused upload from {} to {}: {}", ctx.request().remoteAddress(), ctx.request().path(), reason);
    MsfsAnswers.sendAndClose(ctx.response(), status, MsfsAnswers.error(code, reason));
  }

  /**
   * The file's type by its first bytes. Android's MoGuHttpClient writes CRLF after the file and again
   * before the closing delimiter, so its part ends with a CRLF that is not the picture's (TeamTalk's
   * msfs keeps it): that one is cut, so the picture comes back as the phone had it.
   */
  private Future<PictureType> inspect(Path file, boolean androidTrailingCrlf) {
    return vertx.executeBlocking(() -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer head = ByteBuffer.allocate(PictureType.SNIFF_LENGTH);
        while (head.hasRemaining() && channel.read(head) > 0) {
          // the first bytes may come in several reads
        }
        long size = channel.size();
        if (androidTrailingCrlf && size >= 2) {
          ByteBuffer tail = ByteBuffer.allocate(2);
          channel.read(tail, size - 2);
          if (tail.get(0) == '\r' && tail.get(1) == '\n') {
            channel.truncate(size - 2);
          }
        }
        return PictureType.sniff(Buffer.buffer(java.util.Arrays.copyOf(head.array(), head.position())));
      }
    }, false);
  }

  private static boolean isAndroidUpload(HttpServerRequest request, FileUpload upload) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return ANDROID_PART.equals(upload.name()) && contentType != null && contentType.endsWith("boundary=" + ANDROID_BOUNDARY);
  }

  /**
   * TeamTalk answers "http://" + the Host header ("https://" here when the upload came over TLS); a
   * configured public URL wins (NAT, proxies).
   */
  private String baseUrl(HttpServerRequest request) {
    if (!publicUrl.isEmpty()) {
      return publicUrl;
    }
    String host = request.getHeader(HttpHeaders.HOST);
    return host == null || !VALID_HOST.matcher(host).matches() ? fallbackUrl.get()
        : (request.isSSL() ? "https://" : "http://") + host + "/";
  }
}
