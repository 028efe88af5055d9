package io.ttvertx.msfs;

import io.ttvertx.blob.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Sends one stored file as an HTTP response: its type, validators and a year of caching (a stored
 * key never changes), answers to conditional requests (304), HEAD, and single byte ranges (206, 416;
 * several ranges get the whole file). A local file is sent by the kernel; any other storage is read
 * in chunks as the client takes them.
 */
final class BlobSender {
  static final String CACHE_FOREVER = "public, max-age=31536000, immutable";
  private static final int CHUNK = 64 * 1024;

  private final BlobStorage storage;

  BlobSender(BlobStorage storage) {
    this.storage = storage;
  }

  private record Range(long start, long length) {
  }

  void send(HttpServerRequest request, String key, BlobStorage.BlobInfo info) {
    HttpServerResponse response = request.response();
    PictureType type = PictureType.ofExtension(key.substring(key.lastIndexOf('.') + 1));
    String etag = "\"" + Long.toHexString(info.size()) + "-" + Long.toHexString(info.lastModifiedMillis()) + "\"";
    long lastModifiedSeconds = info.lastModifiedMillis() / 1000;
    response.putHeader(HttpHeaders.CONTENT_TYPE, type.contentType)
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.LAST_MODIFIED, httpDate(lastModifiedSeconds))
        .putHeader(HttpHeaders.CACHE_CONTROL, CACHE_FOREVER)
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader("X-Content-Type-Options", "nosniff");
    if (!type.isPicture()) {
      response.putHeader(HttpHeaders.CONTENT_DISPOSITION,
          "attachment; filename=\"" + key.substring(key.lastIndexOf('/') + 1) + "\"");
    }
    if (notModified(request, etag, lastModifiedSeconds)) {
      response.setStatusCode(304).end();
      return;
    }
    Range range = new Range(0, info.size());
    String rangeHeader = request.getHeader("Range");
    String ifRange = request.getHeader("If-Range");
    if (rangeHeader != null && (ifRange == null || ifRange.equals(etag))) {
      range = parseRange(rangeHeader, info.size());
      if (range == null) {
        response.setStatusCode(416).putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + info.size()).end();
        return;
      }
      if (range.length() != info.size()) {
        response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
            "bytes " + range.start() + "-" + (range.start() + range.length() - 1) + "/" + info.size());
      }
    }
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(range.length())).end();
      return;
    }
    Path local = storage.localFile(key);
    if (local != null) {
      response.sendFile(local.toString(), range.start(), range.length());
    } else {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(range.length()));
      stream(response, key, range.start(), range.start() + range.length())
          .onFailure(e -> response.reset());
    }
  }

  private static boolean notModified(HttpServerRequest request, String etag, long lastModifiedSeconds) {
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      for (String candidate : ifNoneMatch.split(",")) {
        String tag = candidate.trim();
        if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ifModifiedSince = request.getHeader(HttpHeaders.IF_MODIFIED_SINCE);
    if (ifModifiedSince != null) {
      try {
        long since = Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(ifModifiedSince.trim())).getEpochSecond();
        return lastModifiedSeconds <= since;
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  /** One range of "bytes=a-b", "bytes=a-" or "bytes=-n"; the whole file for several ranges or a syntax it ignores; null when unsatisfiable. */
  private static Range parseRange(String header, long size) {
    String spec = header.trim();
    if (!spec.startsWith("bytes=") || spec.indexOf(',') >= 0) {
      return new Range(0, size);
    }
    spec = spec.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Range(0, size);
    }
    try {
      String first = spec.substring(0, dash).trim();
      String last = spec.substring(dash + 1).trim();
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        if (suffix <= 0 || size == 0) {
          return null;
        }
        long length = Math.min(suffix, size);
        return new Range(size - length, length);
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
      if (start >= size || end < start) {
        return null;
      }
      return new Range(start, end - start + 1);
    } catch (NumberFormatException e) {
      return new Range(0, size);
    }
  }

  private Future<Void> stream(HttpServerResponse response, String key, long from, long to) {
    if (from >= to) {
      return response.end();
    }
    int length = (int) Math.min(CHUNK, to - from);
    return storage.read(key, from, length).compose(chunk -> {
      if (chunk.length() == 0) {
        return Future.failedFuture("storage returned less than the file's size for " + key);
      }
      Future<Void> written = response.write(chunk);
      if (!response.writeQueueFull()) {
        return stream(response, key, from + chunk.length(), to);
      }
      Promise<Void> drained = Promise.promise();
      response.drainHandler(v -> drained.tryComplete());
      return written.compose(v -> drained.future()).compose(v -> stream(response, key, from + chunk.length(), to));
    });
  }

  static String httpDate(long epochSeconds) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC));
  }
}
