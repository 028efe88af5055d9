package io.ttvertx.msfs;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** Real pictures for the tests, encoded with javax.imageio. */
public final class TestPictures {
  private TestPictures() {
  }

  /** A picture with noise, so it is not tiny once compressed. */
  public static byte[] encode(String format, int width, int height, long seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.dispose();
    for (int y = 0; y < height; y += 2) {
      for (int x = 0; x < width; x += 2) {
        image.setRGB(x, y, random.nextInt(0xFFFFFF));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalArgumentException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static BufferedImage decode(byte[] bytes) {
    try {
      return ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A WebP header followed by bytes javax.imageio has no reader for. */
  static byte[] webp() {
    byte[] bytes = new byte[300];
    new Random(7).nextBytes(bytes);
    byte[] head = {'R', 'I', 'F', 'F', 0x24, 0x01, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
    System.arraycopy(head, 0, bytes, 0, head.length);
    return bytes;
  }
}
