package io.ttvertx.store.sql;

import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Push tokens in our table tt_device_token (one per user, as TeamTalk keeps them), on both databases. */
public final class SqlDeviceTokens implements DeviceStore {
  /**
   * tt_device_token.token is varchar(255), TeamTalk's limit. FCM registration tokens are about 160
   * characters today; Google documents no maximum, so a longer one would be refused here.
   */
  static final int MAX_TOKEN_LENGTH = 255;
  /** An APNs device token is 32 bytes (64 hex digits) today; Apple may lengthen it, so up to 100 bytes. */
  static final int MIN_APNS_TOKEN_HEX = 64;
  static final int MAX_APNS_TOKEN_HEX = 200;
  private static final Pattern APNS_TOKEN = Pattern.compile("([0-9A-Fa-f]{2})+");
  /**
   * FCM tokens are base64url with ':' (and '-', '_'). A token of digits only is refused: TeamTalk's
   * Redis keeps user ids and tokens in one key space ({@code device_<userId>}, {@code device_<token>}),
   * where it would overwrite a user's entry.
   */
  private static final Pattern FCM_TOKEN = Pattern.compile("[A-Za-z0-9_:\\-]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");

  private final SqlDatabase db;

  public SqlDeviceTokens(SqlDatabase db) {
    this.db = db;
  }

  /** Why a token is refused, or null when it may be stored. */
  public static String refusal(int clientType, String token) {
    if (clientType != CLIENT_TYPE_IOS && clientType != CLIENT_TYPE_ANDROID) {
      return "device tokens are for mobile clients (0x11, 0x12), not 0x" + Integer.toHexString(clientType);
    }
    if (token == null || token.isEmpty()) {
      return "empty device token";
    }
    if (clientType == CLIENT_TYPE_IOS) {
      if (token.length() < MIN_APNS_TOKEN_HEX || token.length() > MAX_APNS_TOKEN_HEX
          || !APNS_TOKEN.matcher(token).matches() || DIGITS.matcher(token).matches()) {
        return "malformed APNs device token (" + MIN_APNS_TOKEN_HEX + " to " + MAX_APNS_TOKEN_HEX + " hex digits)";
      }
    } else if (token.length() > MAX_TOKEN_LENGTH || !FCM_TOKEN.matcher(token).matches()
        || DIGITS.matcher(token).matches()) {
      return "malformed FCM device token (at most " + MAX_TOKEN_LENGTH + " of A-Z a-z 0-9 _ : -)";
    }
    return null;
  }

  @Override
  public Future<Void> setDeviceToken(int userId, int clientType, String token) {
    String refusal = refusal(clientType, token);
    if (refusal != null) {
      return Future.failedFuture(new StoreException(refusal));
    }
    return db.pool().preparedQuery("INSERT INTO tt_device_token (userId, clientType, token) VALUES (?, ?, ?)"
        + " ON DUPLICATE KEY UPDATE clientType = ?, token = ?").execute(Tuple.of(userId, clientType, token, clientType,
        token)).mapEmpty();
  }

  @Override
  public Future<DeviceToken> deviceToken(int userId) {
    return db.pool().preparedQuery("SELECT clientType, token FROM tt_device_token WHERE userId = ?")
        .execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : new DeviceToken(rows.iterator().next().getInteger(0),
            rows.iterator().next().getString(1)));
  }

  @Override
  public Future<Map<Integer, DeviceToken>> deviceTokens(Collection<Integer> userIds) {
    return Sql.selectIn(db.pool(), "SELECT userId, clientType, token FROM tt_device_token WHERE userId IN (", List.of(),
        new HashSet<>(userIds)).map(rows -> {
          Map<Integer, DeviceToken> tokens = new HashMap<>();
          rows.forEach(row -> tokens.put(row.getInteger(0), new DeviceToken(row.getInteger(1), row.getString(2))));
          return tokens;
        });
  }

  @Override
  public Future<Boolean> removeDeviceToken(int userId, String token) {
    return db.pool().preparedQuery("DELETE FROM tt_device_token WHERE userId = ? AND token = ?")
        .execute(Tuple.of(userId, token)).map(rows -> rows.rowCount() > 0);
  }
}
