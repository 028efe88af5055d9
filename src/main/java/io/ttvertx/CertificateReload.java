package io.ttvertx;

import io.ttvertx.config.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * Serves a renewed certificate without a restart (Let's Encrypt renews every two or three months).
 * Every {@code tls.reloadCheckSeconds} the modification times of the certificate and key files are
 * read; once they changed and then stayed the same for one more check (a renewal replaces the two
 * files one after the other: a certificate must not be taken with the old key), the server is given
 * the new pair, once checked as at start ({@link TlsOptions#checkFiles()}). Open connections keep the
 * certificate they started with. A pair that cannot be used is logged once and the server keeps the
 * one it has.
 */
public final class CertificateReload {
  private static final Logger log = LoggerFactory.getLogger(CertificateReload.class);

  private final Vertx vertx;
  private final TlsOptions tls;
  private final String server;
  private final Function<ServerSSLOptions, Future<Boolean>> update;
  /** The files' state the server serves; null until first read. */
  private String served;
  /** A changed state seen at the last check, taken once seen again unchanged. */
  private String changed;

  private CertificateReload(Vertx vertx, TlsOptions tls, String server,
                            Function<ServerSSLOptions, Future<Boolean>> update) {
    this.vertx = vertx;
    this.tls = tls;
    this.server = server;
    this.update = update;
  }

  /**
   * Watches the files of {@code tls} for {@code server} (a name for the log), handing a renewed pair to
   * {@code update} (the server's {@code updateSSLOptions(options, true)}). Call it from the verticle
   * that owns the server, once it listens: the timer goes with the verticle. Nothing when TLS is off
   * or tls.reloadCheckSeconds is 0.
   */
  public static void watch(Vertx vertx, TlsOptions tls, String server,
                           Function<ServerSSLOptions, Future<Boolean>> update) {
    if (!tls.enabled() || tls.reloadCheckSeconds() == 0) {
      return;
    }
    CertificateReload reload = new CertificateReload(vertx, tls, server, update);
    reload.state().onSuccess(state -> {
      reload.served = state;
      vertx.setPeriodic(tls.reloadCheckSeconds() * 1000L, id -> reload.check());
    });
  }

  private void check() {
    state().onSuccess(state -> {
      if (state.equals(served)) {
        changed = null;
      } else if (!state.equals(changed)) {
        changed = state;
      } else {
        served = state;
        changed = null;
        vertx.executeBlocking(() -> {
              tls.checkFiles();
              return tls.serverSslOptions();
            })
            .compose(update)
            .onSuccess(v -> log.info("{}: TLS certificate reloaded from {}", server, tls.certificate()))
            .onFailure(e -> log.warn("{}: the certificate and key as they now are cannot be used ({}); still serving"
                + " the ones loaded before", server, e.getMessage()));
      }
    });
  }

  private static String stamp(FileProps file) {
    return file.lastModifiedTime() + "/" + file.size();
  }

  /** The files' modification times and sizes, or why they cannot be read (which also counts as a change). */
  private Future<String> state() {
    return Future.all(vertx.fileSystem().props(tls.certificate()), vertx.fileSystem().props(tls.key()))
        .map(both -> stamp(both.resultAt(0)) + " " + stamp(both.resultAt(1)))
        .otherwise(e -> "unreadable: " + e.getMessage());
  }
}
