package io.ttvertx.msg;

import io.ttvertx.config.LimitOptions;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Slows password guessing: failed logins are remembered per user name and per source address, and
 * past a few free ones each further login of that name, or from that address, waits a delay that
 * doubles with every failure. A name's delay is capped low, so a guessing loop against a user costs
 * the real user only seconds, and their successful login clears it. An address's attempts are spaced
 * one delay apart even when made in parallel, and one that would wait past the login timeout is refused
 * at once without looking at the password. Failures are forgotten some time after the last one. One
 * per node (every msg instance shares it, so connections spread over instances count together).
 */
final class LoginThrottle implements Shareable {
  private static final String MAP = "tt.msg.loginThrottle";
  /** Records kept at most per kind; past it the oldest are dropped first. */
  static final int MAX_RECORDS = 200_000;

  /** What a login must do before its password is checked. */
  record Wait(long delayMs, boolean refused, boolean userDelayed, boolean addressDelayed) {
  }

  private static final class Failures {
    int count;
    long lastAt;
    long nextSlotAt;
  }

  private final LimitOptions limits;
  private final Map<String, Failures> byUser = new HashMap<>();
  private final Map<String, Failures> byAddress = new HashMap<>();

  LoginThrottle(LimitOptions limits) {
    this.limits = limits;
  }

  /** The node's throttle, made by the first msg instance that asks. */
  static LoginThrottle of(Vertx vertx, LimitOptions limits) {
    return (LoginThrottle) vertx.sharedData().getLocalMap(MAP).computeIfAbsent("throttle", k -> new LoginThrottle(limits));
  }

  /**
   * Reserves a login attempt of {@code user} from {@code address} at {@code now}; {@code maxWaitMs} is
   * the longest a login may wait (beyond it the attempt is refused).
   */
  synchronized Wait attempt(String user, String address, long now, long maxWaitMs) {
    Failures ofUser = current(byUser, user, now);
    Failures ofAddress = current(byAddress, address, now);
    long userDelay = ofUser == null ? 0
        : delay(ofUser.count, limits.freeLoginFailuresPerUser(), limits.maxUserLoginDelayMs());
    long addressDelay = ofAddress == null ? 0
        : delay(ofAddress.count, limits.freeLoginFailuresPerAddress(), limits.maxAddressLoginDelayMs());
    // a name's wait counts from its last failure only: queueing would let a guesser push the real user back
    long userWait = userDelay == 0 ? 0 : Math.max(0, ofUser.lastAt + userDelay - now);
    long addressWait = 0;
    if (addressDelay > 0) {
      long start = Math.max(now, Math.max(ofAddress.nextSlotAt, ofAddress.lastAt + addressDelay));
      addressWait = start - now;
      if (addressWait > maxWaitMs) {
        return new Wait(0, true, false, true);
      }
      ofAddress.nextSlotAt = start + addressDelay;
    }
    return new Wait(Math.max(userWait, addressWait), false, userDelay > 0, addressDelay > 0);
  }

  synchronized void failed(String user, String address, long now) {
    record(byUser, user, now);
    record(byAddress, address, now);
  }

  /** The real user got in: their name's failures are forgotten (the address's are not). */
  synchronized void succeeded(String user) {
    byUser.remove(user);
  }

  synchronized void forgetOld(long now) {
    forgetOld(byUser, now);
    forgetOld(byAddress, now);
  }

  private long delay(int failures, int free, long max) {
    if (limits.loginDelayMs() == 0 || failures < free || max == 0) {
      return 0;
    }
    int doublings = Math.min(30, failures - free);
    return Math.min(max, (long) limits.loginDelayMs() << doublings);
  }

  private Failures current(Map<String, Failures> records, String key, long now) {
    Failures failures = records.get(key);
    if (failures != null && now - failures.lastAt > limits.loginFailureMemorySeconds() * 1000L) {
      records.remove(key);
      return null;
    }
    return failures;
  }

  private void record(Map<String, Failures> records, String key, long now) {
    Failures failures = current(records, key, now);
    if (failures == null) {
      if (records.size() >= MAX_RECORDS) {
        forgetOld(records, now);
        if (records.size() >= MAX_RECORDS) {
          records.clear();
        }
      }
      failures = new Failures();
      records.put(key, failures);
    }
    failures.count++;
    failures.lastAt = now;
  }

  private void forgetOld(Map<String, Failures> records, long now) {
    long memoryMs = limits.loginFailureMemorySeconds() * 1000L;
    for (Iterator<Failures> it = records.values().iterator(); it.hasNext(); ) {
      if (now - it.next().lastAt > memoryMs) {
        it.remove();
      }
    }
  }
}
