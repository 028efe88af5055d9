package io.ttvertx.support;

import io.ttvertx.config.StorageOptions;
import io.vertx.core.json.JsonObject;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 server for tests: S3Proxy over jclouds' in-memory blob store, in the test JVM, on a free
 * port, checking AWS v4 signatures with its own keys. {@link #start()} also makes a bucket for the
 * test; {@link #storageSection()} is the conf.json "storage" section that points a server at it.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "tt-test-access";
  public static final String SECRET_KEY = "tt-test-secret";
  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final BlobStoreContext blobs;
  private final S3Proxy proxy;
  private final URI endpoint;
  private final String bucket;
  private final Path spoolDirectory;

  private S3TestServer(BlobStoreContext blobs, S3Proxy proxy, Path spoolDirectory) {
    this.blobs = blobs;
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    this.spoolDirectory = spoolDirectory;
    this.bucket = createBucket();
  }

  /** Starts a server on a free port with one empty bucket ({@link #bucket()}). */
  public static S3TestServer start() {
    BlobStoreContext blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class);
    try {
      S3Proxy proxy = S3Proxy.builder()
          .blobStore(blobs.getBlobStore())
          .endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
          .build();
      proxy.start();
      return new S3TestServer(blobs, proxy, Files.createTempDirectory("tt-s3-spool"));
    } catch (Exception e) {
      blobs.close();
      throw new IllegalStateException("could not start S3Proxy", e);
    }
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The bucket made when the server started. */
  public String bucket() {
    return bucket;
  }

  /** Makes another empty bucket and returns its name. */
  public String createBucket() {
    String name = "tt-test-" + BUCKETS.incrementAndGet();
    blobs.getBlobStore().createContainerInLocation(null, name);
    return name;
  }

  /** Deletes {@code bucket} and whatever is in it. */
  public void deleteBucket(String bucket) {
    blobs.getBlobStore().deleteContainer(bucket);
  }

  /** The "storage" section for {@link #bucket()}: type s3, path-style, this server's keys, a temp spool. */
  public JsonObject storageSection() {
    return storageSection(bucket, "");
  }

  public JsonObject storageSection(String bucket, String prefix) {
    return new JsonObject()
        .put("type", StorageOptions.S3)
        .put("spoolDirectory", spoolDirectory.toString())
        .put("s3", new JsonObject()
            .put("endpoint", endpoint.toString())
            .put("region", StorageOptions.DEFAULT_S3_REGION)
            .put("bucket", bucket)
            .put("accessKey", ACCESS_KEY)
            .put("secretKey", SECRET_KEY)
            .put("pathStyle", true)
            .put("prefix", prefix));
  }

  /** The keys in {@code bucket} as S3 names them (with any storage prefix), straight from the blob store. */
  public List<String> objectNames(String bucket) {
    return blobs.getBlobStore().list(bucket, ListContainerOptions.Builder.recursive()).stream()
        .map(StorageMetadata::getName).sorted().toList();
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop S3Proxy", e);
    } finally {
      blobs.close();
      ChildProcesses.deleteDirectory(spoolDirectory);
    }
  }
}
