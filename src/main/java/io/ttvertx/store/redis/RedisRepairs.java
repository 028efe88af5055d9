package io.ttvertx.store.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Redis writes of group membership that failed after their SQL commit, turned into invalidations sent
 * once Redis answers again: the value is then rebuilt from SQL at its next read. Tried every second
 * until they succeed.
 */
final class RedisRepairs {
  private static final Logger log = LoggerFactory.getLogger(RedisRepairs.class);
  static final long INTERVAL_MS = 1000;

  private final Vertx vertx;
  private final Redis redis;
  private final Set<String> keysToUncheck = new LinkedHashSet<>();
  private final Set<String> keysToIncrement = new LinkedHashSet<>();
  private long timer = -1;

  RedisRepairs(Vertx vertx, Redis redis) {
    this.vertx = vertx;
    this.redis = redis;
  }

  /** The key's value is checked against SQL again before its next use. */
  void uncheckLater(String key) {
    keysToUncheck.add(key);
    schedule();
  }

  void incrementLater(String key) {
    keysToIncrement.add(key);
    schedule();
  }

  private void schedule() {
    if (timer < 0) {
      timer = vertx.setPeriodic(INTERVAL_MS, id -> repair());
    }
  }

  private void repair() {
    List<String> unchecks = new ArrayList<>(keysToUncheck);
    List<String> increments = new ArrayList<>(keysToIncrement);
    if (unchecks.isEmpty() && increments.isEmpty()) {
      vertx.cancelTimer(timer);
      timer = -1;
      return;
    }
    List<Request> requests = new ArrayList<>();
    if (!unchecks.isEmpty()) {
      Request srem = Request.cmd(Command.SREM).arg(RedisKeys.CHECKED);
      unchecks.forEach(srem::arg);
      requests.add(srem);
    }
    increments.forEach(key -> requests.add(Request.cmd(Command.INCR).arg(key)));
    redis.batch(requests).onSuccess(done -> {
      unchecks.forEach(keysToUncheck::remove);
      increments.forEach(keysToIncrement::remove);
      log.info("Redis answers again: {} values it missed will be rebuilt from SQL",
          unchecks.size() + increments.size());
    });
  }
}
