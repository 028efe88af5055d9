package io.ttvertx.db;

import io.ttvertx.bus.Addresses;
import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.GroupStore;
import io.ttvertx.store.MessageStore;
import io.ttvertx.store.UnreadRecord;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the push verticle needs from the store, on two JSON addresses of the db proxy that only our
 * own roles reach (clients never see the event bus): the push targets of one message in one request
 * ({@link Addresses#DB_PUSH_TARGETS}), and forgetting a token a push service reported gone
 * ({@link Addresses#DB_PUSH_TOKEN_GONE}). A target is a user with a device token who has not shielded
 * the group, with their night shield status and badge (unread 1:1 plus group messages, as TeamTalk's
 * push_count).
 */
final class PushAnswers {
  /** More user ids than the largest group could hold: a request beyond it is refused. */
  static final int MAX_USERS_PER_REQUEST = 100_000;

  private final DirectoryStore directory;
  private final DeviceStore devices;
  private final MessageStore messages;
  private final GroupStore groups;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  PushAnswers(DirectoryStore directory, DeviceStore devices, MessageStore messages, GroupStore groups) {
    this.directory = directory;
    this.devices = devices;
    this.messages = messages;
    this.groups = groups;
  }

  Future<Void> start(EventBus bus) {
    consumers.add(bus.consumer(Addresses.DB_PUSH_TARGETS, this::handleTargets));
    consumers.add(bus.consumer(Addresses.DB_PUSH_TOKEN_GONE, this::handleTokenGone));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  Future<Void> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /**
   * Request {messages: [{from, group (0 for 1:1), users}]}; reply {results: [{nick, groupName, targets:
   * [{user, clientType, token, nightShield, badge}]}]}, one result per message in order. The tokens of
   * every user asked are read at once (one MGET on Redis); most have none (PC users), and for those
   * nothing else is read.
   */
  private void handleTargets(Message<JsonObject> message) {
    if (DbCommand.refusedToUser(message)) {
      return;
    }
    JsonArray asked = message.body().getJsonArray("messages", new JsonArray());
    List<List<Integer>> usersOfEach = new ArrayList<>();
    Set<Integer> everyone = new LinkedHashSet<>();
    for (int i = 0; i < asked.size(); i++) {
      List<Integer> users = asked.getJsonObject(i).getJsonArray("users", new JsonArray()).stream()
          .map(id -> ((Number) id).intValue()).toList();
      usersOfEach.add(users);
      everyone.addAll(users);
    }
    if (everyone.size() > MAX_USERS_PER_REQUEST) {
      message.fail(400, "push targets asked for " + everyone.size() + " users");
      return;
    }
    devices.deviceTokens(everyone).compose(tokens -> {
      List<Future<JsonObject>> results = new ArrayList<>();
      for (int i = 0; i < asked.size(); i++) {
        JsonObject one = asked.getJsonObject(i);
        results.add(targetsOf(one.getInteger("from", 0), one.getInteger("group", 0), usersOfEach.get(i), tokens));
      }
      return Future.all(results).map(all -> new JsonArray(results.stream().map(Future::result).toList()));
    }).onComplete(ar -> {
      if (ar.failed()) {
        message.fail(500, String.valueOf(ar.cause().getMessage()));
      } else {
        message.reply(new JsonObject().put("results", ar.result()));
      }
    });
  }

  private Future<JsonObject> targetsOf(int from, int groupId, List<Integer> users, Map<Integer, DeviceToken> tokens) {
    List<Integer> withToken = users.stream().filter(tokens::containsKey).toList();
    if (withToken.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("nick", "").put("groupName", "").put("targets", new JsonArray()));
    }
    Future<String> nick = directory.usersByIds(List.of(from)).map(found -> found.isEmpty() ? "" : nick(found.get(0)));
    Future<String> groupName = groupId == 0 ? Future.succeededFuture("")
        : groups.groupsByIds(List.of(groupId)).map(found -> found.isEmpty() ? "" : found.get(0).name());
    Future<Map<Integer, Integer>> shields = groupId == 0 ? Future.succeededFuture(Map.of())
        : groups.groupShields(groupId, withToken);
    List<Future<JsonObject>> targets = new ArrayList<>();
    Future<Void> gathered = shields.compose(shieldByUser -> {
      for (int user : withToken) {
        if (shieldByUser.getOrDefault(user, 0) == 0) {
          targets.add(target(user, tokens.get(user)));
        }
      }
      return Future.all(targets).mapEmpty();
    });
    return Future.all(nick, groupName, gathered).map(all -> {
      JsonArray found = new JsonArray();
      targets.forEach(target -> found.add(target.result()));
      return new JsonObject().put("nick", nick.result()).put("groupName", groupName.result()).put("targets", found);
    });
  }

  private Future<JsonObject> target(int user, DeviceToken token) {
    Future<Integer> nightShield = directory.pushShield(user);
    Future<List<UnreadRecord>> single = messages.unreadCounts(user);
    Future<List<UnreadRecord>> group = groups.groupUnreadCounts(user);
    return Future.all(nightShield, single, group).map(all -> new JsonObject()
        .put("user", user)
        .put("clientType", token.clientType())
        .put("token", token.token())
        .put("nightShield", nightShield.result() == null ? 0 : nightShield.result())
        .put("badge", total(single.result()) + total(group.result())));
  }

  private static int total(List<UnreadRecord> unread) {
    return unread.stream().mapToInt(UnreadRecord::count).sum();
  }

  private static String nick(UserRecord user) {
    return user.nick() == null || user.nick().isEmpty() ? user.name() : user.nick();
  }

  /** Request {user, token}; reply {removed}: whether it was still that user's token. */
  private void handleTokenGone(Message<JsonObject> message) {
    if (DbCommand.refusedToUser(message)) {
      return;
    }
    Integer user = message.body().getInteger("user");
    String token = message.body().getString("token");
    if (user == null || token == null) {
      message.fail(400, "a gone token needs a user and a token");
      return;
    }
    devices.removeDeviceToken(user, token).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(new JsonObject().put("removed", ar.result()));
      } else {
        message.fail(500, String.valueOf(ar.cause().getMessage()));
      }
    });
  }
}
