package io.ttvertx.store.redis;

import io.ttvertx.store.sql.MessageKind;
import io.ttvertx.store.sql.ReadPositions;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Makes a message id counter safe to allocate from in the current epoch: sets it to the largest id
 * stored in SQL, read with a locking read (which waits for batches that inserted rows and have not
 * committed yet), and marks it checked. No id was allocated from it in this epoch, and batches holding
 * ids of an earlier one fail their confirmation, so nothing above that largest id can still be stored:
 * the ids continue without a gap. A counter already checked (by another node meanwhile) is left alone.
 */
final class CounterCheck {
  private static final Logger log = LoggerFactory.getLogger(CounterCheck.class);
  private static final LuaScript SET_AND_MARK = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      if not epoch or epoch ~= ARGV[1] then return 'EPOCH' end
      if not is_checked(KEYS[1]) then
        redis.call('SET', KEYS[1], ARGV[2])
        redis.call('SADD', 'tt_checked', KEYS[1])
      end
      return 'OK'
      """);
  static final int ATTEMPTS = 3;

  private final Redis redis;
  private final RedisEpoch epoch;
  private final ReadPositions positions;
  /** Checks under way, by counter key: messages of one conversation arriving meanwhile share one. */
  private final Map<String, Future<Void>> running = new HashMap<>();

  CounterCheck(Redis redis, RedisEpoch epoch, ReadPositions positions) {
    this.redis = redis;
    this.epoch = epoch;
    this.positions = positions;
  }

  Future<Void> check(MessageKind kind, Collection<Integer> ids) {
    List<Future<Void>> checks = new ArrayList<>();
    for (int id : new LinkedHashSet<>(ids)) {
      String key = RedisKeys.counter(kind, id);
      Future<Void> check = running.get(key);
      if (check == null) {
        check = check(kind, id, key, 1).andThen(ar -> running.remove(key));
        if (!check.isComplete()) {
          running.put(key, check);
        }
      }
      checks.add(check);
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<Void> check(MessageKind kind, int id, String key, int attempt) {
    return epoch.current().compose(current -> positions.largestStoredId(kind, id, true)
        .compose(stored -> SET_AND_MARK.run(redis, List.of(key), List.of(current, stored)).compose(answer -> {
          if ("OK".equals(answer.toString())) {
            log.debug("counter {} checked: {} stored", key, stored);
            return Future.<Void>succeededFuture();
          }
          if (attempt >= ATTEMPTS) {
            return Future.failedFuture(new IllegalStateException("Redis keeps losing its data: counter " + key
                + " could not be checked"));
          }
          return check(kind, id, key, attempt + 1);
        })));
  }
}
