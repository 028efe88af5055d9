package io.ttvertx.store;

/** A change the administration asked for that the store refuses, and the kind of refusal. */
public final class AdminRefusal extends StoreException {
  public enum Kind {
    /** No such user or department. */
    NOT_FOUND,
    /** A name taken, a department not empty, a move that makes a cycle. */
    CONFLICT,
    /** A value that names nothing usable (an unknown or deleted department). */
    INVALID
  }

  private final Kind kind;

  public AdminRefusal(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
