package io.ttvertx.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real server ({@code io.ttvertx.Main --conf}) in a child JVM on the test's class path, so that a
 * test can SIGKILL it mid-work and start it again on the same data and ports. The embedded store is
 * opened by one process at a time: create users in the test JVM and close that store before
 * {@link #start()}.
 */
public final class ForkedServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final JsonObject config;
  private final Path dir;
  private final Path confFile;
  private Process process;
  private Path log;
  private int starts;

  public ForkedServer(JsonObject config) {
    this.config = config.copy();
    try {
      this.dir = Files.createTempDirectory("tt-forked-");
      this.confFile = dir.resolve("conf.json");
      Files.writeString(confFile, this.config.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the server and waits until its msg TCP port (and its login HTTP port, when the conf has a
   * login section) accept connections. Each start logs to its own file.
   */
  public ForkedServer start() {
    if (isRunning()) {
      throw new IllegalStateException("already running (pid " + process.pid() + ")");
    }
    log = dir.resolve("server-" + (++starts) + ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m",
        "-cp", System.getProperty("java.class.path"),
        "io.ttvertx.Main", "--conf", confFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    // TT_* variables override conf.json: the conf given here must be what the child runs
    env.keySet().removeIf(name -> name.startsWith("TT_"));
    env.put("TT_LOG_LEVEL", "INFO");
    try {
      process = ChildProcesses.start(builder);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a server JVM", e);
    }
    List<Integer> ports = new ArrayList<>(List.of(msgPort()));
    if (config.containsKey("login")) {
      ports.add(loginPort());
    }
    try {
      Poll.until(START_TIMEOUT, () -> "forked server listens on " + ports + "\n" + logTail(), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("forked server exited with " + process.exitValue() + " before listening on "
              + ports + "\n" + logTail());
        }
        return ports.stream().allMatch(ForkedServer::accepts);
      });
    } catch (AssertionError e) {
      killHard();
      throw e;
    }
    return this;
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public int msgPort() {
    return config.getJsonObject("msg").getInteger("port");
  }

  public int loginPort() {
    return config.getJsonObject("login").getInteger("port");
  }

  public JsonObject config() {
    return config.copy();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no clean close of the store; returns once the JVM is gone. */
  public void killHard() {
    ChildProcesses.killHard(process);
  }

  /** SIGTERM: the server's shutdown hook undeploys the roles and closes the store; returns once it exited. */
  public void stop() {
    ChildProcesses.stop(process);
  }

  /** The end of the current (or last) run's log. */
  public String logTail() {
    return log == null ? "(never started)" : ChildProcesses.tail(log, 40);
  }

  /** Kills the server if it still runs and deletes its conf and logs. */
  @Override
  public void close() {
    killHard();
    ChildProcesses.deleteDirectory(dir);
  }
}
