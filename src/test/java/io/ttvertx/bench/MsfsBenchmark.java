package io.ttvertx.bench;

import io.ttvertx.msfs.MsfsVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Uploads per second of a 200 KB picture by several concurrent uploaders (each on its own keep-alive
 * connection, in the iOS client's request shape), then download MB/s of the stored pictures, against
 * an msfs verticle on a directory storage in a temp folder. Client and server share this JVM (in
 * separate Vert.x instances). Run with
 * {@code mvn -B -q test-compile exec:exec@msfs-bench [-Dmsfs.bench.args="--uploaders 8 --seconds 10 --bytes 204800"]}.
 */
public final class MsfsBenchmark {
  private static final String BOUNDARY = "Boundary+0xAbCdEfGbOuNdArY";

  private MsfsBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int uploaders = 8;
    int seconds = 10;
    int pictureBytes = 200 * 1024;
    int msfsInstances = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--uploaders" -> uploaders = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--bytes" -> pictureBytes = Integer.parseInt(args[i + 1]);
        case "--instances" -> msfsInstances = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (--uploaders N --seconds N --bytes N --instances N)");
      }
    }
    Path storage = Files.createTempDirectory("tt-msfs-bench");
    Vertx serverVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try {
      int port = freePort();
      JsonObject config = new JsonObject().put("host", "127.0.0.1").put("port", port).put("publicUrl", "http://127.0.0.1:" + port)
          .put("storage", new JsonObject().put("directory", storage.toString()));
      serverVertx.deployVerticle(MsfsVerticle.class.getName(), new DeploymentOptions().setInstances(msfsInstances)
          .setConfig(config)).await(30, TimeUnit.SECONDS);
      HttpClient http = clientVertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(uploaders));
      Buffer upload = uploadBody(pictureBytes);

      // warm-up, then the measured run
      runUploads(clientVertx, http, upload, uploaders, 3, new ArrayList<>());
      List<String> paths = new ArrayList<>();
      long started = System.nanoTime();
      long uploads = runUploads(clientVertx, http, upload, uploaders, seconds, paths);
      double uploadSeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("uploads: %d of %d bytes by %d uploaders in %.1f s = %.0f uploads/s (%.1f MB/s in)%n",
          uploads, pictureBytes, uploaders, uploadSeconds, uploads / uploadSeconds,
          uploads * (double) pictureBytes / uploadSeconds / 1e6);

      started = System.nanoTime();
      long bytes = runDownloads(clientVertx, http, paths, uploaders, seconds);
      double downloadSeconds = (System.nanoTime() - started) / 1e9;
      System.out.printf("downloads: %.1f MB by %d readers in %.1f s = %.1f MB/s (%.0f pictures/s)%n",
          bytes / 1e6, uploaders, downloadSeconds, bytes / downloadSeconds / 1e6,
          bytes / (double) pictureBytes / downloadSeconds);
    } finally {
      clientVertx.close().await(30, TimeUnit.SECONDS);
      serverVertx.close().await(30, TimeUnit.SECONDS);
      deleteTree(storage);
    }
  }

  /** The iOS client's form: field "type" then part "image"; a JPEG header then noise (the server sniffs, it does not decode). */
  private static Buffer uploadBody(int pictureBytes) {
    byte[] picture = new byte[pictureBytes];
    new Random(1).nextBytes(picture);
    picture[0] = (byte) 0xFF;
    picture[1] = (byte) 0xD8;
    picture[2] = (byte) 0xFF;
    return Buffer.buffer("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nim_image\r\n"
            + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"image.png_100x100.png\"\r\n"
            + "Content-Type: image/jpeg\r\n\r\n")
        .appendBytes(picture)
        .appendString("\r\n--" + BOUNDARY + "--\r\n");
  }

  private static long runUploads(Vertx vertx, HttpClient http, Buffer body, int uploaders, int seconds,
                                 List<String> paths) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong done = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < uploaders; i++) {
      Promise<Void> loop = Promise.promise();
      vertx.runOnContext(v -> uploadLoop(http, body, deadline, done, paths, loop));
      loops.add(loop.future());
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    return done.get();
  }

  private static void uploadLoop(HttpClient http, Buffer body, long deadline, AtomicLong done, List<String> paths,
                                 Promise<Void> finished) {
    if (System.nanoTime() > deadline) {
      finished.complete();
      return;
    }
    http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/"))
        .compose(request -> request.putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
            .send(body).compose(response -> response.body().map(answer -> {
              JsonObject json = new JsonObject(answer);
              if (response.statusCode() != 200 || json.getInteger("error_code") != 0) {
                throw new IllegalStateException("upload refused: " + answer);
              }
              return json.getString("path");
            })))
        .onSuccess(path -> {
          synchronized (paths) {
            paths.add(path);
          }
          done.incrementAndGet();
          uploadLoop(http, body, deadline, done, paths, finished);
        })
        .onFailure(finished::fail);
  }

  private static long runDownloads(Vertx vertx, HttpClient http, List<String> paths, int readers, int seconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicLong bytes = new AtomicLong();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      Promise<Void> loop = Promise.promise();
      Random random = new Random(i);
      vertx.runOnContext(v -> downloadLoop(http, paths, random, deadline, bytes, loop));
      loops.add(loop.future());
    }
    Future.all(loops).await(seconds + 60L, TimeUnit.SECONDS);
    return bytes.get();
  }

  private static void downloadLoop(HttpClient http, List<String> paths, Random random, long deadline, AtomicLong bytes,
                                   Promise<Void> finished) {
    if (System.nanoTime() > deadline) {
      finished.complete();
      return;
    }
    String path = "/" + paths.get(random.nextInt(paths.size()));
    http.request(HttpMethod.GET, path)
        .compose(request -> request.send().compose(response -> response.statusCode() == 200 ? response.body()
            : Future.failedFuture("download of " + path + " answered " + response.statusCode())))
        .onSuccess(body -> {
          bytes.addAndGet(body.length());
          downloadLoop(http, paths, random, deadline, bytes, finished);
        })
        .onFailure(finished::fail);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
