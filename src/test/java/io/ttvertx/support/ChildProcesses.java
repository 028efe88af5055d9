package io.ttvertx.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the tests' child processes (redis-server, sentinels, forked servers) share: killing one and
 * waiting for it, reading the end of its log, deleting its directory, and a JVM shutdown hook that
 * kills whatever a test that failed half-way (or a surefire fork that is ending) left running.
 */
public final class ChildProcesses {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "kill-test-children"));
  }

  private ChildProcesses() {
  }

  /** Starts {@code builder} and remembers the process until it is killed or stopped here. */
  public static Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    LIVE.add(process);
    return process;
  }

  /** SIGKILL, then waits until the process is gone (its ports and files are free). */
  public static void killHard(Process process) {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    waitFor(process, "SIGKILL");
  }

  /** SIGTERM (the process runs its shutdown hooks), then waits; SIGKILL after 30 s. */
  public static void stop(Process process) {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    waitFor(process, "SIGTERM");
  }

  private static void waitFor(Process process, String signal) {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("process " + process.pid() + " still runs 30 s after " + signal);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for process " + process.pid() + " to end");
    } finally {
      if (!process.isAlive()) {
        LIVE.remove(process);
      }
    }
  }

  /** The last {@code lines} lines of a log file, or a note saying why there are none. */
  public static String tail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "(no log at " + log + ")";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "last lines of " + log + ":\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines),
          all.size()));
    } catch (IOException e) {
      return "(could not read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Deletes a directory and everything in it; what cannot be deleted stays (it is a temp dir). */
  public static void deleteDirectory(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
