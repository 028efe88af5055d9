package io.ttvertx.bench;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The bookkeeping of one group in group mode: which messages each sending member had acknowledged
 * and which of them each other member received. Members live on several workers (event loops), so
 * it is guarded by its own lock.
 */
final class GroupTraffic {
  final int groupId;
  private final int[] members;
  private final Map<Integer, Integer> senderPositions = new HashMap<>();
  private final BitSet[] acked;
  /** received[member position][sender position]. */
  private final BitSet[][] received;
  private final Map<Integer, Integer> memberPositions = new HashMap<>();
  private long expectedCopies;
  private long firstCopies;

  GroupTraffic(int groupId, int[] members, int senderCount) {
    this.groupId = groupId;
    this.members = members.clone();
    int senders = Math.min(senderCount, members.length);
    acked = new BitSet[senders];
    received = new BitSet[members.length][senders];
    for (int s = 0; s < senders; s++) {
      senderPositions.put(members[s], s);
      acked[s] = new BitSet();
    }
    for (int m = 0; m < members.length; m++) {
      memberPositions.put(members[m], m);
      for (int s = 0; s < senders; s++) {
        received[m][s] = new BitSet();
      }
    }
  }

  boolean isSender(int userIndex) {
    return senderPositions.containsKey(userIndex);
  }

  synchronized void acked(int senderIndex, int seq) {
    acked[senderPositions.get(senderIndex)].set(seq);
    expectedCopies += members.length - 1;
  }

  /** Records a copy; false when that member had received it already (a duplicate). */
  synchronized boolean received(int memberIndex, int senderIndex, int seq) {
    BitSet copies = received[memberPositions.get(memberIndex)][senderPositions.get(senderIndex)];
    if (copies.get(seq)) {
      return false;
    }
    copies.set(seq);
    firstCopies++;
    return true;
  }

  /** Whether as many copies arrived as the acknowledged messages call for (cheap; see {@link #missingCopies}). */
  synchronized boolean allDelivered() {
    return firstCopies >= expectedCopies;
  }

  /** Copies of acknowledged messages that some member (other than the sender) has not received. */
  synchronized long missingCopies() {
    long missing = 0;
    for (int m = 0; m < members.length; m++) {
      for (int s = 0; s < acked.length; s++) {
        if (m == s) {
          continue;
        }
        BitSet absent = (BitSet) acked[s].clone();
        absent.andNot(received[m][s]);
        missing += absent.cardinality();
      }
    }
    return missing;
  }
}
