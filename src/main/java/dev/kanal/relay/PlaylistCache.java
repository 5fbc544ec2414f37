package dev.kanal.relay;

import dev.kanal.playlist.Playlist;
import io.vertx.core.Future;
import java.net.URI;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Upstream playlists, parsed, each kept fresh for a time that depends on what it is (half a target
 * duration for a live media playlist) counted from when its answer arrived; requests while a fetch
 * is in progress join it, so an upstream sees at most one playlist request per URL and freshness
 * period however many viewers there are. Failures are not kept. At most {@value #MAX_ENTRIES}
 * entries (least recently used dropped).
 *
 * <p>Not thread-safe: the relay touches it only on its own context.
 */
final class PlaylistCache {

  static final int MAX_ENTRIES = 4096;

  /**
   * Which playlist.
   *
   * @param sourceId the source whose headers fetch it
   * @param url the URL requested (before redirects)
   */
  record Key(long sourceId, String url) {}

  /**
   * A parsed upstream playlist.
   *
   * @param url the URL that answered, after redirects: the base of its relative URIs
   * @param playlist the playlist
   * @param receivedAt {@code System.nanoTime()} when the answer was complete
   */
  record Fetched(URI url, Playlist playlist, long receivedAt) {}

  private static final class Slot {
    Fetched value;
    long freshUntil;
    Future<Fetched> inFlight;
  }

  private final LinkedHashMap<Key, Slot> slots = new LinkedHashMap<>(64, 0.75f, true);

  /**
   * The playlist for {@code key}: the fresh copy, the fetch in progress, or a new fetch.
   *
   * @param freshFor how long a fetched copy stays fresh, in nanoseconds
   * @param lookup told whether it was a hit, joined a fetch, or missed
   */
  Future<Fetched> get(Key key, long now, Supplier<Future<Fetched>> fetch, ToLongFunction<Fetched> freshFor,
      Consumer<RelayMetrics.Lookup> lookup) {
    Slot slot = slots.get(key);
    if (slot != null && slot.value != null && slot.freshUntil - now > 0) {
      lookup.accept(RelayMetrics.Lookup.HIT);
      return Future.succeededFuture(slot.value);
    }
    if (slot != null && slot.inFlight != null) {
      lookup.accept(RelayMetrics.Lookup.COALESCED);
      return slot.inFlight;
    }
    lookup.accept(RelayMetrics.Lookup.MISS);
    Slot s = slot != null ? slot : new Slot();
    if (slot == null) {
      slots.put(key, s);
      trim();
    }
    Future<Fetched> f = fetch.get();
    s.inFlight = f;
    f.onComplete(ar -> {
      if (s.inFlight == f) {
        s.inFlight = null;
      }
      if (ar.succeeded()) {
        s.value = ar.result();
        s.freshUntil = ar.result().receivedAt() + freshFor.applyAsLong(ar.result());
      }
    });
    return f;
  }

  /** Drops entries that are neither fresh nor being fetched. */
  void sweep(long now) {
    for (Iterator<Map.Entry<Key, Slot>> it = slots.entrySet().iterator(); it.hasNext(); ) {
      Slot s = it.next().getValue();
      if (s.inFlight == null && (s.value == null || s.freshUntil - now <= 0)) {
        it.remove();
      }
    }
  }

  private void trim() {
    Iterator<Map.Entry<Key, Slot>> it = slots.entrySet().iterator();
    while (slots.size() > MAX_ENTRIES && it.hasNext()) {
      if (it.next().getValue().inFlight == null) {
        it.remove();
      }
    }
  }

  int size() {
    return slots.size();
  }
}
