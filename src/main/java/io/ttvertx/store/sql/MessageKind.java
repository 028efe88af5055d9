package io.ttvertx.store.sql;

import io.ttvertx.store.MessageRecord;

import java.util.List;

/** Where messages of each kind are stored and how their rows read: 1:1 conversations and groups. */
public enum MessageKind {
  /** IMMessage_&lt;relateId % 8&gt;: a conversation's messages, found by its relation id. */
  SINGLE("IMMessage_", "relateId", "msgId, fromId, toId, created, type, content",
      " (relateId, fromId, toId, msgId, content, type, status, updated, created)", "(?, ?, ?, ?, ?, ?, 0, ?, ?)"),
  /** IMGroupMessage_&lt;groupId % 8&gt;: a group's messages; userId is the sender. */
  GROUP("IMGroupMessage_", "groupId", "msgId, userId, groupId, created, type, content",
      " (groupId, userId, msgId, content, type, status, updated, created)", "(?, ?, ?, ?, ?, 0, ?, ?)");

  /** TeamTalk shards messages over eight tables by relation or group id. */
  public static final int TABLES = 8;

  /** The column the messages are found by: the relation or the group id. */
  final String keyColumn;
  /** Read as a MessageRecord: id, sender, receiver (user or group), created, type, content. */
  final String selectColumns;
  final String insertColumns;
  final String insertRow;
  private final String tablePrefix;

  MessageKind(String tablePrefix, String keyColumn, String selectColumns, String insertColumns, String insertRow) {
    this.tablePrefix = tablePrefix;
    this.keyColumn = keyColumn;
    this.selectColumns = selectColumns;
    this.insertColumns = insertColumns;
    this.insertRow = insertRow;
  }

  /** The table of the relation or group {@code id}. */
  public String table(int id) {
    return tablePrefix + (id % TABLES);
  }

  /** The column a conversation's or group's messages are found by. */
  public String keyColumn() {
    return keyColumn;
  }

  /** IM.BaseDefine.SessionType of the kind's sessions: 1 single, 2 group. */
  public int sessionType() {
    return this == SINGLE ? 1 : 2;
  }

  /** A message's values in the order of {@link #insertRow}; {@code id} is its relation or group id. */
  List<Object> row(int id, MessageRecord m, String content) {
    return this == SINGLE
        ? List.of(id, m.fromUserId(), m.toUserId(), m.msgId(), content, m.msgType(), m.createTime(), m.createTime())
        : List.of(id, m.fromUserId(), m.msgId(), content, m.msgType(), m.createTime(), m.createTime());
  }
}
