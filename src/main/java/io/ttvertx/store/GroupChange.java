package io.ttvertx.store;

import java.util.List;

/**
 * The outcome of a membership change: refused (not allowed, or no such group), or done with the users
 * actually added or removed and the members after the change.
 */
public record GroupChange(boolean done, List<Integer> changed, List<Integer> current) {
  public static GroupChange refused() {
    return new GroupChange(false, List.of(), List.of());
  }
}
