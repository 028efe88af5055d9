package io.ttvertx.push;

import io.ttvertx.config.PushOptions;
import io.ttvertx.db.MessageCipher;
import io.ttvertx.protocol.PictureText;

import java.nio.charset.StandardCharsets;

/**
 * The text a push shows, by TeamTalk's rules (msg_server/PushServConn.cpp, the "flash"): the sender's
 * nick and the decrypted text for text messages, a fixed phrase for voice messages, and the privacy
 * text for pictures. Unlike TeamTalk: a group text names the group ("nick@group:text"), text that
 * cannot be decrypted gets the privacy text instead of no push, and the alert is cut on characters
 * (code points), not bytes in the middle of a UTF-8 character.
 */
final class AlertText {
  /** TeamTalk clients wrap a picture's URL in these markers inside a text message. */
  static final String PICTURE_START = PictureText.START;
  static final String PICTURE_END = PictureText.END;
  static final String CUT_MARK = "...";

  // IM.BaseDefine MsgType
  static final int SINGLE_TEXT = 0x01;
  static final int SINGLE_AUDIO = 0x02;
  static final int GROUP_TEXT = 0x11;
  static final int GROUP_AUDIO = 0x12;

  private final MessageCipher cipher;
  private final int maxLength;
  private final boolean privacy;
  private final String privacyText;

  AlertText(MessageCipher cipher, PushOptions options) {
    this.cipher = cipher;
    this.maxLength = options.alertLength();
    this.privacy = options.privacy();
    this.privacyText = options.privacyText();
  }

  /** The alert for a message of {@code msgType} from {@code nick}; {@code groupName} is null for 1:1. */
  String alert(int msgType, byte[] msgData, String nick, String groupName) {
    if (privacy) {
      return privacyText;
    }
    return cut(switch (msgType) {
      case SINGLE_AUDIO -> nick + "给您发送了一条语音消息";
      case GROUP_AUDIO -> nick + "在群聊中发送了一条语音消息";
      case SINGLE_TEXT, GROUP_TEXT -> textAlert(msgData, nick, groupName);
      default -> privacyText;
    });
  }

  private String textAlert(byte[] msgData, String nick, String groupName) {
    String text;
    try {
      text = new String(cipher.decrypt(msgData), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notEncrypted) {
      return privacyText;
    }
    if (text.contains(PICTURE_START) && text.contains(PICTURE_END)) {
      return privacyText;
    }
    String sender = groupName == null || groupName.isEmpty() ? nick : nick + "@" + groupName;
    return sender + ":" + text;
  }

  /** At most {@code maxLength} code points, then "..." when there was more. */
  private String cut(String alert) {
    if (alert.codePointCount(0, alert.length()) <= maxLength) {
      return alert;
    }
    return alert.substring(0, alert.offsetByCodePoints(0, maxLength)) + CUT_MARK;
  }
}
