package io.ttvertx.route;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The online table's rule for two logins of one user in one client class, which every node's route
 * applies to the logins it learns in whatever order they arrive: the newer login stays.
 */
class OnlineTableTest {
  static final int PC = 0x01;
  static final int MAC = 0x02;
  static final int ANDROID = 0x12;

  private static Endpoint login(String node, long conn, int clientType, long order) {
    return new Endpoint("tt.msg.instance." + node, conn, clientType, node, order, order);
  }

  @Test
  void aNewerLoginOfTheSameClassReplacesTheOlderWhateverOrderTheyArriveIn() {
    Endpoint older = login("a", 1, PC, 1_000);
    Endpoint newer = login("b", 7, MAC, 2_000);

    OnlineTable inOrder = new OnlineTable();
    assertThat(inOrder.add(42, older)).isEmpty();
    assertThat(inOrder.add(42, newer)).containsExactly(older);
    assertThat(inOrder.endpoints(42)).containsExactly(newer);

    OnlineTable late = new OnlineTable();
    assertThat(late.add(42, newer)).isEmpty();
    assertThat(late.add(42, older)).as("the older login, learned late, loses").containsExactly(older);
    assertThat(late.endpoints(42)).containsExactly(newer);
  }

  @Test
  void loginsWithTheSameStampAreDecidedTheSameWayOnEveryNode() {
    Endpoint fromA = login("a", 3, PC, 5_000);
    Endpoint fromB = login("b", 3, PC, 5_000);
    OnlineTable one = new OnlineTable();
    one.add(9, fromA);
    one.add(9, fromB);
    OnlineTable other = new OnlineTable();
    other.add(9, fromB);
    other.add(9, fromA);
    assertThat(one.endpoints(9)).isEqualTo(other.endpoints(9)).containsExactly(fromB);
  }

  @Test
  void aMobileAndAPcLoginStayTogetherAndTheSameLoginTwiceIsKeptOnce() {
    OnlineTable table = new OnlineTable();
    Endpoint pc = login("a", 1, PC, 1_000);
    Endpoint phone = login("b", 2, ANDROID, 1_500);
    table.add(5, pc);
    assertThat(table.add(5, phone)).isEmpty();
    assertThat(table.add(5, phone)).as("a change heard twice").isEmpty();
    assertThat(table.endpoints(5)).containsExactlyInAnyOrder(pc, phone);
    assertThat(table.hasPc(5)).isTrue();
  }

  @Test
  void aNodeThatIsGoneTakesItsLoginsWithIt() {
    OnlineTable table = new OnlineTable();
    table.add(1, login("a", 1, PC, 1_000));
    table.add(1, login("b", 2, ANDROID, 1_000));
    table.add(2, login("b", 3, PC, 1_000));
    Map<Integer, List<Endpoint>> removed = table.removeNode("b");
    assertThat(removed).containsOnlyKeys(1, 2);
    assertThat(table.isOnline(2)).isFalse();
    assertThat(table.endpoints(1)).extracting(Endpoint::node).containsExactly("a");
    assertThat(table.toJson()).hasSize(1);
  }

  @Test
  void removingAUserTakesEveryConnectionAndTheCountsFollow() {
    OnlineTable table = new OnlineTable();
    Map.of(1, List.of(login("a", 1, PC, 1_000), login("b", 2, ANDROID, 1_000)),
            2, List.of(login("a", 3, MAC, 1_000)),
            3, List.of(login("b", 4, ANDROID, 1_000)))
        .forEach((user, logins) -> logins.forEach(endpoint -> table.add(user, endpoint)));
    assertThat(table.countsByNode()).isEqualTo(Map.of("a", Map.of(PC, 1, MAC, 1), "b", Map.of(ANDROID, 2)));
    assertThat(table.users()).containsExactly(1, 2, 3);

    assertThat(table.removeUser(1)).extracting(Endpoint::conn).containsExactlyInAnyOrder(1L, 2L);
    assertThat(table.isOnline(1)).isFalse();
    assertThat(table.removeUser(1)).isEmpty();
    assertThat(table.countsByNode()).isEqualTo(Map.of("a", Map.of(MAC, 1), "b", Map.of(ANDROID, 1)));
    assertThat(table.users()).containsExactly(2, 3);
  }
}
