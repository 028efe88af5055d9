package io.ttvertx.bus;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The msfs instances a node knows of, from their announcements: the URL the login server hands to
 * clients as msfsPrior / msfsBackup when none is configured, and the web client's upload URL. An msfs
 * of the asking node is preferred; an announcement not renewed within three of its intervals is forgotten.
 */
public final class MsfsDirectory {
  private record Announcement(String node, String url, long expiresAt) {
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
        now + 3 * announcement.getLong("intervalMs")));
  }

  /** The URL of an msfs of {@code node} if one is known, else of any (the smallest URL, so answers are stable); "" for none. */
  public String url(String node, long now) {
    String local = null;
    String any = null;
    for (Iterator<Announcement> it = byInstance.values().iterator(); it.hasNext(); ) {
      Announcement announcement = it.next();
      if (announcement.expiresAt() < now) {
        it.remove();
        continue;
      }
      if (announcement.node().equals(node) && (local == null || announcement.url().compareTo(local) < 0)) {
        local = announcement.url();
      }
      if (any == null || announcement.url().compareTo(any) < 0) {
        any = announcement.url();
      }
    }
    return local != null ? local : any != null ? any : "";
  }
}
