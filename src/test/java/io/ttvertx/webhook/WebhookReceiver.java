package io.ttvertx.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for the systems webhooks post to, in a Vert.x of its own. Paths:
 * {@code /ok} answers 200; {@code /flaky} answers 503 to the first attempt of each delivery, then 200;
 * {@code /busy} answers 429 with Retry-After: 1 to the first attempt, then 200; {@code /gone} 410;
 * {@code /down} always 503; {@code /hang} never answers. Every request is recorded with its headers and body.
 */
final class WebhookReceiver {
  record Received(String path, String delivery, String event, String signature, String timestamp, byte[] body,
                  long atNanos) {
    JsonObject json() {
      return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> flakyAttempts = new ConcurrentHashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private HttpServer server;

  Future<Integer> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").map(listening -> {
      server = listening;
      return listening.actualPort();
    });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String delivery = request.getHeader(WebhookVerticle.HEADER_DELIVERY);
      received.add(new Received(request.path(), delivery, request.getHeader(WebhookVerticle.HEADER_EVENT),
          request.getHeader(WebhookVerticle.HEADER_SIGNATURE), request.getHeader(WebhookVerticle.HEADER_TIMESTAMP),
          body.getBytes(), System.nanoTime()));
      switch (request.path()) {
        case "/ok" -> request.response().setStatusCode(200).end();
        case "/flaky" -> request.response()
            .setStatusCode(flakyAttempts.merge(delivery, 1, Integer::sum) == 1 ? 503 : 200).end();
        case "/gone" -> request.response().setStatusCode(410).end();
        case "/down" -> request.response().setStatusCode(503).end();
        case "/busy" -> {
          boolean first = flakyAttempts.merge(delivery, 1, Integer::sum) == 1;
          request.response().setStatusCode(first ? 429 : 200).putHeader("Retry-After", first ? "1" : "0").end();
        }
        default -> {
          // "/hang": no answer; the sender's timeout ends it
        }
      }
    });
  }

  /** The requests to {@code path} whose payload's text is {@code text}. */
  List<Received> withText(String path, String text) {
    return received.stream().filter(r -> r.path().equals(path) && text.equals(r.json().getString("text"))).toList();
  }

  Future<Void> close() {
    return vertx.close();
  }
}
