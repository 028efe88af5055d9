package io.ttvertx.webhook;

import io.ttvertx.db.MessageCipher;
import io.ttvertx.proto.IMBaseDefine.MsgType;
import io.ttvertx.proto.IMMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The JSON body posted for one stored message, and its signature. Text is decrypted with db.aesKey as
 * clients encrypt it; a text holding the clients' picture markers also gets the picture's URL; voice
 * has no text.
 */
final class WebhookPayload {
  static final String EVENT_MESSAGE = "message";
  /** TeamTalk clients wrap a picture's URL in these markers inside a text message. */
  static final String PICTURE_START = "&$#@~^@[{:";
  static final String PICTURE_END = ":}]&$~@#@";

  private final MessageCipher cipher;
  private final Mac hmac;

  WebhookPayload(MessageCipher cipher, String secret) {
    this.cipher = cipher;
    try {
      hmac = Mac.getInstance("HmacSHA256");
      hmac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no HmacSHA256 in this JVM", e);
    }
  }

  /**
   * {event, msgId, fromUserId, toUserId or groupId, type, createTime, text, pictureUrl}. Text that
   * cannot be decrypted (another key) is null.
   */
  JsonObject message(IMMessage.IMMsgData msg, boolean group) {
    MsgType type = msg.getMsgType();
    JsonObject body = new JsonObject().put("event", EVENT_MESSAGE).put("msgId", msg.getMsgId())
        .put("fromUserId", msg.getFromUserId())
        .put(group ? "groupId" : "toUserId", msg.getToSessionId())
        .put("type", type == null ? "unknown" : type.name().replace("MSG_TYPE_", "").toLowerCase(Locale.ROOT))
        .put("createTime", msg.getCreateTime());
    String text = type == MsgType.MSG_TYPE_SINGLE_TEXT || type == MsgType.MSG_TYPE_GROUP_TEXT
        ? decrypt(msg.getMsgData().toByteArray()) : null;
    body.put("text", text);
    String picture = pictureUrl(text);
    if (picture != null) {
      body.put("pictureUrl", picture);
    }
    return body;
  }

  private String decrypt(byte[] data) {
    try {
      return new String(cipher.decrypt(data), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncrypted) {
      return null;
    }
  }

  /** The URL between the picture markers, or null when the text holds none. */
  static String pictureUrl(String text) {
    if (text == null) {
      return null;
    }
    int start = text.indexOf(PICTURE_START);
    int end = start < 0 ? -1 : text.indexOf(PICTURE_END, start + PICTURE_START.length());
    return end < 0 ? null : text.substring(start + PICTURE_START.length(), end);
  }

  /** "sha256=" and the hex HMAC-SHA256 of {@code body} with the secret. */
  String signature(Buffer body) {
    return "sha256=" + HexFormat.of().formatHex(hmac.doFinal(body.getBytes()));
  }
}
