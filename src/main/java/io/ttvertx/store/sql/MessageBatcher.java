package io.ttvertx.store.sql;

import io.ttvertx.store.GroupRecord;
import io.ttvertx.store.MessageRecord;
import io.ttvertx.store.StoreException;
import io.ttvertx.store.StoredGroupMessage;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Group commit for both backends: messages wait here while a batch is being made durable, so one
 * commit serves many senders and the ids of a conversation are allocated by one writer in the order
 * messages arrived. Group messages have a queue of their own; the senders of a group batch are
 * checked against the groups' members just before it is written, each refused alone.
 */
public final class MessageBatcher {
  private final MessageWriter writer;
  private final GroupMembership groups;
  private final BatchQueue<PendingMessage, MessageRecord> singleQueue;
  private final BatchQueue<PendingMessage, StoredGroupMessage> groupQueue;

  public MessageBatcher(MessageWriter writer, GroupMembership groups) {
    this.writer = writer;
    this.groups = groups;
    this.singleQueue = new BatchQueue<>(writer::maxBatchSize, () -> writer.maxBatchesInFlight(MessageKind.SINGLE),
        batch -> writer.write(MessageKind.SINGLE, batch).map(records -> records.stream()
            .map(Future::succeededFuture).toList()));
    this.groupQueue = new BatchQueue<>(writer::maxBatchSize, () -> writer.maxBatchesInFlight(MessageKind.GROUP),
        this::writeCheckedGroupBatch);
  }

  public Future<MessageRecord> saveSingle(PendingMessage message) {
    return singleQueue.add(message);
  }

  public Future<StoredGroupMessage> saveGroup(PendingMessage message) {
    return groupQueue.add(message);
  }

  /**
   * Reads the batch's groups and members once, refuses the messages of non-members (each alone) and
   * writes the others; each stored message carries the members it was checked against.
   */
  private Future<List<Future<StoredGroupMessage>>> writeCheckedGroupBatch(List<PendingMessage> batch) {
    return groups.groupsByIds(batch.stream().map(PendingMessage::conversationId).toList()).compose(found -> {
      Map<Integer, GroupRecord> byId = new HashMap<>();
      Map<Integer, Set<Integer>> memberSets = new HashMap<>();
      found.forEach(group -> {
        byId.put(group.id(), group);
        memberSets.put(group.id(), new HashSet<>(group.members()));
      });
      List<Future<StoredGroupMessage>> outcomes = new ArrayList<>(batch.size());
      List<PendingMessage> accepted = new ArrayList<>(batch.size());
      List<Integer> acceptedAt = new ArrayList<>(batch.size());
      for (PendingMessage m : batch) {
        Set<Integer> members = memberSets.get(m.conversationId());
        if (members == null) {
          outcomes.add(Future.failedFuture(new StoreException("group " + m.conversationId() + " is not in use")));
        } else if (!members.contains(m.fromUserId())) {
          outcomes.add(Future.failedFuture(new StoreException("user " + m.fromUserId() + " is not a member of group "
              + m.conversationId())));
        } else {
          acceptedAt.add(outcomes.size());
          outcomes.add(null);
          accepted.add(m);
        }
      }
      if (accepted.isEmpty()) {
        return Future.succeededFuture(outcomes);
      }
      return writer.write(MessageKind.GROUP, accepted).transform(written -> {
        for (int i = 0; i < accepted.size(); i++) {
          outcomes.set(acceptedAt.get(i), written.failed() ? Future.failedFuture(written.cause())
              : Future.succeededFuture(new StoredGroupMessage(written.result().get(i),
                  byId.get(accepted.get(i).conversationId()).members())));
        }
        return Future.succeededFuture(outcomes);
      });
    });
  }
}
