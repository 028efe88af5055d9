package io.ttvertx.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One blocking Redis command over its own connection, for setting up and watching the Redis and
 * Sentinel processes of fault tests: no Vert.x needed, and no redis-cli process per poll. Replies come
 * back as String (simple and bulk strings), Long, List (arrays) or null; an error reply throws.
 */
public final class RespClient {
  private RespClient() {
  }

  /** Thrown for a Redis error reply ("-ERR ..."). */
  public static final class RedisError extends RuntimeException {
    RedisError(String message) {
      super(message);
    }
  }

  public static Object call(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(request.toByteArray());
      out.flush();
      return readReply(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /** {@link #call} for set-up code that cannot go on without the answer. */
  public static Object require(int port, String... args) {
    try {
      return call(port, args);
    } catch (IOException e) {
      throw new UncheckedIOException("redis on port " + port + " did not answer " + String.join(" ", args), e);
    }
  }

  /** Whether a Redis (or Sentinel) listens on {@code port} and answers PING. */
  public static boolean answersPing(int port) {
    try {
      return "PONG".equals(call(port, "PING"));
    } catch (IOException | RedisError e) {
      return false;
    }
  }

  private static Object readReply(InputStream in) throws IOException {
    int type = in.read();
    String line = readLine(in);
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new RedisError(line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          yield null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        if (bytes.length < length + 2) {
          throw new EOFException("reply cut short");
        }
        yield new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(line);
        if (count < 0) {
          yield null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply(in));
        }
        yield items;
      }
      case -1 -> throw new EOFException("connection closed before a reply");
      default -> throw new IOException("unexpected reply type '" + (char) type + "'");
    };
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b == -1) {
        throw new EOFException("connection closed mid-reply");
      }
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
  }
}
