package io.ttvertx.protocol;

/**
 * How TeamTalk clients send a picture: a text message (encrypted like any text) holding the picture's
 * URL between a start and an end marker.
 */
public final class PictureText {
  public static final String START = "&$#@~^@[{:";
  public static final String END = ":}]&$~@#@";

  private PictureText() {
  }

  /** The text a client sends for the picture at {@code url}. */
  public static String of(String url) {
    return START + url + END;
  }

  /** The URL when {@code text} is exactly one picture, else null. */
  public static String urlOf(String text) {
    if (text.length() >= START.length() + END.length() && text.startsWith(START) && text.endsWith(END)) {
      return text.substring(START.length(), text.length() - END.length());
    }
    return null;
  }
}
