package dev.kanal.iptv;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The channel catalog: channels in group and number order, lookup, search and source health.
 * Thread-safe: readers see an immutable snapshot; health updates replace it.
 */
public final class ChannelCatalog {

  private volatile List<Channel> channels;
  private volatile Map<String, Channel> byId;
  /** Ids (lower case) of the channels search ranks first. */
  private volatile Set<String> favourites = Set.of();

  private ChannelCatalog(List<Channel> channels) {
    replace(channels);
  }

  /** A catalog of these channels, in this order. */
  public static ChannelCatalog of(List<Channel> channels) {
    return new ChannelCatalog(channels);
  }

  private void replace(List<Channel> list) {
    List<Channel> copy = List.copyOf(list);
    Map<String, Channel> index = copy.stream()
        .collect(Collectors.toUnmodifiableMap(c -> c.id().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
    this.byId = index;
    this.channels = copy;
  }

  /** Every channel, by group then number. */
  public List<Channel> channels() {
    return channels;
  }

  /** The groups in display order: configured groups by priority, then group-titles as they first appear. */
  public List<String> groups() {
    Set<String> out = new LinkedHashSet<>();
    channels.forEach(c -> out.add(c.group()));
    channels.forEach(c -> out.addAll(c.groups()));
    return List.copyOf(out);
  }

  /** The group of this name as the catalog spells it, ignoring case and width; empty when there is none. */
  public Optional<String> findGroup(String name) {
    String wanted = SearchText.fold(name.strip());
    return groups().stream().filter(g -> SearchText.fold(g).equals(wanted)).findFirst();
  }

  /** The channels of a group (any of their groups), in catalog order. */
  public List<Channel> channels(String group) {
    String wanted = SearchText.fold(group.strip());
    return channels.stream().filter(c -> c.groups().stream().anyMatch(g -> SearchText.fold(g).equals(wanted))).toList();
  }

  /**
   * Searches names (every name a channel is listed under) and ids: case-, width- and
   * diacritic-insensitive; ranked exact, prefix, word prefix, substring (CJK), small typos.
   *
   * @param group only channels of this group, when present
   */
  public List<Channel> search(String query, Optional<String> group) {
    List<Channel> scope = group.map(this::channels).orElse(channels);
    return ChannelSearch.search(scope, query, favourites);
  }

  /**
   * Marks channels as favourites ({@code iptv.favourites}): search lists matching favourites first.
   * Each entry is a channel id or name as {@link #find} takes it; entries that name no channel are
   * returned (a renamed or vanished channel), the others replace the previous favourites.
   */
  public List<String> setFavourites(List<String> idsOrNames) {
    Set<String> ids = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (String entry : idsOrNames) {
      find(entry).ifPresentOrElse(c -> ids.add(c.id().toLowerCase(Locale.ROOT)), () -> unknown.add(entry));
    }
    favourites = Set.copyOf(ids);
    return List.copyOf(unknown);
  }

  /** Whether this channel is a favourite. */
  public boolean isFavourite(Channel channel) {
    return favourites.contains(channel.id().toLowerCase(Locale.ROOT));
  }

  /** A channel by id (ignoring case), else by exact name (folded), else empty. */
  public Optional<Channel> find(String idOrName) {
    Objects.requireNonNull(idOrName, "idOrName");
    Channel c = byId.get(idOrName.strip().toLowerCase(Locale.ROOT));
    if (c != null) {
      return Optional.of(c);
    }
    String wanted = SearchText.compact(SearchText.fold(idOrName));
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    return channels.stream()
        .filter(ch -> ch.names().stream().anyMatch(n -> SearchText.compact(SearchText.fold(n)).equals(wanted)))
        .findFirst();
  }

  /**
   * What {@code kanal play} and the relay open: a channel by id or name (else the best search hit)
   * and its best source (by priority, then health, skipping sources known to be dead).
   */
  public Optional<Resolved> resolve(String nameOrId) {
    Optional<Channel> channel = find(nameOrId).or(() -> search(nameOrId, Optional.empty()).stream().findFirst());
    return channel.flatMap(c -> c.bestSource().map(s -> new Resolved(c, s)));
  }

  /**
   * A channel and the source to play.
   *
   * @param channel the channel
   * @param source its best source: URL and the headers to send
   */
  public record Resolved(Channel channel, ChannelSource source) {}

  /** Every distinct stream URL of the catalog, in catalog order (what {@code channels check} checks). */
  public List<String> urls() {
    Set<String> out = new LinkedHashSet<>();
    channels.forEach(c -> c.sources().forEach(s -> out.add(s.url())));
    return List.copyOf(out);
  }

  /**
   * Records a health check of a stream URL on every channel that has it, and re-orders those
   * channels' sources.
   *
   * @return how many sources had this URL
   */
  public int updateHealth(String url, CheckStatus status, Instant checkedAt, OptionalLong latencyMs) {
    return updateHealth(Map.of(url, new Health(status, checkedAt, latencyMs)));
  }

  /**
   * Records health checks (the newest per URL wins), in one pass over the catalog: each source whose
   * URL was checked takes its status, time and latency, and those channels' sources are re-ordered.
   *
   * @return how many sources were updated
   */
  public int updateHealth(Collection<CheckResult> results) {
    Map<String, Health> byUrl = new HashMap<>();
    for (CheckResult r : results) {
      Health h = new Health(r.status(), r.checkedAt(), OptionalLong.of(r.latencyMs()));
      byUrl.merge(r.url(), h, (a, b) -> b.checkedAt().isBefore(a.checkedAt()) ? a : b);
    }
    return updateHealth(byUrl);
  }

  private record Health(CheckStatus status, Instant checkedAt, OptionalLong latencyMs) {}

  private synchronized int updateHealth(Map<String, Health> byUrl) {
    if (byUrl.isEmpty()) {
      return 0;
    }
    int updated = 0;
    List<Channel> next = new ArrayList<>(channels.size());
    for (Channel c : channels) {
      boolean touched = false;
      List<ChannelSource> sources = new ArrayList<>(c.sources().size());
      for (ChannelSource s : c.sources()) {
        Health h = byUrl.get(s.url());
        if (h != null) {
          sources.add(s.withHealth(h.status(), h.checkedAt(), h.latencyMs()));
          touched = true;
          updated++;
        } else {
          sources.add(s);
        }
      }
      next.add(touched ? c.withSources(sources) : c);
    }
    if (updated > 0) {
      replace(next);
    }
    return updated;
  }
}
