package io.ttvertx.db;

import io.ttvertx.proto.TTInternal;
import io.ttvertx.proto.TTInternal.AdminCmdID;
import io.ttvertx.proto.TTInternal.AdminResultCode;
import io.ttvertx.store.AdminRefusal;
import io.ttvertx.store.AdminStore;
import io.ttvertx.store.DepartmentRecord;
import io.ttvertx.store.DirectoryStore;
import io.ttvertx.store.UserProfile;
import io.ttvertx.store.UserRecord;
import io.vertx.core.Future;

import java.util.List;
import java.util.function.Function;

/**
 * The admin API's commands (http_msg asks them): users created, read, changed, disabled and enabled,
 * given a new password and listed; departments created, changed, deleted and listed. A refusal of the
 * store (no such row, a name taken, a department not empty) is an answer with its code and reason,
 * not a failure.
 */
final class AdminAnswers implements DbCommand.Answers {
  private final AdminStore admin;
  private final DirectoryStore directory;
  private final String storeType;

  AdminAnswers(AdminStore admin, DirectoryStore directory, String storeType) {
    this.admin = admin;
    this.directory = directory;
    this.storeType = storeType;
  }

  @Override
  public void register(DbCommand.Table commands) {
    commands.forSystem(AdminCmdID.CID_ADMIN_PING_VALUE,
        body -> Future.succeededFuture(TTInternal.AdminPong.newBuilder().setStore(storeType).build()));
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_CREATE_VALUE,
        body -> createUser(TTInternal.AdminUserFields.parseFrom(body)));
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_GET_VALUE,
        body -> getUser(TTInternal.AdminUserChange.parseFrom(body)));
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_UPDATE_VALUE,
        body -> updateUser(TTInternal.AdminUserFields.parseFrom(body)));
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_STATUS_VALUE, body -> {
      TTInternal.AdminUserChange change = TTInternal.AdminUserChange.parseFrom(body);
      return userResult(admin.setUserStatus(change.getUserId(), change.getStatus()));
    });
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_PASSWORD_VALUE, body -> {
      TTInternal.AdminUserChange change = TTInternal.AdminUserChange.parseFrom(body);
      return userResult(admin.setPassword(change.getUserId(), change.getPassword()));
    });
    commands.forSystem(AdminCmdID.CID_ADMIN_USER_LIST_VALUE,
        body -> listUsers(TTInternal.AdminUserQuery.parseFrom(body)));
    commands.forSystem(AdminCmdID.CID_ADMIN_DEPART_CREATE_VALUE, body -> {
      TTInternal.AdminDepartFields fields = TTInternal.AdminDepartFields.parseFrom(body);
      return departResult(admin.addDepartment(fields.getName(), fields.getParentId(), fields.getPriority()));
    });
    commands.forSystem(AdminCmdID.CID_ADMIN_DEPART_UPDATE_VALUE, body -> {
      TTInternal.AdminDepartFields fields = TTInternal.AdminDepartFields.parseFrom(body);
      return departResult(admin.updateDepartment(fields.getDepartId(), fields.hasName() ? fields.getName() : null,
          fields.hasParentId() ? fields.getParentId() : null, fields.hasPriority() ? fields.getPriority() : null));
    });
    commands.forSystem(AdminCmdID.CID_ADMIN_DEPART_DELETE_VALUE, body ->
        departResult(admin.deleteDepartment(TTInternal.AdminDepartFields.parseFrom(body).getDepartId())));
    commands.forSystem(AdminCmdID.CID_ADMIN_DEPART_LIST_VALUE, body -> admin.listDepartments().map(departs -> {
      TTInternal.AdminDepartList.Builder list = TTInternal.AdminDepartList.newBuilder();
      departs.forEach(depart -> list.addDeparts(depart(depart)));
      return list.build();
    }));
  }

  private Future<TTInternal.AdminUserResult> createUser(TTInternal.AdminUserFields fields) {
    return userResult(admin.createUser(fields.getName(), fields.getPassword(), profile(fields)));
  }

  private Future<TTInternal.AdminUserResult> getUser(TTInternal.AdminUserChange request) {
    return directory.usersByIds(List.of(request.getUserId())).map(users -> users.isEmpty()
        ? TTInternal.AdminUserResult.newBuilder().setResult(AdminResultCode.ADMIN_NOT_FOUND)
            .setReason("no user " + request.getUserId()).build()
        : TTInternal.AdminUserResult.newBuilder().setResult(AdminResultCode.ADMIN_OK).setUser(user(users.get(0))).build());
  }

  private Future<TTInternal.AdminUserResult> updateUser(TTInternal.AdminUserFields fields) {
    return userResult(admin.updateUser(fields.getUserId(), profile(fields)));
  }

  private Future<TTInternal.AdminUserPage> listUsers(TTInternal.AdminUserQuery query) {
    return admin.findUsers(query.getSearch(), query.getOffset(), query.getLimit()).map(page -> {
      TTInternal.AdminUserPage.Builder answer = TTInternal.AdminUserPage.newBuilder().setTotal(page.total());
      page.users().forEach(user -> answer.addUsers(user(user)));
      return answer.build();
    });
  }

  private static UserProfile profile(TTInternal.AdminUserFields fields) {
    return new UserProfile(fields.hasNick() ? fields.getNick() : null, fields.hasSex() ? fields.getSex() : null,
        fields.hasPhone() ? fields.getPhone() : null, fields.hasEmail() ? fields.getEmail() : null,
        fields.hasAvatar() ? fields.getAvatar() : null, fields.hasDepartId() ? fields.getDepartId() : null,
        fields.hasSignInfo() ? fields.getSignInfo() : null);
  }

  private static Future<TTInternal.AdminUserResult> userResult(Future<UserRecord> change) {
    return answer(change, user -> TTInternal.AdminUserResult.newBuilder().setResult(AdminResultCode.ADMIN_OK)
            .setUser(user(user)).build(),
        (code, reason) -> TTInternal.AdminUserResult.newBuilder().setResult(code).setReason(reason).build());
  }

  private static Future<TTInternal.AdminDepartResult> departResult(Future<DepartmentRecord> change) {
    return answer(change, depart -> TTInternal.AdminDepartResult.newBuilder().setResult(AdminResultCode.ADMIN_OK)
            .setDepart(depart(depart)).build(),
        (code, reason) -> TTInternal.AdminDepartResult.newBuilder().setResult(code).setReason(reason).build());
  }

  private interface Refused<A> {
    A answer(AdminResultCode code, String reason);
  }

  /** A store refusal becomes an answer with its code; any other failure stays a failure. */
  private static <R, A> Future<A> answer(Future<R> change, Function<R, A> done, Refused<A> refused) {
    return change.map(done).recover(failure -> failure instanceof AdminRefusal refusal
        ? Future.succeededFuture(refused.answer(code(refusal.kind()), refusal.getMessage()))
        : Future.failedFuture(failure));
  }

  static AdminResultCode code(AdminRefusal.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> AdminResultCode.ADMIN_NOT_FOUND;
      case CONFLICT -> AdminResultCode.ADMIN_CONFLICT;
      case INVALID -> AdminResultCode.ADMIN_INVALID;
    };
  }

  private static TTInternal.AdminUser user(UserRecord user) {
    return TTInternal.AdminUser.newBuilder()
        .setId(user.id())
        .setName(user.name())
        .setNick(nonNull(user.nick()))
        .setSex(user.sex())
        .setPhone(nonNull(user.phone()))
        .setEmail(nonNull(user.email()))
        .setAvatar(nonNull(user.avatar()))
        .setDepartId(user.departId())
        .setStatus(user.status())
        .setSignInfo(nonNull(user.signInfo()))
        .setUpdated(user.updated())
        .build();
  }

  private static TTInternal.AdminDepart depart(DepartmentRecord depart) {
    return TTInternal.AdminDepart.newBuilder()
        .setId(depart.id())
        .setName(depart.name())
        .setPriority(depart.priority())
        .setParentId(depart.parentId())
        .setUpdated(depart.updated())
        .build();
  }

  private static String nonNull(String text) {
    return text == null ? "" : text;
  }
}
