package io.ttvertx.push;

import io.ttvertx.support.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A local HTTP/2 server over TLS (a self-signed certificate for localhost, ALPN h2 only) standing in
 * for APNs or FCM: it records every request and answers with the replies queued, else with the
 * default reply.
 */
public final class StandInServer implements AutoCloseable {
  public record Received(HttpVersion version, String method, String path, MultiMap headers, Buffer body) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply status(int status) {
      return new Reply(status, Map.of(), "");
    }

    public static Reply json(int status, String body) {
      return new Reply(status, Map.of("content-type", "application/json"), body);
    }
  }

  /** One for every stand-in of the run: making a certificate costs an RSA key pair. */
  private static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.create("localhost");
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Reply> queued = new ArrayDeque<>();
  private volatile Function<Received, Reply> defaultReply = request -> Reply.status(200);
  private final HttpServer server;

  public StandInServer(Vertx vertx) {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setSsl(true)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2))
        .setKeyCertOptions(CERTIFICATE.keyCertOptions()));
    server.requestHandler(request -> request.body().onSuccess(body -> {
      Received r = new Received(request.version(), request.method().name(), request.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
      received.add(r);
      Reply reply;
      synchronized (queued) {
        reply = queued.isEmpty() ? defaultReply.apply(r) : queued.poll();
      }
      reply.headers().forEach(request.response()::putHeader);
      request.response().setStatusCode(reply.status()).end(reply.body());
    }));
    Await.await(server.listen(0, "127.0.0.1"));
  }

  /** https://localhost:port (the certificate's name). */
  public String url() {
    return "https://localhost:" + server.actualPort();
  }

  /** The certificate's PEM file, for a provider's trustedCertificate. */
  public String certificatePath() {
    return CERTIFICATE.certificatePath();
  }

  public void enqueue(Reply... replies) {
    synchronized (queued) {
      queued.addAll(List.of(replies));
    }
  }

  public void defaultReply(Function<Received, Reply> reply) {
    defaultReply = reply;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    return received.get(received.size() - 1);
  }

  @Override
  public void close() {
    Await.await(server.close());
  }
}
