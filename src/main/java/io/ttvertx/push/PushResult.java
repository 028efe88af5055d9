package io.ttvertx.push;

/**
 * What a provider made of one push: delivered; to be retried (after {@code retryAfterMs} when the
 * provider said, else -1 for the caller's backoff); the token is gone (uninstalled app, bad token:
 * remove it from the store); or refused for good (a bad request, bad credentials), with the reason.
 */
public record PushResult(Outcome outcome, long retryAfterMs, String reason) {
  public enum Outcome { SENT, RETRY, TOKEN_GONE, REFUSED }

  public static PushResult sent() {
    return new PushResult(Outcome.SENT, -1, "");
  }

  public static PushResult retry(long retryAfterMs, String reason) {
    return new PushResult(Outcome.RETRY, retryAfterMs, reason);
  }

  public static PushResult tokenGone(String reason) {
    return new PushResult(Outcome.TOKEN_GONE, -1, reason);
  }

  public static PushResult refused(String reason) {
    return new PushResult(Outcome.REFUSED, -1, reason);
  }
}
