package io.ttvertx.msfs;

import io.ttvertx.blob.BlobStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Thumbnails that fit in W x H keeping the aspect ratio, never enlarged, made once with javax.imageio
 * on a worker thread and kept in the storage beside the picture. iOS and Mac ask for
 * {@code <url>_100x100.jpg} avatars (TeamTalk answers 404). One instance makes each thumbnail once
 * however many ask for it at the same time.
 */
final class Thumbnails {
  private static final Logger log = LoggerFactory.getLogger(Thumbnails.class);
  /** Pictures with more pixels are served whole rather than decoded (a small PNG can claim a huge size). */
  private static final long MAX_SOURCE_PIXELS = 40_000_000L;
  /** How many thumbnail requests answered with the picture itself each instance remembers. */
  private static final int REMEMBERED_WHOLE = 10_000;

  private final Vertx vertx;
  private final BlobStorage storage;
  /** Thumbnails being made by this instance (only its event loop touches it), by key. */
  private final Map<String, Future<String>> inProgress = new HashMap<>();
  /**
   * Thumbnails answered with the picture itself (it fits, or cannot be read), the most recent ones:
   * stored pictures never change, so the answer holds and the picture is not read again.
   */
  private final Map<String, Boolean> servedWhole = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED_WHOLE;
    }
  };

  Thumbnails(Vertx vertx, BlobStorage storage) {
    this.vertx = vertx;
    this.storage = storage;
  }

  /**
   * The key to serve for {@code picture} at most {@code width} x {@code height}: the thumbnail's, or the
   * picture's own when it already fits or cannot be decoded (webp, anything not a picture).
   */
  Future<String> keyFor(PicturePath picture, PictureType type, BlobStorage.BlobInfo pictureInfo, int width, int height) {
    if (type != PictureType.JPEG && type != PictureType.PNG && type != PictureType.GIF) {
      return Future.succeededFuture(picture.key());
    }
    // JPEG stays JPEG; PNG and GIF become PNG, which keeps transparency
    PictureType thumbnailType = type == PictureType.JPEG ? PictureType.JPEG : PictureType.PNG;
    String thumbnailKey = picture.thumbnailKey(width, height, thumbnailType);
    if (servedWhole.containsKey(thumbnailKey)) {
      return Future.succeededFuture(picture.key());
    }
    Future<String> pending = inProgress.get(thumbnailKey);
    if (pending != null) {
      return pending;
    }
    Future<String> made = storage.stat(thumbnailKey).compose(existing -> existing != null
        ? Future.succeededFuture(thumbnailKey)
        : make(picture.key(), pictureInfo, thumbnailKey, thumbnailType, width, height));
    inProgress.put(thumbnailKey, made);
    return made.onComplete(ar -> inProgress.remove(thumbnailKey));
  }

  /**
   * Makes the thumbnail; the picture's own key when it already fits or cannot be read (a broken
   * file, a format javax.imageio does not know), or when the thumbnail cannot be kept.
   */
  private Future<String> make(String pictureKey, BlobStorage.BlobInfo pictureInfo, String thumbnailKey,
                              PictureType thumbnailType, int width, int height) {
    Path local = storage.localFile(pictureKey);
    Future<byte[]> source = local != null ? Future.succeededFuture(null)
        : storage.read(pictureKey, 0, (int) Math.min(Integer.MAX_VALUE, pictureInfo.size())).map(buffer -> buffer.getBytes());
    Path spoolFile = storage.spoolDirectory().resolve("thumbnail-" + UUID.randomUUID());
    return source.compose(bytes -> vertx.executeBlocking(() -> {
      BufferedImage image;
      try {
        image = decodeUnlessItFits(local != null ? ImageIO.createImageInputStream(local.toFile())
            : ImageIO.createImageInputStream(new ByteArrayInputStream(bytes)), width, height);
      } catch (IOException | RuntimeException e) {
        log.info("no thumbnail {}: the picture cannot be read ({}), it is served whole", thumbnailKey, e.toString());
        image = null;
      }
      if (image == null) {
        return false;
      }
      BufferedImage thumbnail = scale(image, width, height, thumbnailType == PictureType.JPEG);
      if (!ImageIO.write(thumbnail, thumbnailType == PictureType.JPEG ? "jpeg" : "png", spoolFile.toFile())) {
        throw new IOException("no image writer for " + thumbnailType);
      }
      return true;
    }, false)).compose(written -> {
      if (written) {
        return storage.put(thumbnailKey, spoolFile).map(thumbnailKey);
      }
      servedWhole.put(thumbnailKey, Boolean.TRUE);
      return Future.succeededFuture(pictureKey);
    }).recover(e -> {
      log.warn("could not keep thumbnail {}, serving the picture: {}", thumbnailKey, e.toString());
      vertx.executeBlocking(() -> Files.deleteIfExists(spoolFile), false);
      return Future.succeededFuture(pictureKey);
    });
  }

  /**
   * The image, or null when it already fits in width x height (told from its header, without
   * decoding it), no reader knows it, or it is too large to decode.
   */
  private static BufferedImage decodeUnlessItFits(ImageInputStream input, int width, int height) throws IOException {
    if (input == null) {
      return null;
    }
    try (input) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int sourceWidth = reader.getWidth(0);
        int sourceHeight = reader.getHeight(0);
        if ((sourceWidth <= width && sourceHeight <= height) || (long) sourceWidth * sourceHeight > MAX_SOURCE_PIXELS) {
          return null;
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Fits {@code image} in width x height, halving first so large reductions stay smooth. */
  private static BufferedImage scale(BufferedImage image, int width, int height, boolean opaque) {
    double factor = Math.min((double) width / image.getWidth(), (double) height / image.getHeight());
    int targetWidth = Math.max(1, (int) Math.round(image.getWidth() * factor));
    int targetHeight = Math.max(1, (int) Math.round(image.getHeight() * factor));
    BufferedImage current = image;
    int currentWidth = image.getWidth();
    int currentHeight = image.getHeight();
    do {
      currentWidth = Math.max(targetWidth, currentWidth / 2);
      currentHeight = Math.max(targetHeight, currentHeight / 2);
      BufferedImage next = new BufferedImage(currentWidth, currentHeight,
          opaque ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_INT_ARGB);
      Graphics2D g = next.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        if (opaque) {
          g.setColor(java.awt.Color.WHITE);
          g.fillRect(0, 0, currentWidth, currentHeight);
        }
        g.drawImage(current, 0, 0, currentWidth, currentHeight, null);
      } finally {
        g.dispose();
      }
      current = next;
    } while (currentWidth != targetWidth || currentHeight != targetHeight);
    return current;
  }
}
