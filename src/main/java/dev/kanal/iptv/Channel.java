package dev.kanal.iptv;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One channel of the catalog, merged from every playlist entry that names it.
 *
 * @param id stable across refreshes: the {@code tvg-id} when present, else one made from the
 *     normalised name and country; matches {@code [A-Za-z0-9_.~-]{1,128}} (URL-safe)
 * @param name the display name ({@code tvg-name}-free title without iptv-org/Free-TV markers) of
 *     the preferred entry
 * @param names every distinct name the merged entries use, the display name first (for search)
 * @param logo the {@code tvg-logo} URL, empty when no entry has one
 * @param groups the groups the channel belongs to, the primary (first) one decides its place
 * @param country the {@code tvg-country} (upper case), else the country suffix of an iptv-org
 *     {@code tvg-id} such as {@code CCTV1.cn}, else empty
 * @param language the {@code tvg-language}, else empty
 * @param number the channel number: {@code tvg-chno} when present (may be {@code 22.1}), else
 *     assigned from the group's start number; empty when there are no numbers at all
 * @param tvgId the {@code tvg-id} as written, empty when no entry had one
 * @param sources the streams, ordered by playlist priority (highest first), then health, then input order
 */
public record Channel(String id, String name, List<String> names, String logo, List<String> groups,
    String country, String language, Optional<String> number, String tvgId, List<ChannelSource> sources) {

  /** How sources are ordered: priority (highest first), then health; stable for equal keys. */
  public static final Comparator<ChannelSource> SOURCE_ORDER =
      Comparator.comparingInt(ChannelSource::priority).reversed()
          .thenComparingInt(s -> s.status().rank());

  /** Checks for nulls and copies the lists. */
  public Channel {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(logo, "logo");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(language, "language");
    Objects.requireNonNull(number, "number");
    Objects.requireNonNull(tvgId, "tvgId");
    names = List.copyOf(names);
    groups = List.copyOf(groups);
    sources = List.copyOf(sources);
  }

  /** The primary group, as the JSON {@code group} field shows it. */
  public String group() {
    return groups.isEmpty() ? Grouping.UNDEFINED : groups.get(0);
  }

  /** The best status of any source: what the channel's {@code status} field shows. */
  public CheckStatus status() {
    return sources.stream().map(ChannelSource::status).min(Comparator.comparingInt(CheckStatus::rank))
        .orElse(CheckStatus.UNKNOWN);
  }

  /** The source to play: the first (by priority then health) that is not known to be dead. */
  public Optional<ChannelSource> bestSource() {
    return sources.stream().filter(s -> s.status() == CheckStatus.ALIVE || s.status() == CheckStatus.UNKNOWN)
        .findFirst().or(() -> sources.stream().findFirst());
  }

  /** This channel with other sources, re-ordered by {@link #SOURCE_ORDER}. */
  public Channel withSources(List<ChannelSource> newSources) {
    return new Channel(id, name, names, logo, groups, country, language, number, tvgId,
        newSources.stream().sorted(SOURCE_ORDER).toList());
  }
}
