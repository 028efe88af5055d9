package io.ttvertx.store.redis;

import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.sql.MessageCounters;
import io.ttvertx.store.sql.MessageKind;
import io.ttvertx.store.sql.PendingMessage;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Message ids from TeamTalk's Redis counters ({@code msg_id_<relateId>}, {@code group_msg_id_<groupId>}),
 * safe whatever Redis loses. A counter is used only when it was checked against SQL in the current
 * epoch (see {@link RedisEpoch}, {@link CounterCheck}); the allocation script refuses otherwise, and
 * the counter is checked first. A batch's transaction confirms, after inserting its rows and before
 * its commit, that the epoch of its ids is still the one in use: when Redis lost its data in between,
 * the ids may be handed out again, and the batch is rolled back and takes new ones. A check that
 * starts after that confirmation reads SQL with a locking read, which waits for the batch's commit.
 * The confirmation also raises the receivers' unread sequences and records the batch as being counted
 * (see {@link RedisUnreadCounters}).
 */
final class RedisMessageCounters implements MessageCounters {
  private static final LuaScript ALLOCATE = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      if not epoch then return {'EPOCH'} end
      local unchecked = {'UNCHECKED'}
      for i, key in ipairs(KEYS) do
        if not is_checked(key) then
          if redis.call('SISMEMBER', 'tt_checked', key) == 1 then return {'LOST', epoch} end
          unchecked[#unchecked + 1] = key
        end
      end
      if #unchecked > 1 then return unchecked end
      local result = {'OK', epoch}
      for i, key in ipairs(KEYS) do
        result[#result + 1] = redis.call('INCRBY', key, ARGV[i])
      end
      return result
      """);
  /**
   * ARGV: the epoch of the ids, the batch's token, what its counting will touch (see
   * {@link RedisUnreadCounters#pendingEntry}), then the receivers, each of whose unread sequence is raised.
   */
  private static final LuaScript CONFIRM = new LuaScript(RedisEpoch.PRELUDE + """
      if current_epoch() ~= ARGV[1] then return {'STALE'} end
      redis.call('HSET', 'tt_unread_pending', ARGV[2], redis.call('TIME')[1] .. '|' .. ARGV[3])
      local result = {'OK'}
      for i = 4, #ARGV do
        result[#result + 1] = redis.call('INCR', 'tt_unread_seq_' .. ARGV[i])
      end
      return result
      """);
  static final int ATTEMPTS = 4;

  private final Redis redis;
  private final RedisEpoch epoch;
  private final CounterCheck counterCheck;
  private final RedisUnreadCounters unread;
  /** Allocations run one after the other, so a batch taken later never gets smaller ids. */
  private Future<Void> allocations = Future.succeededFuture();

  RedisMessageCounters(Redis redis, RedisEpoch epoch, CounterCheck counterCheck, RedisUnreadCounters unread) {
    this.redis = redis;
    this.epoch = epoch;
    this.counterCheck = counterCheck;
    this.unread = unread;
  }

  @Override
  public Future<Allocation> allocate(MessageKind kind, List<PendingMessage> batch) {
    Map<Integer, Integer> perCounter = new LinkedHashMap<>();
    batch.forEach(m -> perCounter.merge(m.conversationId(), 1, Integer::sum));
    Future<Allocation> allocated = allocations.transform(previous -> allocate(kind, batch, perCounter, 1));
    allocations = allocated.transform(ar -> Future.succeededFuture());
    return allocated;
  }

  private Future<Allocation> allocate(MessageKind kind, List<PendingMessage> batch, Map<Integer, Integer> perCounter,
                                      int attempt) {
    List<String> keys = new ArrayList<>(perCounter.size());
    Map<String, Integer> idsByKey = new HashMap<>();
    perCounter.keySet().forEach(id -> {
      String key = RedisKeys.counter(kind, id);
      keys.add(key);
      idsByKey.put(key, id);
    });
    return ALLOCATE.run(redis, keys, new ArrayList<>(perCounter.values())).compose(answer -> {
      String status = answer.get(0).toString();
      if ("OK".equals(status)) {
        return Future.succeededFuture(allocation(kind, batch, perCounter, answer));
      }
      if (attempt >= ATTEMPTS) {
        return Future.failedFuture(new IllegalStateException("message ids could not be allocated: Redis answered "
            + status + " " + attempt + " times"));
      }
      Future<?> repaired;
      if ("EPOCH".equals(status)) {
        repaired = epoch.current();
      } else if ("LOST".equals(status)) {
        repaired = epoch.renew(answer.get(1).toString());
      } else {
        List<Integer> unchecked = new ArrayList<>();
        for (int i = 1; i < answer.size(); i++) {
          unchecked.add(idsByKey.get(answer.get(i).toString()));
        }
        repaired = counterCheck.check(kind, unchecked);
      }
      return repaired.compose(v -> allocate(kind, batch, perCounter, attempt + 1));
    });
  }

  private Allocation allocation(MessageKind kind, List<PendingMessage> batch, Map<Integer, Integer> perCounter,
                                Response answer) {
    String allocationEpoch = answer.get(1).toString();
    Map<Integer, Integer> next = new HashMap<>();
    int i = 2;
    for (Map.Entry<Integer, Integer> counter : perCounter.entrySet()) {
      next.put(counter.getKey(), answer.get(i++).toInteger() - counter.getValue() + 1);
    }
    int[] ids = new int[batch.size()];
    for (int m = 0; m < ids.length; m++) {
      int conversation = batch.get(m).conversationId();
      ids[m] = next.get(conversation);
      next.put(conversation, ids[m] + 1);
    }
    return new RedisAllocation(kind, ids, allocationEpoch);
  }

  private final class RedisAllocation implements Allocation {
    private final MessageKind kind;
    private final int[] ids;
    private final String allocationEpoch;
    /** Names the batch's counting until it is done (tt_unread_pending). */
    private final String token = UUID.randomUUID().toString();
    /** Each receiver's unread sequence as the confirmation raised it. */
    private final Map<Integer, Long> sequences = new HashMap<>();

    RedisAllocation(MessageKind kind, int[] ids, String allocationEpoch) {
      this.kind = kind;
      this.ids = ids;
      this.allocationEpoch = allocationEpoch;
    }

    @Override
    public int[] ids() {
      return ids;
    }

    @Override
    public Future<Void> confirm(List<MessageRecord> records) {
      List<Object> args = new ArrayList<>();
      args.add(allocationEpoch);
      args.add(token);
      args.add(RedisUnreadCounters.pendingEntry(kind, records));
      Set<Integer> receivers = new LinkedHashSet<>();
      if (kind == MessageKind.SINGLE) {
        records.forEach(m -> receivers.add(m.toUserId()));
      }
      args.addAll(receivers);
      return CONFIRM.run(redis, List.of(), args).compose(answer -> {
        if (!"OK".equals(answer.get(0).toString())) {
          return Future.failedFuture(new StaleIdsException("Redis lost its data after ids were allocated in epoch "
              + allocationEpoch));
        }
        int i = 1;
        sequences.clear();
        for (int receiver : receivers) {
          sequences.put(receiver, answer.get(i++).toLong());
        }
        return Future.succeededFuture();
      });
    }

    @Override
    public Future<Void> committed(List<MessageRecord> records) {
      return kind == MessageKind.SINGLE ? unread.countSingle(token, records, sequences)
          : unread.countGroup(token, records);
    }
  }
}
