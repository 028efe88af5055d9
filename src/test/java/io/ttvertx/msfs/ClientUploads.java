package io.ttvertx.msfs;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Upload requests in the exact shape each TeamTalk client writes them (from the clients' sources:
 * Android's MoGuHttpClient, iOS's DDSendPhotoMessageAPI, Mac's DDImageUploader, Windows's
 * SendImgHttpOperation), to be written raw on a socket.
 */
public final class ClientUploads {
  static final String ANDROID_BOUNDARY = "---------7d4a6d158c9";
  static final String AF_BOUNDARY = "Boundary+0xAbCdEfGbOuNdArY";
  static final String WINDOWS_BOUNDARY = "----------------------------3c7f2d1e9a4b";

  private ClientUploads() {
  }

  /** Android: part "file0" with the file's base name, a part header without a space, MSIE 6 user agent, "Charsert". */
  public static Buffer android(int port, String fileName, byte[] picture) {
    Buffer body = ascii("--" + ANDROID_BOUNDARY + "\r\n"
        + "Content-Disposition: form-data;name=\"file0\";filename=\"" + fileName + "\"\r\n"
        + "Content-Type:application/octet-stream\r\n\r\n")
        .appendBytes(picture)
        .appendString("\r\n")
        .appendString("\r\n--" + ANDROID_BOUNDARY + "--\r\n");
    return ascii("POST / HTTP/1.1\r\n"
        + "connection: Keep-Alive\r\n"
        + "user-agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)\r\n"
        + "Charsert: UTF-8\r\n"
        + "Content-Type: multipart/form-data; boundary=" + ANDROID_BOUNDARY + "\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n").appendBuffer(body);
  }

  /** iOS: field "type" = "im_image", then part "image" named "image.png_<w>x<h>.png" typed image/jpeg. */
  static Buffer ios(int port, byte[] picture) {
    return afNetworking(port, "image.png_100x100.png", picture, "TeamTalk/1.0 (iPhone; iOS 8.1; Scale/2.00)");
  }

  /** Mac: the same form, file name "image.<ext>". */
  static Buffer mac(int port, byte[] picture) {
    return afNetworking(port, "image.jpg", picture, "TeamTalk/1.0 (Macintosh; Mac OS X 10.10)");
  }

  private static Buffer afNetworking(int port, String fileName, byte[] picture, String userAgent) {
    Buffer body = ascii("--" + AF_BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"type\"\r\n\r\n"
        + "im_image\r\n"
        + "--" + AF_BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"image\"; filename=\"" + fileName + "\"\r\n"
        + "Content-Type: image/jpeg\r\n\r\n")
        .appendBytes(picture)
        .appendString("\r\n--" + AF_BOUNDARY + "--\r\n");
    return ascii("POST / HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Content-Type: multipart/form-data; boundary=" + AF_BOUNDARY + "\r\n"
        + "Accept: text/html\r\n"
        + "User-Agent: " + userAgent + "\r\n"
        + "Accept-Encoding: gzip, deflate\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n").appendBuffer(body);
  }

  /** Windows: POST to msfsPrior + "upload/", part "image" named "<name>.<ext>_<W>x<H>.<ext>" typed "image/.<ext>". */
  static Buffer windows(int port, byte[] picture) {
    Buffer body = ascii("--" + WINDOWS_BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"image\"; filename=\"name.jpg_640x480.jpg\"\r\n"
        + "Content-Type: image/.jpg\r\n\r\n")
        .appendBytes(picture)
        .appendString("\r\n--" + WINDOWS_BOUNDARY + "--\r\n");
    return ascii("POST /upload/ HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Accept: */*\r\n"
        + "Content-Type: multipart/form-data; boundary=" + WINDOWS_BOUNDARY + "\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n").appendBuffer(body);
  }

  /** Any request: a head (request line and headers, without the blank line) and a body, with its Content-Length. */
  static Buffer request(String head, Buffer body) {
    return ascii(head + "\r\nContent-Length: " + body.length() + "\r\n\r\n").appendBuffer(body);
  }

  static Buffer ascii(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
  }
}
