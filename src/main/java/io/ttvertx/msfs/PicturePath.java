package io.ttvertx.msfs;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a picture lives: the storage key {@code msfs/AAA/BBB/<name>.<ext>} and the path clients are
 * given, {@code g0/AAA/BBB/<name>.<ext>}, in the shape of TeamTalk's msfs (msfs/FileManager.cpp: a
 * group, two levels of 256 folders, the file). The name is random and the extension is the sniffed
 * type's, so nothing of the client's file name reaches the storage.
 */
record PicturePath(String folder1, String folder2, String name, String extension) {
  static final String KEY_PREFIX = "msfs/";
  /** TeamTalk answers paths of group "g0"; any group is accepted on download, as TeamTalk ignores it. */
  static final String GROUP = "g0";

  private static final int NAME_BYTES = 16;
  private static final int FOLDERS = 256;
  private static final String FOLDER = "([0-9]{3})";
  private static final String NAME = "([0-9a-f]{32})";
  private static final String SIZE = "_([0-9]{1,5})x([0-9]{1,5})";
  /** Stored names, with or without a thumbnail size: appended after the extension or in its place. */
  private static final Pattern DOWNLOAD = Pattern.compile(
      "/[A-Za-z0-9]{1,16}/" + FOLDER + "/" + FOLDER + "/" + NAME
          + "(?:\\.([a-z]{3,4})(?:" + SIZE + "(?:\\.[A-Za-z0-9]{1,15})?)?|" + SIZE + "\\.[A-Za-z0-9]{1,15})");

  /** A GET path, parsed: the picture and, when the client asked for a thumbnail, its size (else 0 x 0). */
  record Download(String folder1, String folder2, String name, String extension, int width, int height) {
    boolean wantsThumbnail() {
      return width != 0 || height != 0;
    }

    /** The picture itself; its extension is unknown (null) when the size replaced it. */
    PicturePath picture(String knownExtension) {
      return new PicturePath(folder1, folder2, name, knownExtension);
    }
  }

  static PicturePath random(SecureRandom random, PictureType type) {
    byte[] bytes = new byte[NAME_BYTES];
    random.nextBytes(bytes);
    String folder1 = String.format("%03d", (bytes[0] & 0xFF) % FOLDERS);
    String folder2 = String.format("%03d", (bytes[1] & 0xFF) % FOLDERS);
    return new PicturePath(folder1, folder2, HexFormat.of().formatHex(bytes), type.extension);
  }

  /**
   * The download a raw (undecoded) request path names, or null when it names nothing this server
   * could have stored: only digits, lowercase hex and a few fixed characters can match, so no
   * spelling of "..", '%', '\' or NUL ever reaches the storage.
   */
  static Download parseDownload(String rawPath) {
    Matcher m = DOWNLOAD.matcher(rawPath);
    if (!m.matches()) {
      return null;
    }
    if (m.group(4) != null) {
      int width = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
      int height = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      return new Download(m.group(1), m.group(2), m.group(3), m.group(4), width, height);
    }
    return new Download(m.group(1), m.group(2), m.group(3), null, Integer.parseInt(m.group(7)),
        Integer.parseInt(m.group(8)));
  }

  /** A path that tries to leave the storage (answered 400 rather than 404, so probes are told apart in logs). */
  static boolean looksLikeTraversal(String rawPath) {
    String lower = rawPath.toLowerCase();
    return lower.contains("..") || lower.contains("%") || lower.contains("\\") || lower.indexOf('\0') >= 0
        || lower.contains("//");
  }

  String key() {
    return KEY_PREFIX + folder1 + "/" + folder2 + "/" + name + "." + extension;
  }

  /** The path answered to clients; they put it after the msfs URL. */
  String clientPath() {
    return GROUP + "/" + folder1 + "/" + folder2 + "/" + name + "." + extension;
  }

  /** The key of this picture's thumbnail of at most {@code width} x {@code height}, beside it. */
  String thumbnailKey(int width, int height, PictureType thumbnailType) {
    return KEY_PREFIX + folder1 + "/" + folder2 + "/" + name + "_" + width + "x" + height + "." + thumbnailType.extension;
  }
}
