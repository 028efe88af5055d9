package io.ttvertx.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/** A real HTTP client of the admin API for tests: requests under /api/v1 with a bearer key, and checks of answers. */
final class ApiTestClient {
  private final WebClient web;
  private final int port;
  private final String key;

  ApiTestClient(Vertx vertx, int port, String key) {
    this.web = WebClient.create(vertx);
    this.port = port;
    this.key = key;
  }

  /** A request to {@code path} under /api/v1, with the key when there is one. */
  HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", "/api/v1" + path);
    return key == null ? request : request.putHeader("Authorization", "Bearer " + key);
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    return call(method, path, body, null);
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> request = request(method, path);
    if (idempotencyKey != null) {
      request.putHeader(AdminApi.IDEMPOTENCY_KEY, idempotencyKey);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  /** The JSON answer, after checking its status and type. */
  static JsonObject expect(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    return response.bodyAsJsonObject();
  }

  /** A refusal: the status, {"error": code, "reason": text}. */
  static JsonObject refused(HttpResponse<Buffer> response, int status, String error) {
    JsonObject body = expect(response, status);
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("reason")).isNotBlank();
    return body;
  }

  void close() {
    web.close();
  }
}
