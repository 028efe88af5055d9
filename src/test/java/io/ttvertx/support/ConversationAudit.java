package io.ttvertx.support;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.ttvertx.client.TeamTalkClient;
import io.ttvertx.protocol.Pdu;
import io.ttvertx.proto.IMBaseDefine;
import io.ttvertx.proto.IMBaseDefine.MessageCmdID;
import io.ttvertx.proto.IMBaseDefine.ServiceID;
import io.ttvertx.proto.IMBaseDefine.SessionType;
import io.ttvertx.proto.IMLogin;
import io.ttvertx.proto.IMMessage;
import io.ttvertx.support.ChatTraffic.AckedMessage;
import io.ttvertx.support.ChatTraffic.Endpoint;
import io.ttvertx.support.ChatTraffic.UserPair;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.ttvertx.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server kept of a {@link ChatTraffic} run, as its clients see it: {@link #collect} logs in as
 * every user of the pairs (a mobile login, which does not kick a PC connection still running) and
 * reads each conversation's whole history, newest first, page by page (CID_MSG_LIST_REQUEST), and each
 * user's unread counts (CID_MSG_UNREAD_CNT_REQUEST). The assertions then compare that with the acks
 * the traffic got; their messages name the conversation and the ids that went wrong.
 */
public final class ConversationAudit {
  private static final int PAGE_SIZE = 100;
  private static final int MAX_PAGES = 10_000;
  private static final int MAX_PROBLEMS_SHOWN = 40;

  /** A stored message as the history answers it. */
  public record StoredMessage(int msgId, int fromUserId, String text) {
  }

  /** One conversation as each of its two users sees it. */
  public record Conversation(String first, int firstId, String second, int secondId,
                             List<StoredMessage> seenByFirst, List<StoredMessage> seenBySecond) {
    String describe() {
      return first + "(" + firstId + ")<->" + second + "(" + secondId + ")";
    }

    String nameOf(int userId) {
      return userId == firstId ? first : userId == secondId ? second : "user " + userId;
    }
  }

  private final List<Conversation> conversations;
  private final Map<String, IMMessage.IMUnreadMsgCntRsp> unreadByUser;
  private final Map<String, Integer> userIds;

  private ConversationAudit(List<Conversation> conversations, Map<String, IMMessage.IMUnreadMsgCntRsp> unreadByUser,
                            Map<String, Integer> userIds) {
    this.conversations = conversations;
    this.unreadByUser = unreadByUser;
    this.userIds = userIds;
  }

  /** Reads, through the msg server at {@code endpoint}, every pair's conversation and every user's unread counts. */
  /**
   * Audits again until every unread count matches the history, at most {@code timeout}: counts that a
   * crash or Redis's loss left wrong are rebuilt at a later read.
   */
  public static void awaitUnreadCountsMatchHistory(Vertx vertx, Endpoint endpoint, List<UserPair> pairs,
                                                   Duration timeout) {
    Poll.until(timeout, () -> "unread counts differ from the history: "
            + collect(vertx, endpoint, pairs).unreadCountProblems(null),
        () -> collect(vertx, endpoint, pairs).unreadCountProblems(null).isEmpty());
  }

  public static ConversationAudit collect(Vertx vertx, Endpoint endpoint, List<UserPair> pairs) {
    List<Conversation> conversations = new ArrayList<>();
    Map<String, IMMessage.IMUnreadMsgCntRsp> unread = new LinkedHashMap<>();
    Map<String, Integer> userIds = new LinkedHashMap<>();
    for (UserPair pair : pairs) {
      TeamTalkClient first = await(TeamTalkClient.connect(vertx, endpoint.host(), endpoint.port()));
      TeamTalkClient second = await(TeamTalkClient.connect(vertx, endpoint.host(), endpoint.port()));
      try {
        int firstId = login(first, pair.first());
        int secondId = login(second, pair.second());
        userIds.put(pair.first(), firstId);
        userIds.put(pair.second(), secondId);
        unread.put(pair.first(), unreadCounts(first));
        unread.put(pair.second(), unreadCounts(second));
        conversations.add(new Conversation(pair.first(), firstId, pair.second(), secondId,
            history(first, pair.first(), secondId), history(second, pair.second(), firstId)));
      } finally {
        first.close();
        second.close();
      }
    }
    return new ConversationAudit(conversations, unread, userIds);
  }

  public List<Conversation> conversations() {
    return List.copyOf(conversations);
  }

  /** Messages stored in all the conversations (as their first users see them). */
  public int storedMessageCount() {
    return conversations.stream().mapToInt(c -> c.seenByFirst().size()).sum();
  }

  /**
   * Every acknowledged message is in its conversation under the id it was acknowledged with, from its
   * sender, with its text; no id and no text is stored twice in a conversation; both users of a
   * conversation see the same history. Gaps between ids are allowed (an id may be used by a message
   * that was never acknowledged, or by none).
   */
  public void assertEveryAcknowledgedMessageStoredOnce(Collection<AckedMessage> acked) {
    List<String> problems = new ArrayList<>();
    Map<Set<Integer>, Conversation> byUsers = new HashMap<>();
    for (Conversation conversation : conversations) {
      byUsers.put(Set.of(conversation.firstId(), conversation.secondId()), conversation);
      checkNoDuplicates(conversation, conversation.first(), conversation.seenByFirst(), problems);
      checkNoDuplicates(conversation, conversation.second(), conversation.seenBySecond(), problems);
      checkBothSeeTheSame(conversation, problems);
    }
    for (AckedMessage message : acked) {
      Conversation conversation = message.fromUserId() == message.toUserId() ? null
          : byUsers.get(Set.of(message.fromUserId(), message.toUserId()));
      if (conversation == null) {
        problems.add("acknowledged msg " + message.msgId() + " '" + message.text() + "' from " + message.fromUserId()
            + " to " + message.toUserId() + ": no audited conversation between them");
        continue;
      }
      Map<Integer, StoredMessage> stored = conversation.seenByFirst().stream()
          .collect(Collectors.toMap(StoredMessage::msgId, m -> m, (a, b) -> a));
      StoredMessage found = stored.get(message.msgId());
      if (found == null) {
        problems.add(conversation.describe() + ": acknowledged msg " + message.msgId() + " '" + message.text()
            + "' is missing (" + idSummary(conversation.seenByFirst()) + ")");
      } else if (!found.text().equals(message.text()) || found.fromUserId() != message.fromUserId()) {
        problems.add(conversation.describe() + ": msg " + message.msgId() + " was acknowledged as '" + message.text()
            + "' from " + conversation.nameOf(message.fromUserId()) + " but holds '" + found.text() + "' from "
            + conversation.nameOf(found.fromUserId()));
      }
    }
    assertThat(problems).withFailMessage("%s", report(problems.size() + " problem(s) in " + conversations.size()
        + " conversations (" + storedMessageCount() + " stored messages, " + acked.size() + " acknowledged)",
        problems)).isEmpty();
  }

  /**
   * Nothing was ever read (the traffic sends no READ_ACK), so each user's unread count from each peer is
   * the number of messages from that peer in their conversation, and the total is their sum.
   */
  public void assertUnreadCountsMatchHistory() {
    List<String> problems = unreadCountProblems(null);
    assertThat(problems).withFailMessage("%s", report(problems.size() + " unread count problem(s) for "
        + unreadByUser.size() + " users", problems)).isEmpty();
  }

  /**
   * The weaker promise of a store that counts unread messages after storing them, outside the
   * message's transaction (MySQL + Redis): a crash between the two leaves a stored message that was
   * never acknowledged and never counted. Each unread count from a peer lies between the messages from
   * that peer that were acknowledged (counted before their ack) and those stored; the total is the sum
   * of the counts.
   */
  public void assertUnreadCountsCoverAcknowledged(Collection<AckedMessage> acked) {
    List<String> problems = unreadCountProblems(acked);
    assertThat(problems).withFailMessage("%s", report(problems.size() + " unread count problem(s) for "
        + unreadByUser.size() + " users", problems)).isEmpty();
  }

  /**
   * What {@link #assertUnreadCountsMatchHistory()} finds wrong (for a test that reports rather than
   * asserts it), or with {@code acked}, what {@link #assertUnreadCountsCoverAcknowledged} does.
   */
  public List<String> unreadCountProblems(Collection<AckedMessage> acked) {
    List<String> problems = new ArrayList<>();
    Map<String, Map<Integer, Integer>> stored = new LinkedHashMap<>();
    for (Conversation conversation : conversations) {
      stored.computeIfAbsent(conversation.first(), u -> new HashMap<>()).merge(conversation.secondId(),
          countFrom(conversation.seenByFirst(), conversation.secondId()), Integer::sum);
      stored.computeIfAbsent(conversation.second(), u -> new HashMap<>()).merge(conversation.firstId(),
          countFrom(conversation.seenBySecond(), conversation.firstId()), Integer::sum);
    }
    Map<Integer, Map<Integer, Integer>> ackedByReceiver = new HashMap<>();
    if (acked != null) {
      for (AckedMessage message : acked) {
        ackedByReceiver.computeIfAbsent(message.toUserId(), u -> new HashMap<>()).merge(message.fromUserId(), 1,
            Integer::sum);
      }
    }
    Map<Integer, String> names = userIds.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
    for (Map.Entry<String, Map<Integer, Integer>> user : stored.entrySet()) {
      String name = user.getKey();
      IMMessage.IMUnreadMsgCntRsp answer = unreadByUser.get(name);
      Map<Integer, Integer> counted = new HashMap<>();
      for (IMBaseDefine.UnreadInfo info : answer.getUnreadinfoListList()) {
        if (info.getSessionType() == SessionType.SESSION_TYPE_SINGLE) {
          counted.put(info.getSessionId(), info.getUnreadCnt());
        } else {
          problems.add(name + ": unexpected unread group session " + info.getSessionId());
        }
      }
      Map<Integer, Integer> ackedFrom = ackedByReceiver.getOrDefault(userIds.get(name), Map.of());
      Set<Integer> peers = new TreeSet<>(user.getValue().keySet());
      peers.addAll(counted.keySet());
      int storedTotal = 0;
      for (int peer : peers) {
        int storedFromPeer = user.getValue().getOrDefault(peer, 0);
        int ackedFromPeer = ackedFrom.getOrDefault(peer, 0);
        int unread = counted.getOrDefault(peer, 0);
        storedTotal += storedFromPeer;
        String peerName = names.getOrDefault(peer, "user") + "(" + peer + ")"
            + (user.getValue().containsKey(peer) ? "" : " (not an audited conversation)");
        if (acked == null && unread != storedFromPeer) {
          problems.add(name + ": " + unread + " unread from " + peerName + " but the history holds " + storedFromPeer
              + " messages from them");
        } else if (acked != null && (unread < ackedFromPeer || unread > storedFromPeer)) {
          problems.add(name + ": " + unread + " unread from " + peerName + ", not between the " + ackedFromPeer
              + " acknowledged and the " + storedFromPeer + " stored messages from them");
        }
      }
      int expectedTotal = acked == null ? storedTotal : counted.values().stream().mapToInt(Integer::intValue).sum();
      if (answer.getTotalCnt() != expectedTotal) {
        problems.add(name + ": total_cnt " + answer.getTotalCnt() + " but " + (acked == null
            ? "the history holds " + expectedTotal + " messages to them" : "the counts add up to " + expectedTotal)
            + " (per peer: " + counted + ")");
      }
    }
    return problems;
  }

  private static int countFrom(List<StoredMessage> history, int senderId) {
    return (int) history.stream().filter(m -> m.fromUserId() == senderId).count();
  }

  private static void checkNoDuplicates(Conversation conversation, String viewer, List<StoredMessage> history,
                                        List<String> problems) {
    Map<Integer, List<StoredMessage>> byId = history.stream().collect(Collectors.groupingBy(StoredMessage::msgId));
    byId.forEach((id, copies) -> {
      if (copies.size() > 1) {
        problems.add(conversation.describe() + " seen by " + viewer + ": id " + id + " stored " + copies.size()
            + " times: " + copies.stream().map(StoredMessage::text).toList());
      }
    });
    Map<String, List<StoredMessage>> byText = history.stream().collect(Collectors.groupingBy(StoredMessage::text));
    byText.forEach((text, copies) -> {
      if (copies.size() > 1) {
        problems.add(conversation.describe() + " seen by " + viewer + ": text '" + text + "' stored "
            + copies.size() + " times, as ids " + copies.stream().map(StoredMessage::msgId).toList());
      }
    });
  }

  private static void checkBothSeeTheSame(Conversation conversation, List<String> problems) {
    Set<StoredMessage> byFirst = Set.copyOf(conversation.seenByFirst());
    Set<StoredMessage> bySecond = Set.copyOf(conversation.seenBySecond());
    if (!byFirst.equals(bySecond)) {
      problems.add(conversation.describe() + ": the two users see different histories; only " + conversation.first()
          + " sees ids " + onlyIn(byFirst, bySecond) + ", only " + conversation.second() + " sees ids "
          + onlyIn(bySecond, byFirst));
    }
  }

  private static List<Integer> onlyIn(Set<StoredMessage> these, Set<StoredMessage> notThose) {
    return these.stream().filter(m -> !notThose.contains(m)).map(StoredMessage::msgId).sorted().toList();
  }

  private static String idSummary(List<StoredMessage> history) {
    if (history.isEmpty()) {
      return "the conversation is empty";
    }
    TreeSet<Integer> ids = history.stream().map(StoredMessage::msgId).collect(Collectors.toCollection(TreeSet::new));
    return "the conversation holds " + history.size() + " messages, ids " + ids.first() + ".." + ids.last();
  }

  private static String report(String headline, List<String> problems) {
    StringBuilder text = new StringBuilder(headline).append(':');
    problems.stream().limit(MAX_PROBLEMS_SHOWN).forEach(problem -> text.append("\n  ").append(problem));
    if (problems.size() > MAX_PROBLEMS_SHOWN) {
      text.append("\n  ... and ").append(problems.size() - MAX_PROBLEMS_SHOWN).append(" more");
    }
    return text.toString();
  }

  private static int login(TeamTalkClient client, String name) {
    IMLogin.IMLoginRes response = await(client.login(name, ChatTraffic.PASSWORD,
        IMBaseDefine.ClientType.CLIENT_TYPE_ANDROID));
    assertThat(response.getResultCode()).as("audit login of %s", name)
        .isEqualTo(IMBaseDefine.ResultType.REFUSE_REASON_NONE);
    return response.getUserInfo().getUserId();
  }

  private static IMMessage.IMUnreadMsgCntRsp unreadCounts(TeamTalkClient client) {
    return ask(client, MessageCmdID.CID_MSG_UNREAD_CNT_REQUEST_VALUE,
        IMMessage.IMUnreadMsgCntReq.newBuilder().setUserId(0).build(),
        MessageCmdID.CID_MSG_UNREAD_CNT_RESPONSE_VALUE, IMMessage.IMUnreadMsgCntRsp.parser());
  }

  /** The whole conversation with {@code peerId}, newest first: pages of ids at most msg_id_begin, going down. */
  private static List<StoredMessage> history(TeamTalkClient client, String viewer, int peerId) {
    List<StoredMessage> history = new ArrayList<>();
    int begin = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      IMMessage.IMGetMsgListRsp answer = ask(client, MessageCmdID.CID_MSG_LIST_REQUEST_VALUE,
          IMMessage.IMGetMsgListReq.newBuilder().setUserId(0).setSessionType(SessionType.SESSION_TYPE_SINGLE)
              .setSessionId(peerId).setMsgIdBegin(begin).setMsgCnt(PAGE_SIZE).build(),
          MessageCmdID.CID_MSG_LIST_RESPONSE_VALUE, IMMessage.IMGetMsgListRsp.parser());
      if (answer.getMsgListCount() == 0) {
        return history;
      }
      int smallest = Integer.MAX_VALUE;
      for (IMBaseDefine.MsgInfo info : answer.getMsgListList()) {
        // an answer above the bound asked for would repeat messages and pass for a stored duplicate
        assertThat(begin == 0 || info.getMsgId() <= begin)
            .as("%s's history with %d: page from id %d holds id %d", viewer, peerId, begin, info.getMsgId()).isTrue();
        history.add(new StoredMessage(info.getMsgId(), info.getFromSessionId(),
            info.getMsgData().toString(StandardCharsets.UTF_8)));
        smallest = Math.min(smallest, info.getMsgId());
      }
      if (smallest <= 1) {
        return history;
      }
      begin = smallest - 1;
    }
    throw new AssertionError(viewer + "'s history with " + peerId + " has more than " + MAX_PAGES + " pages");
  }

  private static <T> T ask(TeamTalkClient client, int command, MessageLite body, int expectedCommand, Parser<T> parser) {
    Pdu answer = await(client.request(ServiceID.SID_MSG_VALUE, command, body));
    assertThat(answer.commandId()).as("answer to command 0x%04x", command).isEqualTo(expectedCommand);
    return TeamTalkClient.parse(answer, parser);
  }
}
