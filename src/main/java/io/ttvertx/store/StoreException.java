package io.ttvertx.store;

/** A request the store refuses for a reason the caller should show (duplicate name, bad row). */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message, null, false, false);
  }
}
