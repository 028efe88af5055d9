package io.ttvertx.bus;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The msfs instances a node knows of, from their announcements: the URL the login server hands to
 * clients as msfsPrior / msfsBackup when none is configured, and the web client's upload URL. An msfs
 * of the asking node is preferred; an announcement not renewed within three of its intervals is forgotten.
 */
public final class MsfsDirectory {
  /** {@code detected}: the URL names the address msfs detected, not a configured msfs.publicUrl. */
  private record Announcement(String node, String url, boolean detected, long expiresAt) {
  }

  private final Map<String, Announcement> byInstance = new HashMap<>();

  public void announce(JsonObject announcement, long now) {
    String instance = announcement.getString("instance");
    if (instance == null) {
      return;
    }
    if (announcement.getBoolean("gone", false)) {
      byInstance.remove(instance);
      return;
    }
    byInstance.put(instance, new Announcement(announcement.getString("node"), announcement.getString("url"),
        announcement.getBoolean("detected", false), now + 3 * announcement.getLong("intervalMs")));
  }

  /** The URL of an msfs of {@code node} if one is known, else of any (the smallest URL, so answers are stable); "" for none. */
  public String url(String node, long now) {
    Announcement chosen = choose(node, now);
    return chosen == null ? "" : chosen.url();
  }

  /**
   * As {@link #url}, for a page loaded from {@code pageHost}: when the chosen msfs is of {@code node}
   * and announced the address it detected (no msfs.publicUrl), the page's host stands in for it, since
   * the browser reached this node by that name and a detected address may be one it cannot reach.
   */
  public String urlForPage(String node, long now, String pageHost) {
    Announcement chosen = choose(node, now);
    if (chosen == null) {
      return "";
    }
    if (!chosen.detected() || !chosen.node().equals(node) || pageHost == null || pageHost.isBlank()) {
      return chosen.url();
    }
    try {
      URI announced = new URI(chosen.url());
      return new URI(announced.getScheme(), null, pageHost, announced.getPort(), announced.getPath(), null, null)
          .toString();
    } catch (URISyntaxException e) {
      return chosen.url();
    }
  }

  private Announcement choose(String node, long now) {
    Announcement local = null;
    Announcement any = null;
    for (Iterator<Announcement> it = byInstance.values().iterator(); it.hasNext(); ) {
      Announcement announcement = it.next();
      if (announcement.expiresAt() < now) {
        it.remove();
        continue;
      }
      if (announcement.node().equals(node) && (local == null || announcement.url().compareTo(local.url()) < 0)) {
        local = announcement;
      }
      if (any == null || announcement.url().compareTo(any.url()) < 0) {
        any = announcement;
      }
    }
    return local != null ? local : any;
  }
}
