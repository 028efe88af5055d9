package io.ttvertx.store.sql;

import io.ttvertx.store.DeviceStore;
import io.ttvertx.store.DeviceToken;
import io.ttvertx.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

import java.util.regex.Pattern;

/** Push tokens in our table tt_device_token (one per user, as TeamTalk keeps them), on both databases. */
public final class SqlDeviceTokens implements DeviceStore {
  /** tt_device_token.token is varchar(255). */
  static final int MAX_TOKEN_LENGTH = 255;
  /**
   * APNs tokens are hex, FCM tokens base64url with ':' and '-'; nothing else belongs in one. A token of
   * digits only is refused: TeamTalk's Redis keeps user ids and tokens in one key space
   * ({@code device_<userId>}, {@code device_<token>}), where it would overwrite a user's entry.
   */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_:\\-.]+");
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
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || !TOKEN.matcher(token).matches()
        || DIGITS.matcher(token).matches()) {
      return "malformed device token";
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
}
