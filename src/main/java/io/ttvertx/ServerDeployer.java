package io.ttvertx;

import io.ttvertx.config.ServerOptions;
import io.ttvertx.db.DbProxyVerticle;
import io.ttvertx.file.FileVerticle;
import io.ttvertx.http.HttpMsgVerticle;
import io.ttvertx.login.LoginVerticle;
import io.ttvertx.msfs.MsfsVerticle;
import io.ttvertx.msg.MsgVerticle;
import io.ttvertx.push.PushVerticle;
import io.ttvertx.route.RouteVerticle;
import io.ttvertx.webhook.WebhookVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Deploys the roles the options list, each with its instance count, in dependency order: db proxy
 * (the store is ready), msfs (so login learns its URL), route, login, msg, http_msg, file server,
 * push. Used by {@link Main} and by the tests.
 */
public final class ServerDeployer {
  private final Vertx vertx;
  private final ServerOptions options;
  private final List<String> deploymentIds = new ArrayList<>();

  public ServerDeployer(Vertx vertx, ServerOptions options) {
    this.vertx = vertx;
    this.options = options;
  }

  public Future<Void> deploy() {
    Future<Void> chain = Future.succeededFuture();
    if (options.deploysDb()) {
      chain = chain.compose(v -> deploy(DbProxyVerticle.class.getName(), options.dbInstances(), options.dbConfig()));
    }
    if (options.deploysMsfs()) {
      chain = chain.compose(v -> deploy(MsfsVerticle.class.getName(), options.msfs().instances(), options.msfsConfig()));
    }
    if (options.deploysRoute()) {
      chain = chain.compose(v -> deploy(RouteVerticle.class.getName(), options.routeInstances(), options.routeConfig()));
    }
    if (options.deploysLogin()) {
      chain = chain.compose(v -> deploy(LoginVerticle.class.getName(), options.login().instances(),
          options.loginConfig()));
    }
    if (options.deploysMsg()) {
      chain = chain.compose(v -> deploy(MsgVerticle.class.getName(), options.msg().instances(), options.msgConfig()));
    }
    if (options.deploysHttpMsg()) {
      chain = chain.compose(v -> deploy(HttpMsgVerticle.class.getName(), options.httpMsg().instances(),
          options.httpMsgConfig()));
    }
    if (options.deploysFile()) {
      chain = chain.compose(v -> deploy(FileVerticle.class.getName(), options.file().instances(), options.fileConfig()));
    }
    if (options.deploysPush()) {
      chain = chain.compose(v -> deploy(PushVerticle.class.getName(), options.push().instances(), options.pushConfig()));
    }
    if (options.deploysWebhooks()) {
      chain = chain.compose(v -> deploy(WebhookVerticle.class.getName(), options.webhooks().instances(),
          options.webhookConfig()));
    }
    return chain;
  }

  public Future<Void> undeploy() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deploymentIds.size() - 1; i >= 0; i--) {
      String id = deploymentIds.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.onComplete(ar -> deploymentIds.clear());
  }

  private Future<Void> deploy(String verticle, int instances, JsonObject config) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances).setConfig(config))
        .onSuccess(deploymentIds::add)
        .mapEmpty();
  }
}
