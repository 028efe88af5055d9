package io.ttvertx.store.sql;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** What a message may carry: each refused alone, since a row the database rejects would fail its whole batch. */
final class ContentRules {
  /** IMMessage.content is varchar(4096). */
  static final int MAX_TEXT_CHARS = 4096;
  static final int MAX_AUDIO_BYTES = 1024 * 1024;

  private ContentRules() {
  }

  /** Why a message is refused, or null when it may be stored. */
  static String refusal(int msgType, byte[] msgData) {
    if (AudioContent.isAudio(msgType)) {
      if (msgData.length < 4 || msgData.length > MAX_AUDIO_BYTES) {
        return "audio message of " + msgData.length + " bytes (4 to " + MAX_AUDIO_BYTES + ")";
      }
      return null;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(msgData)).toString();
    } catch (CharacterCodingException e) {
      return "message text is not UTF-8";
    }
    if (text.length() > MAX_TEXT_CHARS) {
      return "message text of " + text.length() + " characters (at most " + MAX_TEXT_CHARS + ", as IMMessage.content)";
    }
    return null;
  }
}
