package io.ttvertx.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Redis primary, one replica and three Sentinels (quorum 2) watching them, all child processes on
 * free ports of 127.0.0.1, for fault tests that kill the primary and need a real failover.
 * {@link #start(String)} returns once the replica is in sync and every Sentinel knows the replica and
 * the two other Sentinels, so a failover can happen as soon as the primary dies.
 */
public final class RedisSentinelSetup implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final String masterName;
  private final RedisProcess primary;
  private final RedisProcess replica;
  private final Path dir;
  private final List<Integer> sentinelPorts = new ArrayList<>();
  private final List<Process> sentinels = new ArrayList<>();

  private RedisSentinelSetup(String masterName) {
    this.masterName = masterName;
    try {
      this.dir = Files.createTempDirectory("tt-sentinels-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisProcess startedPrimary = RedisProcess.startNew();
    RedisProcess startedReplica;
    try {
      startedReplica = RedisProcess.startReplicaOf(startedPrimary.port());
    } catch (RuntimeException | Error e) {
      startedPrimary.close();
      throw e;
    }
    this.primary = startedPrimary;
    this.replica = startedReplica;
  }

  /** Starts the five processes and waits until they are ready for a failover; cleans up if they are not. */
  public static RedisSentinelSetup start(String masterName) {
    RedisSentinelSetup setup = new RedisSentinelSetup(masterName);
    try {
      // in sync before the Sentinels start: their first INFO of the primary then lists the replica
      // (later, they would only see it at their next INFO, 10 s on)
      setup.waitUntilReplicaInSync();
      for (int i = 0; i < 3; i++) {
        setup.startSentinel();
      }
      setup.waitUntilSentinelsKnowEachOtherAndTheReplica();
      return setup;
    } catch (RuntimeException | Error e) {
      setup.close();
      throw e;
    }
  }

  private void startSentinel() {
    int port = TestServer.freePort();
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    try {
      // the Sentinel rewrites its own conf file, so each gets one in a writable directory
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "daemonize no",
          "dir " + dir,
          "logfile " + sentinelLog(port),
          "sentinel monitor " + masterName + " 127.0.0.1 " + primary.port() + " 2",
          "sentinel down-after-milliseconds " + masterName + " 1000",
          "sentinel failover-timeout " + masterName + " 5000",
          "sentinel parallel-syncs " + masterName + " 1",
          ""));
      sentinels.add(ChildProcesses.start(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sentinel-" + port + ".out").toFile()))));
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a sentinel", e);
    }
    sentinelPorts.add(port);
    Poll.until(Duration.ofSeconds(15), () -> "sentinel on port " + port + " answers PING\n"
        + ChildProcesses.tail(sentinelLog(port), 20), () -> RespClient.answersPing(port));
  }

  private Path sentinelLog(int port) {
    return dir.resolve("sentinel-" + port + ".log");
  }

  private void waitUntilSentinelsKnowEachOtherAndTheReplica() {
    for (int port : sentinelPorts) {
      Poll.until(READY_TIMEOUT, () -> "sentinel " + port + " knows 1 replica and 2 other sentinels: "
          + masterState(port), () -> {
            Map<String, String> state = masterState(port);
            return "1".equals(state.get("num-slaves")) && "2".equals(state.get("num-other-sentinels"));
          });
    }
  }

  /** What a Sentinel says about the master (SENTINEL MASTER), or an empty map when it does not answer. */
  private Map<String, String> masterState(int sentinelPort) {
    Map<String, String> state = new HashMap<>();
    try {
      if (RespClient.call(sentinelPort, "SENTINEL", "MASTER", masterName) instanceof List<?> fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          state.put(String.valueOf(fields.get(i)), String.valueOf(fields.get(i + 1)));
        }
      }
    } catch (IOException | RespClient.RedisError e) {
      state.put("error", e.toString());
    }
    return state;
  }

  public String masterName() {
    return masterName;
  }

  public List<Integer> sentinelPorts() {
    return List.copyOf(sentinelPorts);
  }

  /** The port of the Redis that was primary at start. */
  public int primaryPort() {
    return primary.port();
  }

  /** The port of the Redis that was the replica at start (the master after a failover). */
  public int replicaPort() {
    return replica.port();
  }

  public RedisProcess primary() {
    return primary;
  }

  public RedisProcess replica() {
    return replica;
  }

  /** Waits until the primary's INFO replication lists the replica as online. */
  public void waitUntilReplicaInSync() {
    String marker = "port=" + replica.port() + ",state=online";
    Poll.until(READY_TIMEOUT, () -> "primary " + primary.port() + " shows replica " + replica.port() + " online:\n"
        + replicationInfo(), () -> replicationInfo().contains(marker));
  }

  private String replicationInfo() {
    try {
      return String.valueOf(RespClient.call(primary.port(), "INFO", "replication"));
    } catch (IOException | RespClient.RedisError e) {
      return e.toString();
    }
  }

  /** SIGKILLs the primary. */
  public void killPrimary() {
    primary.kill();
  }

  /**
   * Waits until a Sentinel names the replica as the master (SENTINEL GET-MASTER-ADDR-BY-NAME) and
   * returns its port.
   */
  public int awaitFailover(Duration timeout) {
    int sentinel = sentinelPorts.get(0);
    Poll.until(timeout, () -> "sentinel " + sentinel + " names the replica " + replica.port() + " as master; it says "
        + masterAddress(sentinel) + "\n" + ChildProcesses.tail(sentinelLog(sentinel), 30),
        () -> String.valueOf(replica.port()).equals(masterAddress(sentinel).get(1)));
    return replica.port();
  }

  /** [host, port] of the master as a Sentinel names it, or [error, description]. */
  private List<String> masterAddress(int sentinelPort) {
    try {
      Object reply = RespClient.call(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
      if (reply instanceof List<?> address && address.size() == 2) {
        return List.of(String.valueOf(address.get(0)), String.valueOf(address.get(1)));
      }
      return List.of("unexpected", String.valueOf(reply));
    } catch (IOException | RespClient.RedisError e) {
      return List.of("error", e.toString());
    }
  }

  /** Kills the Sentinels and both Redis servers and deletes their directories. */
  @Override
  public void close() {
    sentinels.forEach(ChildProcesses::killHard);
    replica.close();
    primary.close();
    ChildProcesses.deleteDirectory(dir);
  }
}
