package io.ttvertx.store;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Names of online backups: {@code teamtalk-<UTC time to the millisecond>.zip} in the backup directory. */
public final class BackupFiles {
  static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  public static final String PREFIX = "teamtalk-";
  public static final String SUFFIX = ".zip";

  private BackupFiles() {
  }

  /** The file a backup taken at {@code now} is written to, in {@code directory}. */
  public static Path fileFor(Path directory, Instant now) {
    return directory.resolve(PREFIX + STAMP.format(now) + SUFFIX).toAbsolutePath();
  }
}
