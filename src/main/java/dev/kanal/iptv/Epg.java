package dev.kanal.iptv;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A programme guide in memory: the channels of one or more XMLTV guides and, per channel, its
 * programmes within the window, sorted by start. Immutable; built with {@link #builder()}.
 */
public final class Epg {

  /**
   * What runs now and what comes next on a channel.
   *
   * @param now the programme running at the instant asked, if any
   * @param next the first programme starting after it, if any
   */
  public record NowNext(Optional<EpgProgramme> now, Optional<EpgProgramme> next) {
    /** Checks for nulls. */
    public NowNext {
      Objects.requireNonNull(now, "now");
      Objects.requireNonNull(next, "next");
    }
  }

  private final Map<String, XmltvChannel> channels;
  private final Map<String, List<EpgProgramme>> programmes;
  private final Map<String, String> idsIgnoringCase;
  private final Map<String, String> idsByName;

  private Epg(Map<String, XmltvChannel> channels, Map<String, List<EpgProgramme>> programmes) {
    this.channels = channels;
    this.programmes = programmes;
    this.idsIgnoringCase = new HashMap<>();
    this.idsByName = new HashMap<>();
    for (XmltvChannel c : channels.values()) {
      idsIgnoringCase.putIfAbsent(c.id().toLowerCase(Locale.ROOT), c.id());
      for (String name : c.displayNames()) {
        String key = EpgNames.normalise(name);
        if (!key.isEmpty()) {
          idsByName.putIfAbsent(key, c.id());
        }
      }
    }
  }

  /** The key names are compared by: case-, accent- and width-insensitive, without spaces and punctuation. */
  public static String nameKey(String name) {
    return EpgNames.normalise(name);
  }

  /** An empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The guide's channels, in the order they were first declared. */
  public Collection<XmltvChannel> channels() {
    return channels.values();
  }

  /** A channel by its XMLTV id. */
  public Optional<XmltvChannel> channel(String id) {
    return Optional.ofNullable(channels.get(id));
  }

  /** The programmes of a channel (by XMLTV id), sorted by start; empty when none. */
  public List<EpgProgramme> programmes(String channelId) {
    return programmes.getOrDefault(channelId, List.of());
  }

  /** How many programmes the guide holds. */
  public long programmeCount() {
    return programmes.values().stream().mapToLong(List::size).sum();
  }

  /**
   * The XMLTV channel of a playlist channel: by {@code tvg-id} (exactly, then ignoring case), then by
   * normalised display name (case-, accent- and width-insensitive).
   */
  public Optional<String> match(String tvgId, String name) {
    if (tvgId != null && !tvgId.isBlank()) {
      String id = tvgId.strip();
      if (channels.containsKey(id) || programmes.containsKey(id)) {
        return Optional.of(id);
      }
      String ignoringCase = idsIgnoringCase.get(id.toLowerCase(Locale.ROOT));
      if (ignoringCase != null) {
        return Optional.of(ignoringCase);
      }
    }
    if (name != null) {
      String key = EpgNames.normalise(name);
      if (!key.isEmpty()) {
        return Optional.ofNullable(idsByName.get(key));
      }
    }
    return Optional.empty();
  }

  /** What runs on the channel (XMLTV id) at {@code at}, and what comes next. */
  public NowNext nowNext(String channelId, Instant at) {
    List<EpgProgramme> list = programmes(channelId);
    // Binary search for the last programme starting at or before 'at'.
    int lo = 0;
    int hi = list.size() - 1;
    int last = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (!list.get(mid).start().isAfter(at)) {
        last = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    Optional<EpgProgramme> now = last >= 0 && list.get(last).runsAt(at) ? Optional.of(list.get(last)) : Optional.empty();
    Optional<EpgProgramme> next = last + 1 < list.size() ? Optional.of(list.get(last + 1)) : Optional.empty();
    return new NowNext(now, next);
  }

  /** Collects channels and programmes from one or more guides; not thread-safe. */
  public static final class Builder {
    private final Map<String, XmltvChannel> channels = new LinkedHashMap<>();
    private final Map<String, List<EpgProgramme>> programmes = new HashMap<>();

    private Builder() {}

    /** Adds a channel; a later guide's channel of the same id adds its display names. */
    public Builder channel(XmltvChannel channel) {
      channels.merge(channel.id(), channel, (a, b) -> {
        List<String> names = new ArrayList<>(a.displayNames());
        b.displayNames().stream().filter(n -> !names.contains(n)).forEach(names::add);
        return new XmltvChannel(a.id(), names, a.icon().or(b::icon));
      });
      return this;
    }

    /** Adds a programme. */
    public Builder programme(EpgProgramme programme) {
      programmes.computeIfAbsent(programme.channelId(), k -> new ArrayList<>()).add(programme);
      return this;
    }

    /** The channel id as already stored, so that a million programmes share a few thousand strings. */
    String canonicalId(String id) {
      XmltvChannel c = channels.get(id);
      return c != null ? c.id() : id;
    }

    /** Sorts each channel's programmes, drops duplicates (same start), fills missing stops. */
    public Epg build() {
      Map<String, List<EpgProgramme>> sorted = new HashMap<>();
      programmes.forEach((id, list) -> {
        list.sort(Comparator.comparing(EpgProgramme::start));
        List<EpgProgramme> clean = new ArrayList<>(list.size());
        for (EpgProgramme p : list) {
          if (!clean.isEmpty() && clean.getLast().start().equals(p.start())) {
            continue;
          }
          if (!clean.isEmpty() && clean.getLast().stop().isEmpty()) {
            clean.set(clean.size() - 1, clean.getLast().withStop(p.start()));
          }
          clean.add(p);
        }
        sorted.put(id, List.copyOf(clean));
      });
      return new Epg(new LinkedHashMap<>(channels), sorted);
    }
  }
}
