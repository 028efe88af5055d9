package io.ttvertx.msfs;

import io.vertx.core.buffer.Buffer;

/**
 * What a stored file is, told by its first bytes (never by the client's file name or part type): the
 * four picture formats clients show, or anything else, which is served as a download.
 */
enum PictureType {
  JPEG("jpg", "image/jpeg"),
  PNG("png", "image/png"),
  GIF("gif", "image/gif"),
  WEBP("webp", "image/webp"),
  OTHER("bin", "application/octet-stream");

  /** Enough bytes to tell every type apart. */
  static final int SNIFF_LENGTH = 12;

  final String extension;
  final String contentType;

  PictureType(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  boolean isPicture() {
    return this != OTHER;
  }

  static PictureType sniff(Buffer head) {
    if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
      return JPEG;
    }
    if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return PNG;
    }
    if (startsWith(head, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(head, 0, 'G', 'I', 'F', '8', '9', 'a')) {
      return GIF;
    }
    if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
      return WEBP;
    }
    return OTHER;
  }

  /** The type of a stored key's extension (the server chose it by sniffing), OTHER when unknown. */
  static PictureType ofExtension(String extension) {
    for (PictureType type : values()) {
      if (type.extension.equals(extension)) {
        return type;
      }
    }
    return OTHER;
  }

  private static boolean startsWith(Buffer head, int offset, int... bytes) {
    if (head.length() < offset + bytes.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      if ((head.getByte(offset + i) & 0xFF) != bytes[i]) {
        return false;
      }
    }
    return true;
  }
}
