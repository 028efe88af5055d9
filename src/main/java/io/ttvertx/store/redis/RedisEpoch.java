package io.ttvertx.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;

import java.util.List;
import java.util.UUID;

/**
 * Tells whether Redis still holds the data this store has been using. The key {@code tt_epoch} holds
 * the server's run_id and a random nonce: FLUSHALL removes it, and a restarted Redis (empty or from an
 * old snapshot) or a promoted replica has another run_id. A new epoch is then started, which forgets
 * every key checked against SQL ({@code tt_checked}): counters and caches are checked again before use.
 * Scripts check the epoch atomically with what they do, through {@link #PRELUDE}.
 */
final class RedisEpoch {
  /**
   * Lua: {@code current_epoch()} is the epoch in use, or nil when Redis lost it or is not the server
   * that started it; {@code is_checked(key)} whether a key's value was checked against SQL in it.
   */
  static final String PRELUDE = """
      local function current_epoch()
        local live = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
        local epoch = redis.call('GET', 'tt_epoch')
        if epoch and string.sub(epoch, 1, #live + 1) == live .. ':' then return epoch end
        return nil
      end
      local function is_checked(key)
        return redis.call('EXISTS', key) == 1 and redis.call('SISMEMBER', 'tt_checked', key) == 1
      end
      """;

  private static final LuaScript START = new LuaScript(PRELUDE + """
      local epoch = current_epoch()
      if epoch then return epoch end
      local live = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
      epoch = live .. ':' .. ARGV[1]
      redis.call('SET', 'tt_epoch', epoch)
      redis.call('DEL', 'tt_checked')
      return epoch
      """);

  /** ARGV: the epoch that lost data, a nonce. Starts a new epoch unless another node did already. */
  private static final LuaScript RENEW = new LuaScript(PRELUDE + """
      local epoch = current_epoch()
      if epoch and epoch ~= ARGV[1] then return epoch end
      local live = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
      epoch = live .. ':' .. ARGV[2]
      redis.call('SET', 'tt_epoch', epoch)
      redis.call('DEL', 'tt_checked')
      return epoch
      """);

  private final Redis redis;

  RedisEpoch(Redis redis) {
    this.redis = redis;
  }

  /** The epoch in use, starting a new one when Redis lost the data of the last. */
  Future<String> current() {
    return START.run(redis, List.of(), List.of(UUID.randomUUID().toString())).map(Object::toString);
  }

  /**
   * Starts a new epoch because a checked key went missing within {@code lost} (a key deleted or
   * evicted alone): everything is checked again, and batches holding ids of {@code lost} take new ones.
   */
  Future<String> renew(String lost) {
    return RENEW.run(redis, List.of(), List.of(lost, UUID.randomUUID().toString())).map(Object::toString);
  }
}
