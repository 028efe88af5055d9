package io.ttvertx.store.sql;

import io.ttvertx.config.StoreOptions;
import io.ttvertx.store.AdminRefusal;
import io.ttvertx.store.BackupStore;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.GroupChange;
import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.GroupVersion;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.NewUser;
import io.ttvertx.store.OfflineFile;
import io.ttvertx.store.SessionRecord;
import io.ttvertx.store.Store;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.StoredGroupMessage;
import io.ttvertx.store.UnreadRecord;
import io.ttvertx.store.UserPage;
import io.ttvertx.store.UserProfile;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The store on TeamTalk's SQL tables, composed of one part per job: {@link SqlDirectory} (users,
 * departments), {@link SqlAdministration}, {@link Relations} (conversation ids), {@link MessageReader}
 * (history), {@link MessageBatcher} with the backend's {@link MessageWriter} (storing messages),
 * {@link UnreadCounters}, {@link RecentSessions}, {@link GroupMembership} (groups and members under
 * {@link GroupRules}), {@link GroupShields}, the device tokens and
 * {@link SqlOfflineFiles}. This class only routes each call to
 * its parts and runs them on the Vert.x context the store was started on, which owns their state.
 */
public final class SqlStore implements Store, BackupStore {
  /** The parts every backend shares, for the backend to build on. */
  public record SharedParts(SqlDatabase db, SqlDirectory directory, Relations relations, RecentSessions sessions,
                            GroupMembers sqlMembers, SqlGroupShields sqlShields, SqlDeviceTokens sqlTokens) {
  }

  /** What differs between backends: where counters, caches and message writes go. */
  public record Backend(MessageWriter writer, UnreadCounters unread, GroupMembers members, GroupShields shields,
                        DeviceStore tokens, Supplier<Future<Void>> start, Supplier<Future<Void>> close) {
  }

  private final Vertx vertx;
  private final SqlDatabase db;
  private final SqlDirectory directory;
  private final SqlAdministration administration;
  private final Relations relations;
  private final MessageReader reader;
  private final RecentSessions sessions;
  private final GroupMembership groups;
  private final MessageBatcher batcher;
  private final UnreadCounters unread;
  private final GroupShields shields;
  private final DeviceStore tokens;
  private final SqlOfflineFiles offlineFiles;
  private final Backend backend;
  private Context context;

  public SqlStore(SqlDatabase db, StoreOptions options, Function<SharedParts, Backend> backendFactory) {
    this.vertx = db.vertx();
    this.db = db;
    this.directory = new SqlDirectory(db, options.userCacheSize());
    this.administration = new SqlAdministration(db);
    this.relations = new Relations(db, options.relationCacheSize());
    this.reader = new MessageReader(db);
    this.sessions = new RecentSessions(db, relations, reader, options.sessionCacheSize());
    this.backend = backendFactory.apply(new SharedParts(db, directory, relations, sessions, new SqlGroupMembers(db),
        new SqlGroupShields(db), new SqlDeviceTokens(db)));
    this.groups = new GroupMembership(db, directory, backend.members());
    this.batcher = new MessageBatcher(backend.writer(), groups);
    this.unread = backend.unread();
    this.shields = backend.shields();
    this.tokens = backend.tokens();
    this.offlineFiles = new SqlOfflineFiles(db);
  }

  /** The embedded store: H2 holds everything, counters included. */
  public static SqlStore embedded(Vertx vertx, StoreOptions options) {
    H2Database db = new H2Database(vertx, options);
    return new SqlStore(db, options, shared -> {
      H2MessageWriter writer = new H2MessageWriter(db, shared.sessions());
      return new Backend(writer, new SqlUnreadCounters(db), shared.sqlMembers(), shared.sqlShields(),
          shared.sqlTokens(), writer::start, writer::close);
    });
  }

  // ---- online backup

  @Override
  public Future<Long> backupTo(Path file) {
    if (db instanceof H2Database h2) {
      return onContext(() -> h2.backupTo(file));
    }
    return Future.failedFuture(new StoreException("online backup is for the embedded store; back up MySQL with"
        + " mysqldump --single-transaction (see the README, \"Backup and restore\")"));
  }

  // ---- lifecycle

  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    return onContext(() -> db.start().compose(v -> backend.start().get()));
  }

  @Override
  public Future<Void> close() {
    return onContext(() -> sessions.writesDone().transform(v -> backend.close().get())
        .transform(v -> backend.writer().close()).transform(v -> db.close()));
  }

  /** Runs {@code work} on the store's context (the parts' state is confined to it). */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (context == null || Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  // ---- directory

  @Override
  public Future<UserRecord> authenticate(String userName, String passwordMd5Hex) {
    return onContext(() -> directory.authenticate(userName, passwordMd5Hex));
  }

  @Override
  public Future<List<UserRecord>> usersByIds(Collection<Integer> userIds) {
    return onContext(() -> directory.usersByIds(userIds));
  }

  @Override
  public Future<List<UserRecord>> usersUpdatedSince(int updatedSince) {
    return onContext(() -> directory.usersUpdatedSince(updatedSince));
  }

  @Override
  public Future<List<DepartmentRecord>> departmentsUpdatedSince(int updatedSince) {
    return onContext(() -> directory.departmentsUpdatedSince(updatedSince));
  }

  @Override
  public Future<Boolean> updateAvatar(int userId, String avatarUrl) {
    return onContext(() -> directory.updateAvatar(userId, avatarUrl));
  }

  @Override
  public Future<Boolean> updateSignInfo(int userId, String signInfo) {
    return onContext(() -> directory.updateSignInfo(userId, signInfo));
  }

  @Override
  public Future<Boolean> setPushShield(int userId, int shieldStatus) {
    return onContext(() -> directory.setPushShield(userId, shieldStatus));
  }

  @Override
  public Future<Integer> pushShield(int userId) {
    return onContext(() -> directory.pushShield(userId));
  }

  // ---- 1:1 messages

  @Override
  public Future<MessageRecord> saveMessage(int fromUserId, int toUserId, int msgType, byte[] msgData, int createTime) {
    String refusal = ContentRules.refusal(msgType, msgData);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    return onContext(() -> directory.userExists(toUserId).compose(exists -> !exists
        ? Future.failedFuture(new StoreException("no user " + toUserId))
        : relations.relation(fromUserId, toUserId, true).compose(relateId -> batcher.saveSingle(
            new PendingMessage(relateId, fromUserId, toUserId, msgType, msgData, createTime)))));
  }

  @Override
  public Future<List<MessageRecord>> messages(int userId, int peerId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return onContext(() -> relations.relation(userId, peerId, false).compose(relateId -> relateId == null
        ? Future.succeededFuture(List.of())
        : reader.page(MessageKind.SINGLE, relateId, "", List.of(), beginMsgId, count)));
  }

  @Override
  public Future<List<MessageRecord>> messagesByIds(int userId, int peerId, Collection<Integer> msgIds) {
    if (msgIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return onContext(() -> relations.relation(userId, peerId, false).compose(relateId -> relateId == null
        ? Future.succeededFuture(List.of()) : reader.byIds(MessageKind.SINGLE, relateId, "", List.of(), msgIds)));
  }

  @Override
  public Future<Integer> latestMessageId(int userId, int peerId) {
    return onContext(() -> latestSingle(userId, peerId).map(latest -> latest == null ? 0 : latest.msgId()));
  }

  private Future<MessageRecord> latestSingle(int userId, int peerId) {
    return relations.relation(userId, peerId, false).compose(relateId -> relateId == null
        ? Future.succeededFuture(null) : reader.latest(MessageKind.SINGLE, relateId));
  }

  @Override
  public Future<List<UnreadRecord>> unreadCounts(int userId) {
    return onContext(() -> unread.unreadByPeer(userId).compose(byPeer -> {
      List<Future<UnreadRecord>> sessions = new ArrayList<>();
      byPeer.forEach((peer, count) -> {
        if (count > 0) {
          sessions.add(latestSingle(userId, peer).map(latest -> new UnreadRecord(peer, 1, count, latest)));
        }
      });
      return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
    }));
  }

  @Override
  public Future<Void> clearUnread(int userId, int peerId) {
    return onContext(() -> relations.relation(userId, peerId, false).compose(relateId -> relateId == null
        ? Future.succeededFuture() : unread.clearUnread(userId, peerId, relateId)));
  }

  // ---- recent sessions

  @Override
  public Future<List<SessionRecord>> recentSessions(int userId, int updatedSince) {
    return onContext(() -> sessions.recent(userId, updatedSince));
  }

  @Override
  public Future<Void> removeSession(int userId, int peerId, int sessionType) {
    // a removed session's unread count goes too (TeamTalk RecentSession.cpp)
    return onContext(() -> (sessionType == 2 ? clearGroupUnread(userId, peerId) : clearUnread(userId, peerId))
        .compose(v -> sessions.remove(userId, peerId, sessionType)));
  }

  // ---- groups

  @Override
  public Future<GroupRecord> createGroup(int creatorId, String name, String avatar, int groupType,
                                         Collection<Integer> memberIds) {
    return onContext(() -> groups.create(creatorId, name, avatar, groupType, memberIds)
        .compose(group -> unread.markGroupRead(group.id(), group.members()).map(group)));
  }

  @Override
  public Future<List<GroupVersion>> userGroups(int userId, int groupType) {
    return onContext(() -> groups.userGroups(userId, groupType));
  }

  @Override
  public Future<List<GroupRecord>> groupsByIds(Collection<Integer> groupIds) {
    return onContext(() -> groups.groupsByIds(groupIds));
  }

  @Override
  public Future<List<GroupRecord>> memberGroups(int userId, Collection<Integer> groupIds) {
    return groupsByIds(groupIds)
        .map(found -> found.stream().filter(group -> group.members().contains(userId)).toList());
  }

  @Override
  public Future<List<GroupRecord>> listGroups() {
    return onContext(groups::listGroups);
  }

  /**
   * After a committed change: the changed users' read marks (an added user has read what was sent
   * before; a removed one keeps no unread count), and removed users lose the group's recent session.
   */
  @Override
  public Future<GroupChange> changeGroupMembers(int userId, int groupId, boolean add, Collection<Integer> memberIds) {
    return onContext(() -> groups.change(userId, groupId, add, memberIds, Sql.now()).compose(change ->
        change.changed().isEmpty() ? Future.succeededFuture(change)
            : unread.markGroupRead(groupId, change.changed())
                .compose(v -> add ? Future.succeededFuture() : Future.all(change.changed().stream()
                    .map(user -> sessions.remove(user, groupId, 2)).toList()).mapEmpty())
                .map(change)));
  }

  @Override
  public Future<StoredGroupMessage> saveGroupMessage(int fromUserId, int groupId, int msgType, byte[] msgData,
                                                     int createTime) {
    String refusal = ContentRules.refusal(msgType, msgData);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    return onContext(() -> batcher.saveGroup(new PendingMessage(groupId, fromUserId, groupId, msgType, msgData,
        createTime)));
  }

  @Override
  public Future<GroupRecord> renameGroup(int groupId, String name, String avatar) {
    return onContext(() -> groups.rename(groupId, name, avatar, Sql.now()).recover(failure -> Future.failedFuture(
            failure instanceof StoreException && !(failure instanceof AdminRefusal)
                ? new AdminRefusal(AdminRefusal.Kind.INVALID, failure.getMessage()) : failure))
        .compose(group -> group == null
            ? Future.failedFuture(new AdminRefusal(AdminRefusal.Kind.NOT_FOUND, "no group " + groupId + " in use"))
            : Future.succeededFuture(group)));
  }

  /** As a removal of every member (read marks, recent sessions), then the group is marked dissolved. */
  @Override
  public Future<GroupChange> dissolveGroup(int groupId) {
    return onContext(() -> groups.dissolve(groupId, Sql.now()).compose(change -> {
      if (!change.done()) {
        return Future.failedFuture(new AdminRefusal(AdminRefusal.Kind.NOT_FOUND, "no group " + groupId + " in use"));
      }
      return change.changed().isEmpty() ? Future.succeededFuture(change)
          : unread.markGroupRead(groupId, change.changed())
              .compose(v -> Future.all(change.changed().stream().map(user -> sessions.remove(user, groupId, 2))
                  .toList()))
              .map(change);
    }));
  }

  @Override
  public Future<List<MessageRecord>> allGroupMessages(int groupId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return onContext(() -> reader.page(MessageKind.GROUP, groupId, "", List.of(), beginMsgId, count));
  }

  /** As TeamTalk's GroupMessageModel::getMessage: only what was sent since the member joined. */
  @Override
  public Future<List<MessageRecord>> groupMessages(int userId, int groupId, int beginMsgId, int count) {
    if (count <= 0) {
      return Future.succeededFuture(List.of());
    }
    return onContext(() -> groups.members().joinTime(groupId, userId).compose(joined -> joined == null
        ? Future.succeededFuture(List.of())
        : reader.page(MessageKind.GROUP, groupId, " AND created >= ?", List.of(joined), beginMsgId, count)));
  }

  @Override
  public Future<List<MessageRecord>> groupMessagesByIds(int userId, int groupId, Collection<Integer> msgIds) {
    if (msgIds.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return onContext(() -> groups.members().joinTime(groupId, userId).compose(joined -> joined == null
        ? Future.succeededFuture(List.of())
        : reader.byIds(MessageKind.GROUP, groupId, " AND created >= ?", List.of(joined), msgIds)));
  }

  @Override
  public Future<Integer> latestGroupMessageId(int userId, int groupId) {
    return onContext(() -> groups.members().joinTime(groupId, userId).compose(joined -> joined == null
        ? Future.succeededFuture(0)
        : reader.latest(MessageKind.GROUP, groupId).map(latest -> latest == null ? 0 : latest.msgId())));
  }

  @Override
  public Future<List<UnreadRecord>> groupUnreadCounts(int userId) {
    return onContext(() -> groups.userGroups(userId, 0)
        .compose(memberOf -> unread.unreadByGroup(userId, memberOf.stream().map(GroupVersion::groupId).toList()))
        .compose(byGroup -> {
          List<Future<UnreadRecord>> sessions = new ArrayList<>();
          byGroup.forEach((groupId, count) -> {
            if (count > 0) {
              sessions.add(reader.latest(MessageKind.GROUP, groupId)
                  .map(latest -> new UnreadRecord(groupId, 2, count, latest)));
            }
          });
          return Future.all(sessions).map(all -> sessions.stream().map(Future::result).toList());
        }));
  }

  @Override
  public Future<Void> clearGroupUnread(int userId, int groupId) {
    return onContext(() -> groups.members().joinTime(groupId, userId).compose(joined -> joined == null
        ? Future.succeededFuture() : unread.markGroupRead(groupId, List.of(userId))));
  }

  @Override
  public Future<Boolean> setGroupShield(int userId, int groupId, int shieldStatus) {
    return onContext(() -> groups.members().joinTime(groupId, userId).compose(joined -> joined == null
        ? Future.succeededFuture(false) : shields.setShield(groupId, userId, shieldStatus).map(true)));
  }

  @Override
  public Future<Map<Integer, Integer>> groupShields(int groupId, Collection<Integer> userIds) {
    return onContext(() -> shields.shields(groupId, userIds));
  }

  // ---- devices

  @Override
  public Future<Void> setDeviceToken(int userId, int clientType, String token) {
    return onContext(() -> tokens.setDeviceToken(userId, clientType, token));
  }

  @Override
  public Future<DeviceToken> deviceToken(int userId) {
    return onContext(() -> tokens.deviceToken(userId));
  }

  @Override
  public Future<Map<Integer, DeviceToken>> deviceTokens(Collection<Integer> userIds) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return onContext(() -> tokens.deviceTokens(userIds));
  }

  @Override
  public Future<Boolean> removeDeviceToken(int userId, String token) {
    return onContext(() -> tokens.removeDeviceToken(userId, token));
  }

  // ---- offline files

  @Override
  public Future<Void> addOfflineFile(OfflineFile file) {
    return onContext(() -> offlineFiles.addOfflineFile(file));
  }

  @Override
  public Future<List<OfflineFile>> offlineFilesFor(int toUserId) {
    return onContext(() -> offlineFiles.offlineFilesFor(toUserId));
  }

  @Override
  public Future<OfflineFile> removeOfflineFile(int userId, String taskId) {
    return onContext(() -> offlineFiles.removeOfflineFile(userId, taskId));
  }

  @Override
  public Future<Integer> removeOfflineFilesBefore(int createdBefore) {
    return onContext(() -> offlineFiles.removeOfflineFilesBefore(createdBefore));
  }

  // ---- administration

  @Override
  public Future<UserRecord> addUser(NewUser user) {
    return onContext(() -> administration.addUser(user));
  }

  @Override
  public Future<Integer> importUsers(List<NewUser> users) {
    return onContext(() -> administration.importUsers(users));
  }

  @Override
  public Future<List<UserRecord>> listUsers() {
    return onContext(administration::listUsers);
  }

  @Override
  public Future<DepartmentRecord> addDepartment(String name, int parentId, int priority) {
    return onContext(() -> administration.addDepartment(name, parentId, priority));
  }

  @Override
  public Future<UserRecord> createUser(String name, String plainPassword, UserProfile profile) {
    return onContext(() -> administration.createUser(name, plainPassword, profile));
  }

  @Override
  public Future<UserRecord> updateUser(int userId, UserProfile changes) {
    return onContext(() -> administration.updateUser(userId, changes));
  }

  @Override
  public Future<UserRecord> setUserStatus(int userId, int status) {
    return onContext(() -> administration.setUserStatus(userId, status));
  }

  @Override
  public Future<UserRecord> setPassword(int userId, String plainPassword) {
    return onContext(() -> administration.setPassword(userId, plainPassword));
  }

  @Override
  public Future<UserPage> findUsers(String search, int offset, int limit) {
    return onContext(() -> administration.findUsers(search, offset, limit));
  }

  @Override
  public Future<DepartmentRecord> updateDepartment(int departId, String name, Integer parentId, Integer priority) {
    return onContext(() -> administration.updateDepartment(departId, name, parentId, priority));
  }

  @Override
  public Future<DepartmentRecord> deleteDepartment(int departId) {
    return onContext(() -> administration.deleteDepartment(departId));
  }

  @Override
  public Future<List<DepartmentRecord>> listDepartments() {
    return onContext(administration::listDepartments);
  }
}
