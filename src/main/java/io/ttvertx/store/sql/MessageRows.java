package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a batch of messages writes, whichever database runs it: the message rows by table, the audio
 * rows (TeamTalk stores an audio message's IMAudio id as its content), the groups' lastChated and
 * what each batch changes of the counters.
 */
public final class MessageRows {
  /** Params: fromId, toId, size, duration, created. */
  static final String INSERT_AUDIO = "INSERT INTO IMAudio (fromId, toId, path, size, duration, created)"
      + " VALUES (?, ?, '', ?, ?, ?)";
  static final String INSERT_AUDIO_DATA = "INSERT INTO tt_audio_data (audioId, data) VALUES (?, ?)";
  /** Params: lastChated, id. TeamTalk GroupModel::updateGroupChat. */
  static final String UPDATE_LAST_CHATED = "UPDATE IMGroup SET lastChated = ? WHERE id = ?";

  private MessageRows() {
  }

  /** The batch's messages with the ids allocated for them. */
  public static List<MessageRecord> withIds(List<PendingMessage> batch, int[] ids) {
    List<MessageRecord> records = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PendingMessage m = batch.get(i);
      records.add(new MessageRecord(ids[i], m.fromUserId(), m.toUserId(), m.createTime(), m.msgType(), m.msgData()));
    }
    return records;
  }

  /**
   * The batch's rows grouped by table, values in the order of the kind's insert row. {@code contents}
   * are the messages' IMMessage.content: their text, or the audio id for audio messages.
   */
  static Map<String, List<List<Object>>> byTable(MessageKind kind, List<PendingMessage> batch,
                                                 List<MessageRecord> records, List<String> contents) {
    Map<String, List<List<Object>>> rows = new LinkedHashMap<>();
    for (int i = 0; i < records.size(); i++) {
      int id = batch.get(i).conversationId();
      rows.computeIfAbsent(kind.table(id), t -> new ArrayList<>()).add(kind.row(id, records.get(i), contents.get(i)));
    }
    return rows;
  }

  /** A text message's content column. */
  static String text(MessageRecord message) {
    return new String(message.msgData(), StandardCharsets.UTF_8);
  }

  /** A multi-row INSERT of {@code rows} messages into {@code table}. */
  static String insert(MessageKind kind, String table, int rows) {
    return "INSERT INTO " + table + kind.insertColumns + " VALUES " + String.join(", ", Collections.nCopies(rows,
        kind.insertRow));
  }

  /** The newest message time of each group of a batch of group messages, in ascending group order. */
  static Map<Integer, Integer> lastChated(List<MessageRecord> groupMessages) {
    Map<Integer, Integer> times = new TreeMap<>();
    groupMessages.forEach(m -> times.merge(m.toUserId(), m.createTime(), Math::max));
    return times;
  }

  /**
   * For each group of a batch of group messages, each sender's last message id in it: the sender has
   * read the group up to there (TeamTalk GroupMessageModel::incMessageCount copies the group's count
   * to the sender's).
   */
  public static Map<Integer, Map<Integer, Integer>> lastSentBySender(List<MessageRecord> groupMessages) {
    Map<Integer, Map<Integer, Integer>> last = new TreeMap<>();
    groupMessages.forEach(m -> last.computeIfAbsent(m.toUserId(), g -> new TreeMap<>())
        .merge(m.fromUserId(), m.msgId(), Math::max));
    return last;
  }

  /** The newest message id of each group (or conversation, by receiver) of a batch. */
  public static Map<Integer, Integer> newestByGroup(List<MessageRecord> groupMessages) {
    Map<Integer, Integer> newest = new TreeMap<>();
    groupMessages.forEach(m -> newest.merge(m.toUserId(), m.msgId(), Math::max));
    return newest;
  }

  /** Unread increments of a batch of 1:1 messages: receiver -> sender -> messages. */
  public static Map<Integer, Map<Integer, Integer>> unreadIncrements(List<MessageRecord> messages) {
    Map<Integer, Map<Integer, Integer>> increments = new LinkedHashMap<>();
    for (MessageRecord m : messages) {
      increments.computeIfAbsent(m.toUserId(), u -> new LinkedHashMap<>()).merge(m.fromUserId(), 1, Integer::sum);
    }
    return increments;
  }
}
