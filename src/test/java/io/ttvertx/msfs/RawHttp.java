package io.ttvertx.msfs;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket: requests written byte for byte as a client writes them (headers
 * spelled its way), and the response read back whole (by its Content-Length, or until the server
 * closes the connection).
 */
public final class RawHttp {
  public record Response(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name);
    }
  }

  private RawHttp() {
  }

  public static Future<Response> exchange(Vertx vertx, int port, Buffer request) {
    NetClient client = vertx.createNetClient();
    return client.connect(port, "127.0.0.1").compose(socket -> {
      boolean head = request.toString(StandardCharsets.ISO_8859_1).startsWith("HEAD ");
      Future<Response> response = read(socket, head);
      // a server refusing the body may close before it has all been written: the answer still counts
      socket.write(request);
      return response;
    }).eventually(client::close);
  }

  /** Connects, writes {@code part} and keeps the socket open for the caller to close mid-body. */
  static Future<NetSocket> openAndWrite(Vertx vertx, int port, Buffer part) {
    return vertx.createNetClient().connect(port, "127.0.0.1").compose(socket -> socket.write(part).map(socket));
  }

  private static Future<Response> read(NetSocket socket, boolean head) {
    Promise<Response> result = Promise.promise();
    Buffer received = Buffer.buffer();
    socket.handler(data -> {
      received.appendBuffer(data);
      Response complete = parse(received, false, head);
      if (complete != null) {
        result.tryComplete(complete);
        socket.close();
      }
    });
    socket.closeHandler(v -> {
      Response whatever = parse(received, true, head);
      if (whatever != null) {
        result.tryComplete(whatever);
      } else {
        result.tryFail("connection closed before a response: " + received.toString(StandardCharsets.ISO_8859_1));
      }
    });
    return result.future();
  }

  /** The response once complete; a response to HEAD has no body whatever its Content-Length says. */
  private static Response parse(Buffer received, boolean closed, boolean head) {
    String text = received.toString(StandardCharsets.ISO_8859_1);
    int headerEnd = text.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      return null;
    }
    String[] lines = text.substring(0, headerEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.add(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
    }
    int bodyStart = headerEnd + 4;
    String length = head ? "0" : headers.get("Content-Length");
    if (length != null) {
      int end = bodyStart + Integer.parseInt(length);
      return received.length() >= end ? new Response(status, headers, received.getBuffer(bodyStart, end)) : null;
    }
    return closed ? new Response(status, headers, received.getBuffer(bodyStart, received.length())) : null;
  }
}
