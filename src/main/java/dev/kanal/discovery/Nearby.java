package dev.kanal.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live list of neighbours: bounded ({@link #MAX_ENTRIES}; when full, the one seen longest ago
 * goes), each entry kept until its announcement expires or it says goodbye. Thread-safe: the mDNS
 * and SSDP listeners write, HTTP requests read.
 */
final class Nearby {

  static final int MAX_ENTRIES = 256;
  /** How long an mDNS entry is kept without news (JmDNS reports removals; this catches the ones it misses). */
  static final Duration MDNS_LIFETIME = Duration.ofMinutes(75);

  private record Entry(Neighbour neighbour, Map<String, Instant> expiresBy) {}

  private final Clock clock;
  private final String ownId;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  Nearby(Clock clock, String ownId) {
    this.clock = clock;
    this.ownId = ownId;
  }

  Clock clock() {
    return clock;
  }

  /** Whether {@code id} is this server's own (heard back through multicast loopback). */
  boolean isSelf(String id) {
    return !ownId.isEmpty() && ownId.equalsIgnoreCase(id);
  }

  /** Adds or refreshes {@code n}, found {@code via} (mdns or ssdp), until {@code lifetime} has passed. */
  synchronized void put(Neighbour n, String via, Duration lifetime) {
    if (isSelf(n.id())) {
      return;
    }
    Instant expires = clock.instant().plus(lifetime);
    Entry old = entries.remove(n.key());
    Entry updated;
    if (old == null) {
      updated = new Entry(n, new LinkedHashMap<>(Map.of(via, expires)));
    } else {
      Map<String, Instant> by = new LinkedHashMap<>(old.expiresBy());
      by.put(via, expires);
      updated = new Entry(old.neighbour().merge(n), by);
    }
    entries.put(n.key(), updated);
    while (entries.size() > MAX_ENTRIES) {
      String oldest = entries.entrySet().stream()
          .min(Comparator.comparing(e -> e.getValue().neighbour().lastSeen()))
          .map(Map.Entry::getKey).orElseThrow();
      entries.remove(oldest);
    }
  }

  /** Forgets that {@code key} was found {@code via} (a goodbye or byebye); gone when nothing else found it. */
  synchronized void remove(String key, String via) {
    Entry e = entries.get(key);
    if (e == null) {
      return;
    }
    Map<String, Instant> by = new LinkedHashMap<>(e.expiresBy());
    by.remove(via);
    if (by.isEmpty()) {
      entries.remove(key);
    } else {
      entries.put(key, new Entry(e.neighbour().without(via), by));
    }
  }

  /** Forgets every entry whose id is {@code id} (any kind) found {@code via}. */
  synchronized void removeId(String id, String via) {
    for (String key : new ArrayList<>(entries.keySet())) {
      if (entries.get(key).neighbour().id().equalsIgnoreCase(id)) {
        remove(key, via);
      }
    }
  }

  /** What is there now, by kind then name; expired entries are dropped. */
  synchronized List<Neighbour> list() {
    Instant now = clock.instant();
    List<Neighbour> out = new ArrayList<>();
    for (String key : new ArrayList<>(entries.keySet())) {
      Entry e = entries.get(key);
      Map<String, Instant> by = new LinkedHashMap<>(e.expiresBy());
      by.values().removeIf(t -> t.isBefore(now));
      if (by.isEmpty()) {
        entries.remove(key);
        continue;
      }
      Neighbour n = e.neighbour();
      for (String how : e.expiresBy().keySet()) {
        if (!by.containsKey(how)) {
          n = n.without(how);
        }
      }
      entries.put(key, new Entry(n, by));
      out.add(n);
    }
    out.sort(Comparator.comparing(Neighbour::kind).thenComparing(Neighbour::name).thenComparing(Neighbour::id));
    return List.copyOf(out);
  }
}
