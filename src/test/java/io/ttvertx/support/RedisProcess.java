package io.ttvertx.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A redis-server of the test's own, a child process on a free port of 127.0.0.1 without persistence,
 * so that a test can SIGKILL it and start it again on the same port: it comes back empty, as a
 * crashed Redis without persistence does. Never touches the shared Redis on 6379.
 */
public final class RedisProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final int port;
  private final Integer primaryPort;
  private final Path dir;
  private Process process;

  private RedisProcess(int port, Integer primaryPort) {
    this.port = port;
    this.primaryPort = primaryPort;
    try {
      this.dir = Files.createTempDirectory("tt-redis-" + port + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running primary on a free port. */
  public static RedisProcess startNew() {
    return new RedisProcess(TestServer.freePort(), null).start();
  }

  /** A running replica of the Redis on {@code primaryPort} (it syncs in the background). */
  public static RedisProcess startReplicaOf(int primaryPort) {
    return new RedisProcess(TestServer.freePort(), primaryPort).start();
  }

  /** Starts the server (again, after {@link #kill()}) on the same port and waits until it answers PING. */
  public RedisProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("redis on port " + port + " is already running");
    }
    List<String> command = new ArrayList<>(List.of("redis-server",
        "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no",
        "--dir", dir.toString(), "--logfile", logFile().toString(), "--daemonize", "no"));
    if (primaryPort != null) {
      command.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(primaryPort)));
    }
    try {
      process = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run redis-server", e);
    }
    Poll.until(START_TIMEOUT, () -> "redis-server on port " + port + " answers PING ("
        + (process.isAlive() ? "running" : "exited " + process.exitValue()) + ")\n" + logTail(),
        () -> {
          if (!process.isAlive()) {
            throw new AssertionError("redis-server on port " + port + " exited with " + process.exitValue() + "\n"
                + logTail());
          }
          return RespClient.answersPing(port);
        });
    return this;
  }

  public int port() {
    return port;
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown, nothing saved; returns once the process is gone. */
  public void kill() {
    ChildProcesses.killHard(process);
  }

  /** Empties every database of this Redis. */
  public void flushAll() {
    Object reply = RespClient.require(port, "FLUSHALL");
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("FLUSHALL on port " + port + " answered " + reply);
    }
  }

  /** Runs one command on this Redis; see {@link RespClient} for the reply's shape. */
  public Object call(String... args) {
    return RespClient.require(port, args);
  }

  public Path logFile() {
    return dir.resolve("redis.log");
  }

  public String logTail() {
    return ChildProcesses.tail(logFile(), 30);
  }

  /** Kills the server and deletes its directory. */
  @Override
  public void close() {
    kill();
    ChildProcesses.deleteDirectory(dir);
  }
}
