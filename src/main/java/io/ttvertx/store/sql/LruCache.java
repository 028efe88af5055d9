package io.ttvertx.store.sql;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that keeps at most {@code capacity} entries, dropping the least recently used. Thread-safe. */
public final class LruCache<K, V> {
  private final Map<K, V> entries;

  public LruCache(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("cache capacity must be positive, got " + capacity);
    }
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized V get(K key) {
    return entries.get(key);
  }

  public synchronized void put(K key, V value) {
    entries.put(key, value);
  }

  public synchronized void remove(K key) {
    entries.remove(key);
  }

  public synchronized int size() {
    return entries.size();
  }
}
