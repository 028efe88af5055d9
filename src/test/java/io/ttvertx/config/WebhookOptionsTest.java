package io.ttvertx.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhooks section and store.embedded.backupDirectory: defaults, environment overrides, refusals at start. */
class WebhookOptionsTest {

  @Test
  void withoutUrlsNoWebhookVerticleRuns() {
    ServerOptions options = ServerOptions.read(ServerOptions.defaultConfig(), Map.of());
    assertThat(options.deploysWebhooks()).isFalse();
    WebhookOptions webhooks = options.webhooks();
    assertThat(webhooks.queueSize()).isEqualTo(10_000);
    assertThat(webhooks.maxAttempts()).isEqualTo(8);
    assertThat(webhooks.initialBackoffMs()).isEqualTo(1_000);
    assertThat(webhooks.maxBackoffMs()).isEqualTo(300_000);
    assertThat(webhooks.timeoutMs()).isEqualTo(10_000);
    assertThat(webhooks.botUserIds()).isEmpty();
    assertThat(options.store().backupDirectory()).isEqualTo("data/backups");
  }

  @Test
  void theEnvironmentConfiguresUrlsSecretAndBots() {
    ServerOptions options = ServerOptions.read(new JsonObject(), Map.of("TT_WEBHOOK_URLS",
        "https://a.example/hook, http://b.example:8080/x", "TT_WEBHOOK_SECRET", "k", "TT_WEBHOOK_BOT_USER_IDS", "7,9",
        "TT_BACKUP_DIRECTORY", "/srv/backups"));
    assertThat(options.deploysWebhooks()).isTrue();
    assertThat(options.webhooks().urls()).containsExactly("https://a.example/hook", "http://b.example:8080/x");
    assertThat(options.webhooks().botUserIds()).containsExactly(7, 9);
    assertThat(options.webhookConfig().getString("secret")).isEqualTo("k");
    assertThat(options.webhookConfig().getString("aesKey")).isEqualTo(ServerOptions.DEFAULT_AES_KEY);
    assertThat(options.store().backupDirectory()).isEqualTo("/srv/backups");
    JsonObject section = options.webhookConfig();
    section.remove("aesKey");
    assertThat(WebhookOptions.fromJson(section).toJson()).isEqualTo(section);
  }

  @Test
  void refusedAtStart() {
    JsonArray url = new JsonArray(List.of("https://a.example/hook"));
    assertThatThrownBy(() -> WebhookOptions.fromJson(new JsonObject().put("urls", url)))
        .hasMessageContaining("webhooks.secret");
    assertThatThrownBy(() -> WebhookOptions.fromJson(new JsonObject().put("urls", new JsonArray().add("ftp://x/y"))
        .put("secret", "k"))).hasMessageContaining("http(s)");
    assertThatThrownBy(() -> WebhookOptions.fromJson(new JsonObject().put("urls", url).put("secret", "k")
        .put("instances", 2))).hasMessageContaining("0 or 1");
    assertThatThrownBy(() -> WebhookOptions.fromJson(new JsonObject().put("botUserIds", new JsonArray().add("bob"))))
        .hasMessageContaining("user ids");
    assertThatThrownBy(() -> WebhookOptions.fromJson(new JsonObject().put("initialBackoffMs", 10).put("maxBackoffMs", 5)))
        .hasMessageContaining("maxBackoffMs");
    assertThat(ServerOptions.read(new JsonObject().put("webhooks", new JsonObject().put("urls", url).put("secret", "k")
        .put("instances", 0)), Map.of()).deploysWebhooks()).isFalse();
  }
}
