package io.ttvertx.store.redis;

import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.sql.MessageKind;
import io.ttvertx.store.sql.MessageRows;
import io.ttvertx.store.sql.ReadPositions;
import io.ttvertx.store.sql.Relations;
import io.ttvertx.store.sql.UnreadCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Unread counts in TeamTalk's Redis keys, rebuilt from SQL read positions ({@link ReadPositions})
 * whenever Redis lost them.
 *
 * <p>1:1: {@code unread_<userId>} field {@code <peerId>} is the count. It is trusted only from a base
 * ({@code tt_unread_base_<userId>} = epoch and sequence): every batch raises its receivers' sequence
 * inside its transaction, before its commit, and after the commit counts its messages only for
 * receivers whose base is older than that sequence. A rebuild reads the sequence, counts in SQL with
 * locking reads (which wait for batches that inserted rows and have not committed), and installs the
 * counts with the sequence as base only if no batch raised it meanwhile; so each message is counted
 * once, by the rebuild or by its batch. A read acknowledgement moves the read position to the
 * conversation's last id, atomically with clearing the count; messages up to it that are counted later
 * are skipped.
 *
 * <p>Groups: {@code <groupId>_im_group_msg} (the group's last id, which is its message count) minus
 * {@code <userId>_<groupId>_im_user_group} (the last id the member read). Both only grow, so they are
 * raised to what each batch, read or SQL says, in any order; one not checked against SQL in the
 * current epoch is raised to SQL's value first.
 *
 * <p>A batch is recorded in {@code tt_unread_pending} when it is confirmed, before its commit, and
 * dropped when it is counted. Batches left there (their process died between the commit and the
 * counting, or Redis did not answer) are swept: what they touched is rebuilt from SQL at its next read.
 */
public final class RedisUnreadCounters implements UnreadCounters {
  private static final Logger log = LoggerFactory.getLogger(RedisUnreadCounters.class);
  static final int REBUILD_ATTEMPTS = 5;

  /** ARGV: userId. The user's counts when their base is of the current epoch. */
  private static final LuaScript READ = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      local base = redis.call('GET', 'tt_unread_base_' .. ARGV[1])
      if not epoch or not base then return {'REBUILD'} end
      local sep = string.find(base, '|', 1, true)
      if not sep or string.sub(base, 1, sep - 1) ~= epoch then return {'REBUILD'} end
      local result = {'OK'}
      local counts = redis.call('HGETALL', 'unread_' .. ARGV[1])
      for i = 1, #counts do result[#result + 1] = counts[i] end
      return result
      """);
  /** ARGV: userId. The sequence a rebuild starts from, the read positions and the counts Redis has. */
  private static final LuaScript BEGIN_REBUILD = new LuaScript("""
      local positions = redis.call('HGETALL', 'tt_read_' .. ARGV[1])
      local counts = redis.call('HGETALL', 'unread_' .. ARGV[1])
      local result = {redis.call('GET', 'tt_unread_seq_' .. ARGV[1]) or '0', #positions}
      for i = 1, #positions do result[#result + 1] = positions[i] end
      for i = 1, #counts do result[#result + 1] = counts[i] end
      return result
      """);
  /** ARGV: userId, sequence, epoch, then peer, count, position triples. */
  private static final LuaScript FINISH_REBUILD = new LuaScript(RedisEpoch.PRELUDE + """
      local user = ARGV[1]
      if current_epoch() ~= ARGV[3] then return 'RETRY' end
      if (redis.call('GET', 'tt_unread_seq_' .. user) or '0') ~= ARGV[2] then return 'RETRY' end
      redis.call('DEL', 'unread_' .. user)
      for i = 4, #ARGV, 3 do
        if tonumber(ARGV[i + 1]) > 0 then redis.call('HSET', 'unread_' .. user, ARGV[i], ARGV[i + 1]) end
        local read = tonumber(redis.call('HGET', 'tt_read_' .. user, ARGV[i]) or '-1')
        if tonumber(ARGV[i + 2]) > read then redis.call('HSET', 'tt_read_' .. user, ARGV[i], ARGV[i + 2]) end
      end
      redis.call('SET', 'tt_unread_base_' .. user, ARGV[3] .. '|' .. ARGV[2])
      return 'OK'
      """);
  /**
   * ARGV: the batch's token, then per receiver: userId, sequence, number of senders, then per sender:
   * senderId, number of ids, the ids. Counts the ids above the receiver's read position, for receivers
   * whose base is older, and ends the batch's pending entry.
   */
  private static final LuaScript COUNT = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      redis.call('HDEL', 'tt_unread_pending', ARGV[1])
      local i = 2
      while i <= #ARGV do
        local user = ARGV[i]
        local sequence = tonumber(ARGV[i + 1])
        local senders = tonumber(ARGV[i + 2])
        i = i + 3
        local counting = false
        local base = redis.call('GET', 'tt_unread_base_' .. user)
        if epoch and base then
          local sep = string.find(base, '|', 1, true)
          counting = sep and string.sub(base, 1, sep - 1) == epoch and sequence > tonumber(string.sub(base, sep + 1))
        end
        for s = 1, senders do
          local sender = ARGV[i]
          local ids = tonumber(ARGV[i + 1])
          if counting then
            local read = tonumber(redis.call('HGET', 'tt_read_' .. user, sender) or '0')
            local unread = 0
            for k = i + 2, i + 1 + ids do
              if tonumber(ARGV[k]) > read then unread = unread + 1 end
            end
            if unread > 0 then redis.call('HINCRBY', 'unread_' .. user, sender, unread) end
          end
          i = i + 2 + ids
        end
      end
      return 'OK'
      """);
  /** KEYS: the conversation's counter. ARGV: userId, peerId. Everything up to the counter is read. */
  private static final LuaScript CLEAR = new LuaScript(RedisEpoch.PRELUDE + """
      if not current_epoch() or not is_checked(KEYS[1]) then return {'UNCHECKED'} end
      local last = tonumber(redis.call('GET', KEYS[1]))
      redis.call('HDEL', 'unread_' .. ARGV[1], ARGV[2])
      local read = tonumber(redis.call('HGET', 'tt_read_' .. ARGV[1], ARGV[2]) or '-1')
      if last > read then redis.call('HSET', 'tt_read_' .. ARGV[1], ARGV[2], last) end
      redis.call('INCR', 'tt_unread_seq_' .. ARGV[1])
      return {'OK', last}
      """);
  /** ARGV: userId, groupIds. Per group: its count and the user's read mark, -1 for either not checked. */
  private static final LuaScript GROUP_READ = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      local result = {}
      for i = 2, #ARGV do
        local countKey = ARGV[i] .. '_im_group_msg'
        local readKey = ARGV[1] .. '_' .. ARGV[i] .. '_im_user_group'
        local count = redis.call('HGET', countKey, 'count')
        local read = redis.call('HGET', readKey, 'count')
        if epoch and count and redis.call('SISMEMBER', 'tt_checked', countKey) == 1 then
          result[#result + 1] = tonumber(count) else result[#result + 1] = -1 end
        if epoch and read and redis.call('SISMEMBER', 'tt_checked', readKey) == 1 then
          result[#result + 1] = tonumber(read)
        elseif read then result[#result + 1] = -2 - tonumber(read)
        else result[#result + 1] = -1 end
      end
      return result
      """);
  /**
   * KEYS: a hash holding a count field. ARGV: epoch, value. Raises it to value, marks it checked and
   * returns it; -1 when the epoch changed meanwhile (then it is left unchecked).
   */
  private static final LuaScript RAISE_CHECKED = new LuaScript(RedisEpoch.PRELUDE + """
      local value = tonumber(redis.call('HGET', KEYS[1], 'count') or '-1')
      if tonumber(ARGV[2]) > value then
        value = tonumber(ARGV[2])
        redis.call('HSET', KEYS[1], 'count', value)
      end
      if current_epoch() == ARGV[1] then redis.call('SADD', 'tt_checked', KEYS[1]) end
      return value
      """);
  /** KEYS: the group's counter. ARGV: groupId, userIds. Each user has read up to the counter. */
  private static final LuaScript GROUP_MARK = new LuaScript(RedisEpoch.PRELUDE + """
      if not current_epoch() or not is_checked(KEYS[1]) then return {'UNCHECKED'} end
      local last = tonumber(redis.call('GET', KEYS[1]))
      for i = 2, #ARGV do
        local readKey = ARGV[i] .. '_' .. ARGV[1] .. '_im_user_group'
        local read = tonumber(redis.call('HGET', readKey, 'count') or '-1')
        if last > read then redis.call('HSET', readKey, 'count', last) end
        redis.call('SADD', 'tt_checked', readKey)
      end
      return {'OK', last}
      """);
  /**
   * ARGV: the batch's token, the number of groups, then group, newest id pairs, then sender, group,
   * last id triples.
   */
  private static final LuaScript GROUP_COUNT = new LuaScript("""
      redis.call('HDEL', 'tt_unread_pending', ARGV[1])
      local groups = tonumber(ARGV[2])
      local i = 3
      for g = 1, groups do
        local key = ARGV[i] .. '_im_group_msg'
        local count = tonumber(redis.call('HGET', key, 'count') or '-1')
        if tonumber(ARGV[i + 1]) > count then redis.call('HSET', key, 'count', ARGV[i + 1]) end
        i = i + 2
      end
      while i <= #ARGV do
        local key = ARGV[i] .. '_' .. ARGV[i + 1] .. '_im_user_group'
        local read = tonumber(redis.call('HGET', key, 'count') or '-1')
        if tonumber(ARGV[i + 2]) > read then redis.call('HSET', key, 'count', ARGV[i + 2]) end
        i = i + 3
      end
      return 'OK'
      """);
  /**
   * ARGV: the age in seconds. Batches confirmed that long ago and never counted (their process died,
   * or Redis did not answer after their commit): their receivers' counts are rebuilt from SQL.
   */
  private static final LuaScript SWEEP = new LuaScript("""
      local now = tonumber(redis.call('TIME')[1])
      local pending = redis.call('HGETALL', 'tt_unread_pending')
      local swept = 0
      for i = 1, #pending, 2 do
        local entry = pending[i + 1]
        local sep = string.find(entry, '|', 1, true)
        if now - tonumber(string.sub(entry, 1, sep - 1)) >= tonumber(ARGV[1]) then
          local kind = string.sub(entry, sep + 1, sep + 1)
          for item in string.gmatch(string.sub(entry, sep + 3), '[^,]+') do
            if kind == 'S' then redis.call('DEL', 'tt_unread_base_' .. item)
            else redis.call('SREM', 'tt_checked', item) end
          end
          redis.call('HDEL', 'tt_unread_pending', pending[i])
          swept = swept + 1
        end
      end
      return swept
      """);
  /** A batch confirmed this long ago and not counted yet is taken as lost. */
  static final int PENDING_SECONDS = 5;
  static final long SWEEP_INTERVAL_MS = 1000;

  private final Redis redis;
  private final RedisEpoch epoch;
  private final CounterCheck counterCheck;
  private final ReadPositions positions;
  private final Relations relations;
  private long sweepTimer = -1;

  RedisUnreadCounters(Redis redis, RedisEpoch epoch, CounterCheck counterCheck, ReadPositions positions,
                      Relations relations) {
    this.redis = redis;
    this.epoch = epoch;
    this.counterCheck = counterCheck;
    this.positions = positions;
    this.relations = relations;
  }

  // ---- 1:1

  @Override
  public Future<Map<Integer, Integer>> unreadByPeer(int userId) {
    return READ.run(redis, List.of(), List.of(userId)).compose(answer -> {
      if (!"OK".equals(answer.get(0).toString())) {
        return rebuild(userId, 1);
      }
      Map<Integer, Integer> counts = new HashMap<>();
      for (int i = 1; i + 1 < answer.size(); i += 2) {
        putInt(counts, answer.get(i), answer.get(i + 1), userId);
      }
      return Future.succeededFuture(counts);
    });
  }

  private Future<Map<Integer, Integer>> rebuild(int userId, int attempt) {
    return epoch.current().compose(current -> BEGIN_REBUILD.run(redis, List.of(), List.of(userId)).compose(begun -> {
      String sequence = begun.get(0).toString();
      int positionEntries = begun.get(1).toInteger();
      Map<Integer, Integer> redisPositions = new HashMap<>();
      Map<Integer, Integer> redisCounts = new HashMap<>();
      for (int i = 2; i + 1 < 2 + positionEntries; i += 2) {
        putInt(redisPositions, begun.get(i), begun.get(i + 1), userId);
      }
      for (int i = 2 + positionEntries; i + 1 < begun.size(); i += 2) {
        putInt(redisCounts, begun.get(i), begun.get(i + 1), userId);
      }
      return positions.positions(userId, 1).compose(sqlPositions -> {
        Map<Integer, Integer> read = new HashMap<>(sqlPositions);
        redisPositions.forEach((peer, position) -> read.merge(peer, position, Math::max));
        // counts TeamTalk left in Redis for conversations older than our positions
        Map<Integer, Integer> legacy = new HashMap<>(redisCounts);
        legacy.keySet().removeAll(read.keySet());
        return legacyPositions(userId, legacy).compose(fromLegacy -> {
          read.putAll(fromLegacy);
          return countUnread(userId, read);
        });
      }).compose(counts -> {
        List<Object> args = new ArrayList<>(List.of(userId, sequence, current));
        Map<Integer, Integer> unread = new HashMap<>();
        counts.forEach((peer, countAndPosition) -> {
          args.add(peer);
          args.add(countAndPosition[0]);
          args.add(countAndPosition[1]);
          if (countAndPosition[0] > 0) {
            unread.put(peer, countAndPosition[0]);
          }
        });
        return FINISH_REBUILD.run(redis, List.of(), args).compose(finished -> {
          if ("OK".equals(finished.toString())) {
            log.debug("unread counts of user {} rebuilt from SQL: {}", userId, unread);
            return Future.succeededFuture(unread);
          }
          if (attempt >= REBUILD_ATTEMPTS) {
            // messages keep arriving: answer what SQL says now, and rebuild again at the next read
            return Future.succeededFuture(unread);
          }
          return rebuild(userId, attempt + 1);
        });
      });
    }));
  }

  /** Positions for counts TeamTalk kept before our positions existed, saved to SQL. */
  private Future<Map<Integer, Integer>> legacyPositions(int userId, Map<Integer, Integer> legacyCounts) {
    List<Future<Void>> derived = new ArrayList<>();
    Map<Integer, Integer> result = new HashMap<>();
    legacyCounts.forEach((peer, count) -> derived.add(relations.relation(userId, peer, false).compose(relateId ->
        relateId == null ? Future.succeededFuture()
            : positions.positionBeforeLast(relateId, peer, count).compose(position -> {
              result.put(peer, position);
              return positions.advance(List.of(userId), 1, peer, position);
            }))));
    return Future.all(derived).map(result);
  }

  /** Per peer: {unread count, read position}, counted in SQL with locking reads. */
  private Future<Map<Integer, int[]>> countUnread(int userId, Map<Integer, Integer> read) {
    Map<Integer, int[]> counts = new HashMap<>();
    List<Future<Void>> queries = new ArrayList<>();
    read.forEach((peer, position) -> queries.add(relations.relation(userId, peer, false).compose(relateId ->
        relateId == null ? Future.succeededFuture(0) : positions.unreadFrom(relateId, peer, position))
        .map(count -> {
          counts.put(peer, new int[] {count, position});
          return null;
        })));
    return Future.all(queries).map(counts);
  }

  @Override
  public Future<Void> clearUnread(int userId, int peerId, int relateId) {
    return onCheckedCounter(MessageKind.SINGLE, relateId, CLEAR, List.of(userId, peerId))
        .compose(last -> positions.advance(List.of(userId), 1, peerId, last));
  }

  /**
   * Runs {@code script} (KEYS: the counter; it answers 'UNCHECKED', or 'OK' and the counter's value)
   * once the conversation's or group's counter is checked against SQL; the counter's value.
   */
  private Future<Integer> onCheckedCounter(MessageKind kind, int id, LuaScript script, List<Object> args) {
    return onCheckedCounter(kind, id, script, args, 1);
  }

  private Future<Integer> onCheckedCounter(MessageKind kind, int id, LuaScript script, List<Object> args,
                                           int attempt) {
    String counter = RedisKeys.counter(kind, id);
    return script.run(redis, List.of(counter), args).compose(answer -> {
      if ("OK".equals(answer.get(0).toString())) {
        return Future.succeededFuture(answer.get(1).toInteger());
      }
      if (attempt >= CounterCheck.ATTEMPTS) {
        return Future.failedFuture(new IllegalStateException("counter " + counter + " stays unchecked"));
      }
      return epoch.current().compose(e -> counterCheck.check(kind, List.of(id)))
          .compose(v -> onCheckedCounter(kind, id, script, args, attempt + 1));
    });
  }

  /**
   * What a batch's counting touches, recorded when it is confirmed and dropped when it is counted:
   * "S|" and its receivers (whose counts a lost batch leaves short), or "G|" and its groups' counts and
   * senders' read marks (which it leaves unchecked).
   */
  static String pendingEntry(MessageKind kind, List<MessageRecord> records) {
    Set<String> items = new LinkedHashSet<>();
    if (kind == MessageKind.SINGLE) {
      records.forEach(m -> items.add(Integer.toString(m.toUserId())));
      return "S|" + String.join(",", items);
    }
    records.forEach(m -> {
      items.add(RedisKeys.groupCount(m.toUserId()));
      items.add(RedisKeys.groupRead(m.fromUserId(), m.toUserId()));
    });
    return "G|" + String.join(",", items);
  }

  /** Starts sweeping, every second, the batches that were confirmed and never counted. */
  void startSweeping(Vertx vertx) {
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> SWEEP.run(redis, List.of(), List.of(PENDING_SECONDS))
        .onSuccess(swept -> {
          if (swept.toInteger() > 0) {
            log.info("{} batches were stored but never counted (a process died, or Redis did not answer): their"
                + " unread counts are rebuilt from SQL", swept.toInteger());
          }
        }));
  }

  void stopSweeping(Vertx vertx) {
    vertx.cancelTimer(sweepTimer);
  }

  /**
   * After a batch's commit: counts its messages for the receivers whose base is older than their
   * sequence. When this fails, the batch's pending entry stays, and the sweep rebuilds the counts.
   */
  Future<Void> countSingle(String token, List<MessageRecord> records, Map<Integer, Long> sequences) {
    Map<Integer, Map<Integer, List<Integer>>> idsByReceiverAndSender = new HashMap<>();
    for (MessageRecord m : records) {
      idsByReceiverAndSender.computeIfAbsent(m.toUserId(), r -> new HashMap<>())
          .computeIfAbsent(m.fromUserId(), s -> new ArrayList<>()).add(m.msgId());
    }
    List<Object> args = new ArrayList<>();
    args.add(token);
    idsByReceiverAndSender.forEach((receiver, bySender) -> {
      args.add(receiver);
      args.add(sequences.getOrDefault(receiver, 0L));
      args.add(bySender.size());
      bySender.forEach((sender, ids) -> {
        args.add(sender);
        args.add(ids.size());
        args.addAll(ids);
      });
    });
    return COUNT.run(redis, List.of(), args).<Void>mapEmpty().recover(failure -> {
      log.warn("counting {} messages unread failed ({}): the receivers' counts will be rebuilt from SQL",
          records.size(), failure.getMessage());
      return Future.succeededFuture();
    });
  }

  // ---- groups

  @Override
  public Future<Map<Integer, Integer>> unreadByGroup(int userId, List<Integer> groupIds) {
    if (groupIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Object> args = new ArrayList<>();
    args.add(userId);
    args.addAll(groupIds);
    return GROUP_READ.run(redis, List.of(), args).compose(answer -> {
      List<Future<int[]>> perGroup = new ArrayList<>();
      for (int i = 0; i < groupIds.size(); i++) {
        int groupId = groupIds.get(i);
        long count = answer.get(2 * i).toLong();
        long read = answer.get(2 * i + 1).toLong();
        perGroup.add(count >= 0 && read >= 0 ? Future.succeededFuture(new int[] {(int) count, (int) read})
            : repairGroup(userId, groupId, (int) count, (int) read));
      }
      return Future.all(perGroup).map(all -> {
        Map<Integer, Integer> unread = new HashMap<>();
        for (int i = 0; i < groupIds.size(); i++) {
          int[] countAndRead = perGroup.get(i).result();
          unread.put(groupIds.get(i), Math.max(0, countAndRead[0] - countAndRead[1]));
        }
        return unread;
      });
    });
  }

  /**
   * A group count or read mark not checked in this epoch, raised to SQL's: the group's largest id,
   * the member's read position. A member with no position kept by us is taken at the read mark TeamTalk
   * left in Redis ({@code read} below -1 carries it), else as having read everything.
   */
  private Future<int[]> repairGroup(int userId, int groupId, int count, int read) {
    Future<Integer> checkedCount = count >= 0 ? Future.succeededFuture(count)
        : positions.largestStoredId(MessageKind.GROUP, groupId, false)
            .compose(stored -> raiseChecked(RedisKeys.groupCount(groupId), stored));
    return checkedCount.compose(total -> {
      if (read >= 0) {
        return Future.succeededFuture(new int[] {total, read});
      }
      return positions.positionsIn(2, groupId, List.of(userId)).compose(found -> {
        Integer position = found.get(userId);
        if (position == null) {
          position = read < -1 ? -2 - read : total;
        }
        int known = position;
        return raiseChecked(RedisKeys.groupRead(userId, groupId), known).compose(mark ->
            (found.containsKey(userId) ? Future.<Void>succeededFuture()
                : positions.advance(List.of(userId), 2, groupId, mark)).map(v -> new int[] {total, mark}));
      });
    });
  }

  private Future<Integer> raiseChecked(String key, int value) {
    return epoch.current().compose(current -> RAISE_CHECKED.run(redis, List.of(key), List.of(current, value)))
        .map(Response::toInteger);
  }

  @Override
  public Future<Void> markGroupRead(int groupId, Collection<Integer> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Object> args = new ArrayList<>();
    args.add(groupId);
    args.addAll(userIds);
    return onCheckedCounter(MessageKind.GROUP, groupId, GROUP_MARK, args)
        .compose(last -> positions.advance(userIds, 2, groupId, last));
  }

  /**
   * After a group batch's commit: each group's count and each sender's read mark raised to the batch's
   * ids. When this fails, the batch's pending entry stays, and the sweep has them checked again.
   */
  Future<Void> countGroup(String token, List<MessageRecord> records) {
    Map<Integer, Integer> newest = MessageRows.newestByGroup(records);
    Map<Integer, Map<Integer, Integer>> lastSent = MessageRows.lastSentBySender(records);
    List<Object> args = new ArrayList<>();
    args.add(token);
    args.add(newest.size());
    newest.forEach((groupId, id) -> {
      args.add(groupId);
      args.add(id);
    });
    lastSent.forEach((groupId, bySender) -> bySender.forEach((sender, last) -> {
      args.add(sender);
      args.add(groupId);
      args.add(last);
    }));
    return GROUP_COUNT.run(redis, List.of(), args).<Void>mapEmpty().recover(failure -> {
      log.warn("counting {} group messages failed ({}): the counts will be checked against SQL again",
          records.size(), failure.getMessage());
      return Future.succeededFuture();
    });
  }

  private static void putInt(Map<Integer, Integer> map, Response field, Response value, int userId) {
    try {
      map.put(Integer.parseInt(field.toString()), Integer.parseInt(value.toString()));
    } catch (NumberFormatException e) {
      log.warn("ignoring a malformed unread entry of user {}: {}={}", userId, field, value);
    }
  }
}
