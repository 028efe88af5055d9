package io.ttvertx.store.redis;

import io.ttvertx.store.sql.GroupMembers;
import io.vertx.core.Future;
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

/**
 * Group members in TeamTalk's hashes {@code group_member_<groupId>} (user id -> join time), as
 * GroupModel::getGroupUser reads them, kept from IMGroupMember: a hash not checked against SQL in the
 * current epoch (Redis lost it, failed over, or never had it) is written again from IMGroupMember before
 * it is answered. Every change bumps the group's generation, and a rewrite from rows read before a
 * change is dropped, so a removed member never comes back from a late rewrite. While Redis is down,
 * members are read from IMGroupMember.
 */
final class RedisGroupMembers implements GroupMembers {
  private static final Logger log = LoggerFactory.getLogger(RedisGroupMembers.class);
  /** ARGV: groupIds. Per group: 1 when checked, its generation, its number of fields, the fields and values. */
  private static final LuaScript READ = new LuaScript(RedisEpoch.PRELUDE + """
      local epoch = current_epoch()
      local result = {}
      for i = 1, #ARGV do
        local key = 'group_member_' .. ARGV[i]
        local members = redis.call('HGETALL', key)
        result[#result + 1] = (epoch and is_checked(key)) and 1 or 0
        result[#result + 1] = redis.call('GET', 'tt_group_member_gen_' .. ARGV[i]) or '0'
        result[#result + 1] = #members
        for k = 1, #members do result[#result + 1] = members[k] end
      end
      return result
      """);
  /** ARGV: groupId, userId. The join time when the hash is checked; 'UNCHECKED' otherwise. */
  private static final LuaScript JOIN_TIME = new LuaScript(RedisEpoch.PRELUDE + """
      local key = 'group_member_' .. ARGV[1]
      if not current_epoch() or not is_checked(key) then return {'UNCHECKED'} end
      local joined = redis.call('HGET', key, ARGV[2])
      if joined then return {'OK', joined} end
      return {'OK'}
      """);
  /**
   * ARGV: groupId, generation ('' for any), then user, join time pairs. Replaces the hash and marks it
   * checked, unless the generation moved since the members were read.
   */
  private static final LuaScript REPLACE = new LuaScript(RedisEpoch.PRELUDE + """
      local key = 'group_member_' .. ARGV[1]
      local generation = 'tt_group_member_gen_' .. ARGV[1]
      if ARGV[2] ~= '' and (redis.call('GET', generation) or '0') ~= ARGV[2] then return 'STALE' end
      redis.call('DEL', key)
      for i = 3, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
      if ARGV[2] == '' then redis.call('INCR', generation) end
      if current_epoch() then redis.call('SADD', 'tt_checked', key) end
      return 'OK'
      """);
  /** ARGV: groupId, number of added, added user and join time pairs, removed users. */
  private static final LuaScript CHANGE = new LuaScript("""
      local key = 'group_member_' .. ARGV[1]
      local added = tonumber(ARGV[2])
      local i = 3
      for a = 1, added do
        redis.call('HSET', key, ARGV[i], ARGV[i + 1])
        i = i + 2
      end
      for r = i, #ARGV do redis.call('HDEL', key, ARGV[r]) end
      redis.call('INCR', 'tt_group_member_gen_' .. ARGV[1])
      return 'OK'
      """);

  private final Redis redis;
  private final GroupMembers sqlMembers;
  private final RedisRepairs repairs;

  RedisGroupMembers(Redis redis, GroupMembers sqlMembers, RedisRepairs repairs) {
    this.redis = redis;
    this.sqlMembers = sqlMembers;
    this.repairs = repairs;
  }

  @Override
  public Future<Map<Integer, Map<Integer, Integer>>> members(Collection<Integer> groupIds) {
    List<Integer> ids = new ArrayList<>(new LinkedHashSet<>(groupIds));
    if (ids.isEmpty()) {
      return Future.succeededFuture(new HashMap<>());
    }
    return READ.run(redis, List.of(), ids).compose(answer -> {
      Map<Integer, Map<Integer, Integer>> members = new HashMap<>();
      Map<Integer, String> lost = new HashMap<>();
      int i = 0;
      for (int groupId : ids) {
        boolean checked = answer.get(i).toInteger() == 1;
        String generation = answer.get(i + 1).toString();
        int fields = answer.get(i + 2).toInteger();
        Map<Integer, Integer> hash = new HashMap<>();
        for (int k = i + 3; k + 1 < i + 3 + fields; k += 2) {
          try {
            hash.put(Integer.parseInt(answer.get(k).toString()), Integer.parseInt(answer.get(k + 1).toString()));
          } catch (NumberFormatException e) {
            checked = false;
          }
        }
        i += 3 + fields;
        if (checked && !hash.isEmpty()) {
          members.put(groupId, hash);
        } else {
          lost.put(groupId, generation);
        }
      }
      return lost.isEmpty() ? Future.succeededFuture(members) : rebuild(lost).map(rebuilt -> {
        members.putAll(rebuilt);
        return members;
      });
    }, redisDown -> sqlMembers.members(ids));
  }

  /** Writes hashes again from IMGroupMember; the members read there are the answer either way. */
  private Future<Map<Integer, Map<Integer, Integer>>> rebuild(Map<Integer, String> generations) {
    return sqlMembers.members(generations.keySet()).compose(stored -> {
      List<Future<Response>> writes = new ArrayList<>();
      stored.forEach((groupId, members) -> {
        log.debug("group {}: {} members written again to Redis from IMGroupMember", groupId, members.size());
        writes.add(REPLACE.run(redis, List.of(), replaceArgs(groupId, generations.get(groupId), members)));
      });
      return Future.all(writes).map(stored);
    });
  }

  @Override
  public Future<Integer> joinTime(int groupId, int userId) {
    return JOIN_TIME.run(redis, List.of(), List.of(groupId, userId)).compose(answer -> {
      if ("OK".equals(answer.get(0).toString())) {
        return Future.succeededFuture(answer.size() > 1 ? answer.get(1).toInteger() : null);
      }
      return members(List.of(groupId)).map(members -> members.getOrDefault(groupId, Map.of()).get(userId));
    }, redisDown -> sqlMembers.joinTime(groupId, userId));
  }

  /** TeamTalk GroupModel::insertNewGroup: the members' hash, complete, so checked at once. */
  @Override
  public Future<Void> groupCreated(int groupId, Collection<Integer> members, int time) {
    Map<Integer, Integer> joinTimes = new HashMap<>();
    members.forEach(user -> joinTimes.put(user, time));
    return REPLACE.run(redis, List.of(), replaceArgs(groupId, "", joinTimes)).<Void>mapEmpty()
        .recover(failure -> invalidateLater(groupId, failure));
  }

  @Override
  public Future<Void> membersChanged(int groupId, Collection<Integer> added, Collection<Integer> removed, int time) {
    List<Object> args = new ArrayList<>();
    args.add(groupId);
    args.add(added.size());
    added.forEach(user -> {
      args.add(user);
      args.add(time);
    });
    args.addAll(removed);
    return CHANGE.run(redis, List.of(), args).<Void>mapEmpty().recover(failure -> invalidateLater(groupId, failure));
  }

  /** The change is committed in IMGroupMember: the hash is read from there again once Redis answers. */
  private Future<Void> invalidateLater(int groupId, Throwable failure) {
    log.warn("group {}: Redis missed a membership change ({}); its members are read from IMGroupMember again",
        groupId, failure.getMessage());
    repairs.incrementLater(RedisKeys.groupMembersVersion(groupId));
    repairs.uncheckLater(RedisKeys.groupMembers(groupId));
    return Future.succeededFuture();
  }

  private static List<Object> replaceArgs(int groupId, String generation, Map<Integer, Integer> members) {
    List<Object> args = new ArrayList<>();
    args.add(groupId);
    args.add(generation);
    members.forEach((user, joined) -> {
      args.add(user);
      args.add(joined);
    });
    return args;
  }
}
