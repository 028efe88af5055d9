package io.ttvertx.store.sql;

import java.util.Arrays;

/**
 * An audio message's msg_data: a 4-byte big-endian duration in seconds, then the audio bytes. As in
 * TeamTalk, the message row's content holds the IMAudio id; the bytes themselves are kept in
 * tt_audio_data (TeamTalk uploads them to msfs instead).
 */
record AudioContent(int duration, byte[] data) {
  static boolean isAudio(int msgType) {
    return msgType == 0x02 || msgType == 0x12;
  }

  static AudioContent split(byte[] msgData) {
    if (msgData.length < 4) {
      return new AudioContent(0, msgData);
    }
    int duration = ((msgData[0] & 0xff) << 24) | ((msgData[1] & 0xff) << 16) | ((msgData[2] & 0xff) << 8)
        | (msgData[3] & 0xff);
    return new AudioContent(duration, Arrays.copyOfRange(msgData, 4, msgData.length));
  }

  static byte[] join(int duration, byte[] data) {
    byte[] joined = new byte[4 + data.length];
    joined[0] = (byte) (duration >>> 24);
    joined[1] = (byte) (duration >>> 16);
    joined[2] = (byte) (duration >>> 8);
    joined[3] = (byte) duration;
    System.arraycopy(data, 0, joined, 4, data.length);
    return joined;
  }
}
