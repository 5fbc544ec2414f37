package dev.kanal.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Segments, keys and initialization sections in memory, bounded by bytes ({@code relay.cacheSize}):
 * an entry is a {@link SharedBody}, present from the moment its download starts (so concurrent
 * requests join it) until it expires a few target durations after it completed, fails (removed at
 * once, so the next request tries again), or is among the least recently used complete entries when
 * the total passes the bound. Downloads in progress are never evicted: their viewers are reading them.
 *
 * <p>{@link #get} may be called from any thread (cache hits are answered on the viewer's own event
 * loop); every other method only from the relay's context.
 */
final class SegmentCache {

  /**
   * What a cached body is.
   *
   * @param sourceId the source whose headers fetched it
   * @param url the absolute upstream URL
   * @param range the Range header sent, "" for the whole resource
   */
  record Key(long sourceId, String url, String range) {}

  private static final class Slot {
    final SharedBody body;
    /** Bytes accounted for this entry (relay context only). */
    long counted;
    /** {@code System.nanoTime()} after which it is stale; meaningful once complete. */
    volatile long expiresAt;
    volatile boolean complete;
    volatile long lastUsed;

    Slot(SharedBody body, long now) {
      this.body = body;
      this.lastUsed = now;
    }
  }

  private final long maxBytes;
  private final Map<Key, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();

  SegmentCache(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("relay.cacheSize must be positive, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /** The body for {@code key} when it is downloading, or complete and fresh; from any thread. */
  SharedBody get(Key key, long now) {
    Slot s = slots.get(key);
    if (s == null || (s.complete && now - s.expiresAt >= 0)) {
      return null;
    }
    s.lastUsed = now;
    return s.body;
  }

  /** Adds a body whose download is starting (replacing a stale entry). */
  void put(Key key, SharedBody body, long now) {
    Slot old = slots.put(key, new Slot(body, now));
    if (old != null) {
      bytes.addAndGet(-old.counted);
    }
  }

  /** Accounts for bytes the body received, evicting complete entries past the bound. */
  void grew(Key key, SharedBody body, long delta) {
    Slot s = slots.get(key);
    if (s == null || s.body != body) {
      return; // already evicted or replaced: its memory goes with its last reader
    }
    s.counted += delta;
    if (bytes.addAndGet(delta) > maxBytes) {
      evictLeastRecentlyUsed();
    }
  }

  /** Marks the body complete: it stays for {@code ttlNanos} unless evicted earlier. */
  void completed(Key key, SharedBody body, long ttlNanos, long now) {
    Slot s = slots.get(key);
    if (s == null || s.body != body) {
      return;
    }
    s.expiresAt = now + ttlNanos;
    s.complete = true;
    if (bytes.get() > maxBytes) {
      evictLeastRecentlyUsed();
    }
  }

  /** Removes the body (its download failed). */
  void remove(Key key, SharedBody body) {
    Slot s = slots.get(key);
    if (s != null && s.body == body && slots.remove(key, s)) {
      bytes.addAndGet(-s.counted);
    }
  }

  /** Drops expired entries, then the least recently used complete ones until the total fits (run periodically). */
  void sweep(long now) {
    slots.forEach((key, s) -> {
      if (s.complete && now - s.expiresAt >= 0 && slots.remove(key, s)) {
        bytes.addAndGet(-s.counted);
      }
    });
    if (bytes.get() > maxBytes) {
      evictLeastRecentlyUsed();
    }
  }

  /**
   * Drops the least recently used complete entries until the total is 5% under the bound (evicting
   * in batches keeps the sort off the path of every chunk once the cache is full).
   */
  private void evictLeastRecentlyUsed() {
    List<Map.Entry<Key, Slot>> complete = new ArrayList<>();
    for (Map.Entry<Key, Slot> e : slots.entrySet()) {
      if (e.getValue().complete) {
        complete.add(e);
      }
    }
    complete.sort(Comparator.comparingLong(e -> e.getValue().lastUsed));
    long target = maxBytes - maxBytes / 20;
    for (Map.Entry<Key, Slot> e : complete) {
      if (bytes.get() <= target) {
        return;
      }
      if (slots.remove(e.getKey(), e.getValue())) {
        bytes.addAndGet(-e.getValue().counted);
      }
    }
  }

  /** Bytes held by the entries (downloads in progress included). */
  long bytes() {
    return bytes.get();
  }

  /** How many entries there are. */
  int size() {
    return slots.size();
  }

  /** Whether an entry for {@code key} is present (fresh or not). */
  boolean contains(Key key) {
    return slots.containsKey(key);
  }
}
