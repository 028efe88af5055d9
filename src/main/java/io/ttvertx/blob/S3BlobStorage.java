package io.ttvertx.blob;

import io.ttvertx.config.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, S3Proxy...), shared by any number of
 * nodes. Uses the SDK's blocking client on a worker pool of its own, so a slow or unreachable S3 server
 * holds up file transfers only, never the rest of the blocking work. An S3 PUT is atomic for readers.
 * The bucket must exist: start fails when it does not (creating buckets is left to whoever owns the
 * account and its permissions).
 */
public final class S3BlobStorage implements BlobStorage {
  private static final Logger log = LoggerFactory.getLogger(S3BlobStorage.class);
  static final String DEFAULT_SPOOL_FOLDER = "tt-vertx-spool";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
  static final String WORKER_POOL = "tt-blob-s3";
  /** Concurrent S3 requests per process; uploads and downloads beyond it wait their turn. */
  static final int WORKER_POOL_SIZE = 16;
  private static final int FORBIDDEN = 403;
  private static final int NOT_FOUND = 404;
  private static final int RANGE_NOT_SATISFIABLE = 416;

  private final WorkerExecutor workers;
  private final StorageOptions options;
  private final String bucket;
  private final String keyPrefix;
  private final Path spool;
  private volatile S3Client client;

  public S3BlobStorage(Vertx vertx, StorageOptions options) {
    this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
    this.options = options;
    this.bucket = options.s3Bucket();
    this.keyPrefix = folderPrefix(options.s3Prefix());
    this.spool = (options.spoolDirectory().isBlank()
        ? Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_SPOOL_FOLDER)
        : Path.of(options.spoolDirectory())).toAbsolutePath().normalize();
  }

  /** storage.s3.prefix as a folder: "tt", "/tt/" and "tt/" all give "tt/"; empty stays empty. */
  static String folderPrefix(String prefix) {
    String trimmed = prefix.strip().replaceAll("^/+|/+$", "");
    if (trimmed.isEmpty()) {
      return "";
    }
    try {
      return BlobStorage.checkKey(trimmed) + "/";
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("storage.s3.prefix must be a folder name such as 'teamtalk', got '" + prefix + "'");
    }
  }

  @Override
  public Future<Void> start() {
    return workers.<Void>executeBlocking(() -> {
      SpoolFiles.prepare(spool);
      client = buildClient();
      try {
        client.headBucket(request -> request.bucket(bucket));
      } catch (AwsServiceException e) {
        String why = e.statusCode() == NOT_FOUND ? "does not exist (create it first)"
            : e.statusCode() == FORBIDDEN ? "refuses these credentials (HTTP 403, check storage.s3.accessKey/secretKey)"
            : "answered HTTP " + e.statusCode();
        throw new IOException("S3 bucket '" + bucket + "' at " + where() + " " + why, e);
      } catch (SdkClientException e) {
        throw new IOException("S3 bucket '" + bucket + "' at " + where() + " could not be checked: " + e.getMessage(), e);
      }
      log.info("blob storage: S3 bucket '{}' at {}{}, spool {}", bucket, where(),
          keyPrefix.isEmpty() ? "" : ", keys under '" + keyPrefix + "'", spool);
      return null;
    }, false).onFailure(e -> closeClient());
  }

  private S3Client buildClient() {
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT)
            .socketTimeout(SOCKET_TIMEOUT))
        .region(Region.of(options.s3Region()))
        .forcePathStyle(options.s3PathStyle())
        .credentialsProvider(credentials())
        // checksums only where S3 demands them: since SDK 2.30 every PUT carries a CRC trailer by
        // default, which Ceph RGW, Cloudflare R2, GCS and others refuse (aws-sdk-java-v2 discussion 5802)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (!options.s3Endpoint().isBlank()) {
      builder.endpointOverride(URI.create(options.s3Endpoint()));
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials() {
    if (options.s3AccessKey().isBlank()) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(options.s3AccessKey(), options.s3SecretKey()));
  }

  private String where() {
    return options.s3Endpoint().isBlank() ? "AWS " + options.s3Region() : options.s3Endpoint();
  }

  @Override
  public Future<Void> put(String key, Path file) {
    return call("put", key, () -> {
      client().putObject(request -> request.bucket(bucket).key(objectKey(key)), RequestBody.fromFile(file));
      Files.deleteIfExists(file);
      return null;
    });
  }

  @Override
  public Future<BlobInfo> stat(String key) {
    return call("stat", key, () -> {
      HeadObjectResponse head = head(objectKey(key));
      return head == null ? null : new BlobInfo(head.contentLength(), head.lastModified().toEpochMilli());
    });
  }

  /** The object's metadata, or null when the bucket has no such key. */
  private HeadObjectResponse head(String objectKey) {
    try {
      return client().headObject(request -> request.bucket(bucket).key(objectKey));
    } catch (AwsServiceException e) {
      if (e.statusCode() == NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public Future<Buffer> read(String key, long offset, int length) {
    return call("read", key, () -> {
      String objectKey = objectKey(key);
      if (offset < 0 || length < 0) {
        throw new IllegalArgumentException("read of '" + key + "' at offset " + offset + ", length " + length);
      }
      if (length == 0) {
        // a Range cannot ask for nothing; the key must still exist
        if (head(objectKey) == null) {
          throw missing(key);
        }
        return Buffer.buffer();
      }
      String range = "bytes=" + offset + "-" + (offset + length - 1);
      try {
        byte[] bytes = client().getObject(request -> request.bucket(bucket).key(objectKey).range(range),
            ResponseTransformer.toBytes()).asByteArrayUnsafe();
        return Buffer.buffer(bytes);
      } catch (AwsServiceException e) {
        if (e.statusCode() == RANGE_NOT_SATISFIABLE) {
          return Buffer.buffer(); // the object exists and ends before offset (or is empty)
        }
        throw e;
      }
    });
  }

  @Override
  public Path localFile(String key) {
    return null;
  }

  @Override
  public Future<List<BlobEntry>> list(String prefix) {
    return call("list", prefix, () -> {
      List<BlobEntry> entries = new ArrayList<>();
      Iterable<S3Object> objects = client().listObjectsV2Paginator(request -> request.bucket(bucket)
          .prefix(keyPrefix + prefix)).contents();
      for (S3Object object : objects) {
        String key = object.key().substring(keyPrefix.length());
        if (isValidKey(key)) {
          entries.add(new BlobEntry(key, object.size(), object.lastModified().toEpochMilli()));
        }
      }
      return entries;
    });
  }

  /** Objects that other software put in the bucket under names this storage could not address are left out. */
  private static boolean isValidKey(String key) {
    try {
      BlobStorage.checkKey(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Future<Boolean> delete(String key) {
    return call("delete", key, () -> {
      String objectKey = objectKey(key);
      // S3's DELETE succeeds whether or not the key exists; the HEAD before it tells which
      boolean existed = head(objectKey) != null;
      client().deleteObject(request -> request.bucket(bucket).key(objectKey));
      return existed;
    });
  }

  @Override
  public Path spoolDirectory() {
    return spool;
  }

  @Override
  public Future<Void> close() {
    return workers.<Void>executeBlocking(() -> {
      closeClient();
      return null;
    }, false).eventually(workers::close);
  }

  private void closeClient() {
    S3Client open = client;
    client = null;
    if (open != null) {
      open.close();
    }
  }

  private S3Client client() {
    S3Client open = client;
    if (open == null) {
      throw new IllegalStateException("S3 blob storage is not started (or closed)");
    }
    return open;
  }

  private String objectKey(String key) {
    return keyPrefix + BlobStorage.checkKey(key);
  }

  private static NoSuchFileException missing(String key) {
    return new NoSuchFileException(key, null, "not in the blob storage");
  }

  /**
   * Runs one S3 call on a worker thread; a missing key becomes {@link NoSuchFileException}, other S3
   * answers and transport errors an IOException naming the operation, the key and the bucket.
   */
  private <T> Future<T> call(String operation, String key, Callable<T> work) {
    return workers.executeBlocking(work, false).recover(e -> Future.failedFuture(describe(operation, key, e)));
  }

  private Throwable describe(String operation, String key, Throwable e) {
    if (e instanceof AwsServiceException service) {
      if (service.statusCode() == NOT_FOUND && !"NoSuchBucket".equals(errorCode(service))) {
        return missing(key);
      }
      return new IOException("S3 " + operation + " of '" + key + "' in bucket '" + bucket + "' failed: HTTP "
          + service.statusCode() + " " + errorCode(service), e);
    }
    if (e instanceof SdkClientException) {
      return new IOException("S3 " + operation + " of '" + key + "' at " + where() + " failed: " + e.getMessage(), e);
    }
    return e;
  }

  private static String errorCode(AwsServiceException e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }
}
