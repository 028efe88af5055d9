package io.ttvertx.msfs;

import io.ttvertx.config.PublicAddress;
import io.ttvertx.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The msfs over real HTTP on the real directory storage, deployed with the whole server: each client's
 * upload byte for byte, downloads with ranges, validators and thumbnails, and every refusal.
 */
class MsfsTest {
  private static final int MAX_UPLOAD_BYTES = 600_000;

  private static MsfsTestServer msfs;
  private static Vertx vertx;
  private static WebClient http;
  private static int msfsPort;
  private static Path storageDir;
  private static Path outsideFile;

  @BeforeAll
  static void start() throws IOException {
    msfs = MsfsTestServer.start(new JsonObject().put("maxUploadBytes", MAX_UPLOAD_BYTES).put("maxThumbnailSide", 1024),
        config -> { });
    vertx = msfs.vertx;
    http = msfs.http;
    msfsPort = msfs.msfsPort;
    storageDir = msfs.storageDir;
    outsideFile = Files.writeString(msfs.root.resolve("secret.txt"), "not for download");
  }

  @AfterAll
  static void stop() {
    msfs.stop();
  }

  private static RawHttp.Response exchange(Buffer request) {
    return await(RawHttp.exchange(vertx, msfsPort, request));
  }

  private static JsonObject uploaded(RawHttp.Response response) {
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("Content-Type")).isEqualTo("text/html;charset=utf-8");
    JsonObject answer = response.json();
    assertThat(answer.fieldNames()).containsExactly("error_code", "error_msg", "path", "url");
    assertThat(answer.getInteger("error_code")).isZero();
    assertThat(answer.getString("path")).matches("g0/[0-9]{3}/[0-9]{3}/[0-9a-f]{32}\\.[a-z]{3,4}");
    return answer;
  }

  private static HttpResponse<Buffer> get(String pathOrUrl) {
    String path = pathOrUrl.startsWith("http://") ? pathOrUrl.substring(pathOrUrl.indexOf('/', "http://".length()))
        : pathOrUrl;
    return await(http.get(msfsPort, "127.0.0.1", path).send());
  }

  private static void assertDownloads(JsonObject answer, byte[] expected, String contentType) {
    assertThat(answer.getString("url")).isEqualTo("http://127.0.0.1:" + msfsPort + "/" + answer.getString("path"));
    HttpResponse<Buffer> download = get(answer.getString("url"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.getHeader("Content-Type")).isEqualTo(contentType);
    assertThat(download.body().getBytes()).isEqualTo(expected);
  }

  private static String refusal(RawHttp.Response response, int status, int errorCode) {
    assertThat(response.status()).isEqualTo(status);
    assertThat(response.header("Content-Type")).isEqualTo("text/html;charset=utf-8");
    JsonObject answer = response.json();
    assertThat(answer.getInteger("error_code")).isEqualTo(errorCode);
    assertThat(answer.getString("url")).isEmpty();
    assertThat(answer.getString("path")).isEmpty();
    return answer.getString("error_msg");
  }

  private static List<Path> storedFiles() {
    try (Stream<Path> files = Files.walk(storageDir)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path stored(JsonObject answer) {
    return storageDir.resolve("msfs").resolve(answer.getString("path").substring("g0/".length()));
  }

  // --- uploads as each client sends them

  /** Uploads {@code request}, which carries {@code picture}, and fetches the answer's url back. */
  private static JsonObject roundTrip(Buffer request, byte[] picture, String extension, String contentType) {
    JsonObject answer = uploaded(exchange(request));
    assertThat(answer.getString("path")).endsWith("." + extension);
    assertDownloads(answer, picture, contentType);
    return answer;
  }

  @Test
  void androidUploadComesBackByItsUrl() {
    byte[] jpeg = TestPictures.encode("jpg", 320, 240, 1);
    JsonObject answer = roundTrip(ClientUploads.android(msfsPort, "IMG_20150101.jpg", jpeg), jpeg, "jpg", "image/jpeg");
    assertThat(answer.getString("path")).doesNotContain("IMG");
  }

  @Test
  void iosUploadIsStoredByItsContentNotItsNameOrPartType() {
    byte[] png = TestPictures.encode("png", 200, 100, 2);
    roundTrip(ClientUploads.ios(msfsPort, png), png, "png", "image/png");
  }

  @Test
  void macUploadComesBackByItsUrl() {
    byte[] gif = TestPictures.encode("gif", 64, 64, 3);
    roundTrip(ClientUploads.mac(msfsPort, gif), gif, "gif", "image/gif");
  }

  @Test
  void windowsUploadToUploadPathComesBackByMsfsPriorPlusPath() {
    byte[] jpeg = TestPictures.encode("jpg", 640, 480, 4);
    JsonObject answer = uploaded(exchange(ClientUploads.windows(msfsPort, jpeg)));
    // Windows builds the address itself: msfsPrior + path
    HttpResponse<Buffer> download = get("/" + answer.getString("path"));
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.getHeader("Content-Type")).isEqualTo("image/jpeg");
    assertThat(download.body().getBytes()).isEqualTo(jpeg);
  }

  @Test
  void anythingButAPictureIsServedAsADownload() {
    byte[] html = "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8);
    JsonObject answer = uploaded(exchange(ClientUploads.android(msfsPort, "page.html", html)));
    assertThat(answer.getString("path")).endsWith(".bin");
    HttpResponse<Buffer> download = get(answer.getString("url"));
    assertThat(download.getHeader("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(download.getHeader("Content-Disposition")).startsWith("attachment");
    assertThat(download.body().getBytes()).isEqualTo(html);
  }

  @Test
  void uploadsSpreadOverSubfoldersUnderRandomNames() {
    byte[] jpeg = TestPictures.encode("jpg", 16, 16, 5);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      paths.add(uploaded(exchange(ClientUploads.android(msfsPort, "same.jpg", jpeg))).getString("path"));
    }
    assertThat(paths).doesNotHaveDuplicates();
    assertThat(paths.stream().map(p -> p.substring(0, p.lastIndexOf('/'))).distinct().count()).isGreaterThan(1);
    for (String path : paths) {
      assertThat(storageDir.resolve("msfs").resolve(path.substring(3))).exists();
    }
  }

  // --- downloads

  @Test
  void rangesHeadAndConditionalRequests() {
    byte[] jpeg = TestPictures.encode("jpg", 100, 100, 6);
    JsonObject answer = uploaded(exchange(ClientUploads.android(msfsPort, "a.jpg", jpeg)));
    String path = "/" + answer.getString("path");
    HttpResponse<Buffer> whole = get(path + "?v=1&t=2");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.getHeader("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
    assertThat(whole.getHeader("Accept-Ranges")).isEqualTo("bytes");
    String etag = whole.getHeader("ETag");
    String lastModified = whole.getHeader("Last-Modified");
    assertThat(etag).startsWith("\"");
    assertThat(lastModified).endsWith("GMT");

    HttpResponse<Buffer> range = await(http.get(msfsPort, "127.0.0.1", path).putHeader("Range", "bytes=10-19").send());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + jpeg.length);
    assertThat(range.body().getBytes()).isEqualTo(Arrays.copyOfRange(jpeg, 10, 20));

    HttpResponse<Buffer> suffix = await(http.get(msfsPort, "127.0.0.1", path).putHeader("Range", "bytes=-5").send());
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.getHeader("Content-Range")).isEqualTo("bytes " + (jpeg.length - 5) + "-" + (jpeg.length - 1)
        + "/" + jpeg.length);
    assertThat(suffix.body().getBytes()).isEqualTo(Arrays.copyOfRange(jpeg, jpeg.length - 5, jpeg.length));

    HttpResponse<Buffer> open = await(http.get(msfsPort, "127.0.0.1", path)
        .putHeader("Range", "bytes=" + (jpeg.length - 3) + "-").send());
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body().length()).isEqualTo(3);

    HttpResponse<Buffer> unsatisfiable = await(http.get(msfsPort, "127.0.0.1", path)
        .putHeader("Range", "bytes=" + jpeg.length + "-").send());
    assertThat(unsatisfiable.statusCode()).isEqualTo(416);
    assertThat(unsatisfiable.getHeader("Content-Range")).isEqualTo("bytes */" + jpeg.length);

    HttpResponse<Buffer> staleIfRange = await(http.get(msfsPort, "127.0.0.1", path)
        .putHeader("Range", "bytes=0-0").putHeader("If-Range", "\"other\"").send());
    assertThat(staleIfRange.statusCode()).isEqualTo(200);
    assertThat(staleIfRange.body().length()).isEqualTo(jpeg.length);

    RawHttp.Response head = exchange(ClientUploads.ascii("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(jpeg.length));
    assertThat(head.header("Content-Type")).isEqualTo("image/jpeg");
    assertThat(head.body().length()).isZero();

    HttpResponse<Buffer> byEtag = await(http.get(msfsPort, "127.0.0.1", path).putHeader("If-None-Match", etag).send());
    assertThat(byEtag.statusCode()).isEqualTo(304);
    assertThat(byEtag.body()).isNull();
    HttpResponse<Buffer> byDate = await(http.get(msfsPort, "127.0.0.1", path)
        .putHeader("If-Modified-Since", lastModified).send());
    assertThat(byDate.statusCode()).isEqualTo(304);
    HttpResponse<Buffer> otherEtag = await(http.get(msfsPort, "127.0.0.1", path)
        .putHeader("If-None-Match", "\"different\"").send());
    assertThat(otherEtag.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAre404WithAReason() {
    for (String path : List.of("/g0/000/000/0123456789abcdef0123456789abcdef.jpg", "/", "/favicon.ico",
        "/g0/000/000/0123456789abcdef0123456789abcdef_100x100.jpg")) {
      HttpResponse<Buffer> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertThat(response.getHeader("Content-Type")).isEqualTo("text/html;charset=utf-8");
      assertThat(response.bodyAsJsonObject().getString("error_msg")).isEqualTo("no such file");
    }
  }

  @Test
  void traversalIsRefusedInEverySpelling() {
    byte[] jpeg = TestPictures.encode("jpg", 8, 8, 7);
    String path = "/" + uploaded(exchange(ClientUploads.android(msfsPort, "a.jpg", jpeg))).getString("path");
    String folder = path.substring(0, path.lastIndexOf('/'));
    List<String> attempts = List.of(
        "/g0/../../secret.txt", "/g0/../../../secret.txt", folder + "/../../../../secret.txt",
        "/g0/%2e%2e/%2e%2e/secret.txt", "/g0/%2E%2E/%2E%2E/%2E%2E/secret.txt", "/g0/..%2f..%2f..%2fsecret.txt",
        "/g0/%2e%2e%2f%2e%2e%2fsecret.txt", "/g0/..\\..\\..\\secret.txt", "/g0/%5c..%5c..%5csecret.txt",
        "/g0/%252e%252e/%252e%252e/secret.txt", "/g0/000/000/x.jpg%00", "/g0/000/000/%00", "/..",
        "/g0//" + outsideFile.toString(), "/g0/" + outsideFile.toString(), path + "%00.jpg", path + "/..",
        "/g0/.spool/anything", "/msfs/../secret.txt");
    for (String attempt : attempts) {
      RawHttp.Response response = exchange(ClientUploads.ascii("GET " + attempt + " HTTP/1.1\r\nHost: x\r\n\r\n"));
      assertThat(response.status()).as(attempt).isIn(400, 404);
      assertThat(response.body().toString(StandardCharsets.ISO_8859_1)).as(attempt).doesNotContain("not for download");
    }
    // a NUL byte itself on the request line
    RawHttp.Response nul = exchange(ClientUploads.ascii("GET /g0/000/000/a\0.jpg HTTP/1.1\r\nHost: x\r\n\r\n"));
    assertThat(nul.status()).isIn(400, 404);
  }

  // --- thumbnails

  @Test
  void thumbnailFitsKeepsTheRatioAndIsMadeOnce() throws IOException {
    byte[] jpeg = TestPictures.encode("jpg", 400, 300, 8);
    JsonObject answer = uploaded(exchange(ClientUploads.android(msfsPort, "big.jpg", jpeg)));
    String url = answer.getString("url");

    HttpResponse<Buffer> first = get(url + "_100x100.jpg");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("Content-Type")).isEqualTo("image/jpeg");
    BufferedImage thumbnail = TestPictures.decode(first.body().getBytes());
    assertThat(thumbnail.getWidth()).isEqualTo(100);
    assertThat(thumbnail.getHeight()).isEqualTo(75);

    Path original = stored(answer);
    String name = original.getFileName().toString();
    Path kept = original.resolveSibling(name.substring(0, name.indexOf('.')) + "_100x100.jpg");
    assertThat(kept).exists();
    // what the storage holds is what is served: replace it and ask again
    byte[] marker = TestPictures.encode("jpg", 10, 10, 9);
    Files.write(kept, marker);
    HttpResponse<Buffer> second = get(url + "_100x100.jpg");
    assertThat(second.body().getBytes()).isEqualTo(marker);
    // the size may also replace the extension
    HttpResponse<Buffer> replaced = get(url.substring(0, url.lastIndexOf('.')) + "_100x100.jpg");
    assertThat(replaced.body().getBytes()).isEqualTo(marker);

    HttpResponse<Buffer> tall = get(url.substring(0, url.lastIndexOf('.')) + "_50x200.png");
    BufferedImage narrow = TestPictures.decode(tall.body().getBytes());
    assertThat(narrow.getWidth()).isEqualTo(50);
    assertThat(narrow.getHeight()).isEqualTo(38);
  }

  @Test
  void concurrentFirstRequestsGetOneThumbnail() {
    byte[] png = TestPictures.encode("png", 300, 300, 10);
    JsonObject answer = uploaded(exchange(ClientUploads.ios(msfsPort, png)));
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(http.getAbs(answer.getString("url") + "_64x64.jpg").send());
    }
    await(Future.all(requests));
    byte[] first = requests.get(0).result().body().getBytes();
    for (Future<HttpResponse<Buffer>> request : requests) {
      assertThat(request.result().statusCode()).isEqualTo(200);
      assertThat(request.result().getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(request.result().body().getBytes()).isEqualTo(first);
    }
    assertThat(TestPictures.decode(first).getWidth()).isEqualTo(64);
    try (Stream<Path> siblings = Files.list(stored(answer).getParent())) {
      String name = stored(answer).getFileName().toString();
      assertThat(siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(name.substring(0, 32))))
          .containsExactlyInAnyOrder(name, name.substring(0, 32) + "_64x64.png");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void smallPicturesUndecodablePicturesAndBadSizes() {
    byte[] jpeg = TestPictures.encode("jpg", 40, 30, 11);
    String url = uploaded(exchange(ClientUploads.android(msfsPort, "small.jpg", jpeg))).getString("url");
    // never enlarged: the picture itself
    assertThat(get(url + "_100x100.jpg").body().getBytes()).isEqualTo(jpeg);

    byte[] webp = TestPictures.webp();
    JsonObject webpAnswer = uploaded(exchange(ClientUploads.ios(msfsPort, webp)));
    assertThat(webpAnswer.getString("path")).endsWith(".webp");
    HttpResponse<Buffer> webpThumbnail = get(webpAnswer.getString("url") + "_100x100.jpg");
    assertThat(webpThumbnail.getHeader("Content-Type")).isEqualTo("image/webp");
    assertThat(webpThumbnail.body().getBytes()).isEqualTo(webp);

    // a JPEG's first bytes and then nothing javax.imageio can read: the file itself
    byte[] broken = Arrays.copyOf(TestPictures.webp(), 300);
    broken[0] = (byte) 0xFF;
    broken[1] = (byte) 0xD8;
    broken[2] = (byte) 0xFF;
    JsonObject brokenAnswer = uploaded(exchange(ClientUploads.mac(msfsPort, broken)));
    HttpResponse<Buffer> brokenThumbnail = get(brokenAnswer.getString("url") + "_100x100.jpg");
    assertThat(brokenThumbnail.statusCode()).isEqualTo(200);
    assertThat(brokenThumbnail.body().getBytes()).isEqualTo(broken);

    for (String size : List.of("_0x100", "_100x0", "_1025x10", "_10x99999")) {
      HttpResponse<Buffer> refused = get(url + size + ".jpg");
      assertThat(refused.statusCode()).as(size).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("error_msg")).contains("1 to 1024");
    }
  }

  // --- refused uploads

  @Test
  void oversizeUploadIsRefusedWithCode1AndNothingIsKept() {
    List<Path> before = storedFiles();
    byte[] big = new byte[MAX_UPLOAD_BYTES + 1];
    String message = refusal(exchange(ClientUploads.android(msfsPort, "big.jpg", big)), 413, 1);
    assertThat(message).contains(Integer.toString(MAX_UPLOAD_BYTES));

    // no Content-Length: chunks until the limit is passed
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Type: multipart/form-data; boundary=" + ClientUploads.ANDROID_BOUNDARY + "\r\n\r\n");
    Buffer chunked = ClientUploads.ascii(head.toString());
    Buffer partHead = ClientUploads.ascii("--" + ClientUploads.ANDROID_BOUNDARY + "\r\n"
        + "Content-Disposition: form-data;name=\"file0\";filename=\"big.jpg\"\r\n"
        + "Content-Type:application/octet-stream\r\n\r\n");
    chunked.appendString(Integer.toHexString(partHead.length()) + "\r\n").appendBuffer(partHead).appendString("\r\n");
    byte[] chunk = new byte[64 * 1024];
    for (int sent = 0; sent <= MAX_UPLOAD_BYTES; sent += chunk.length) {
      chunked.appendString(Integer.toHexString(chunk.length) + "\r\n").appendBytes(chunk).appendString("\r\n");
    }
    refusal(exchange(chunked), 413, 1);

    assertNothingLeft(before);
  }

  private static void assertNothingLeft(List<Path> before) {
    Poll.until(Duration.ofSeconds(10), () -> "files left: " + storedFiles(),
        () -> storedFiles().stream().filter(file -> !before.contains(file)).toList().isEmpty());
  }

  @Test
  void malformedUploadsAreRefusedWithTeamTalksCodes() {
    List<Path> before = storedFiles();
    Buffer file = ClientUploads.ascii("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n"
        + "Content-Type: image/jpeg\r\n\r\nxyz\r\n--b--\r\n");
    refusal(exchange(ClientUploads.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data", file)),
        400, 4);
    refusal(exchange(ClientUploads.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg", file)), 400, 4);
    refusal(exchange(ClientUploads.ascii("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")), 400, 4);

    Buffer fieldOnly = ClientUploads.ascii("--b\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nim_image\r\n--b--\r\n");
    refusal(exchange(ClientUploads.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b",
        fieldOnly)), 400, 3);
    refusal(exchange(ClientUploads.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b",
        ClientUploads.ascii("--b--\r\n"))), 400, 2);

    Buffer garbage = Buffer.buffer(TestPictures.encode("jpg", 50, 50, 12));
    refusal(exchange(ClientUploads.request("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b",
        garbage)), 400, 5);

    RawHttp.Response put = exchange(ClientUploads.request("PUT /x HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg", file));
    assertThat(put.status()).isEqualTo(405);
    assertNothingLeft(before);
  }

  @Test
  void aCutUploadLeavesNoFile() {
    List<Path> before = storedFiles();
    byte[] jpeg = TestPictures.encode("jpg", 400, 300, 13);
    Buffer whole = ClientUploads.android(msfsPort, "cut.jpg", jpeg);
    Buffer half = whole.getBuffer(0, whole.length() - jpeg.length / 2);
    NetSocket socket = await(RawHttp.openAndWrite(vertx, msfsPort, half));
    Path spool = storageDir.resolve(".spool");
    Poll.until(Duration.ofSeconds(10), () -> "the upload never reached the spool", () -> {
      try (Stream<Path> files = Files.list(spool)) {
        return files.findAny().isPresent();
      } catch (IOException e) {
        return false;
      }
    });
    await(socket.close());
    assertNothingLeft(before);
  }

  // --- the address clients are given

  @Test
  void loginHandsOutTheRunningMsfsWhenNoneIsConfigured() {
    String expected = "http://" + PublicAddress.detect() + ":" + msfsPort + "/";
    JsonObject answer = msfs.msgServerAnswer();
    assertThat(answer.getString("msfsPrior")).isEqualTo(expected);
    assertThat(answer.getString("msfsBackup")).isEqualTo(expected);
  }
}
