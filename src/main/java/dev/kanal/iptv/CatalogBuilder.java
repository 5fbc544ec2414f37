package dev.kanal.iptv;

import dev.kanal.config.KanalConfig.GroupConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.playlist.IptvPlaylist;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the catalog from parsed playlists: one channel per tvg-id (or, for entries without one,
 * per normalised name and country), with every entry's stream as a source, then groups and numbers.
 */
public final class CatalogBuilder {

  /** Ids that are used as they are; anything else is encoded. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  /** iptv-org's tvg-id form {@code Name.cc} or {@code Name.cc@Feed}: the country is the suffix. */
  private static final Pattern IPTV_ORG_ID = Pattern.compile(".+\\.([a-zA-Z]{2})(@.*)?");

  private CatalogBuilder() {}

  /**
   * One parsed playlist and the source it came from.
   *
   * @param source the configured source (its URL names the origin; its priority and headers apply)
   * @param playlist the parsed playlist
   */
  public record Input(SourceConfig source, IptvPlaylist playlist) {}

  /** What the builder gathers for one channel before it is a {@link Channel}. */
  private static final class Draft {
    final String key;
    final int order;
    String tvgId = "";
    String name = "";
    int namePriority = Integer.MIN_VALUE;
    final Set<String> names = new LinkedHashSet<>();
    String logo = "";
    final Set<String> groups = new LinkedHashSet<>();
    String country = "";
    String language = "";
    String number;
    final List<ChannelSource> sources = new ArrayList<>();
    final Set<String> seen = new java.util.HashSet<>();

    Draft(String key, int order) {
      this.key = key;
      this.order = order;
    }
  }

  /**
   * Builds a catalog.
   *
   * @throws IllegalArgumentException when a configured group rule is invalid (the message names its key)
   */
  public static ChannelCatalog build(List<Input> inputs, List<GroupConfig> groupConfigs) {
    List<Grouping.Group> groups = Grouping.parse(groupConfigs);
    Map<String, Draft> drafts = new LinkedHashMap<>();
    Map<String, Draft> byName = new HashMap<>();
    int order = 0;
    // Entries with a tvg-id first, so that entries without one can join the channel of the same name.
    for (int pass = 0; pass < 2; pass++) {
      int position = 0;
      for (Input input : inputs) {
        for (IptvPlaylist.Entry entry : input.playlist().entries()) {
          position++;
          String tvgId = entry.attribute("tvg-id").map(String::strip).orElse("");
          if ((pass == 0) == tvgId.isEmpty()) {
            continue;
          }
          String name = displayName(entry);
          String country = country(entry, tvgId);
          String nameKey = SearchText.compact(SearchText.fold(name)) + "|" + country.toLowerCase(Locale.ROOT);
          Draft draft;
          if (!tvgId.isEmpty()) {
            int at = position;
            draft = drafts.computeIfAbsent("id:" + tvgId.toLowerCase(Locale.ROOT), k -> new Draft(k, at));
            draft.tvgId = draft.tvgId.isEmpty() ? tvgId : draft.tvgId;
            byName.putIfAbsent(nameKey, draft);
          } else {
            int at = position;
            draft = byName.computeIfAbsent(nameKey, k -> drafts.computeIfAbsent("name:" + k, kk -> new Draft(kk, at)));
          }
          add(draft, input.source(), entry, name, country);
        }
      }
    }
    List<Draft> ordered = new ArrayList<>(drafts.values());
    ordered.sort(java.util.Comparator.comparingInt(d -> d.order));
    Set<String> ids = new java.util.HashSet<>();
    List<Channel> channels = new ArrayList<>(ordered.size());
    for (Draft d : ordered) {
      String id = uniqueId(d.tvgId.isEmpty() ? generatedId(d.name, d.country) : safeId(d.tvgId), ids);
      List<String> names = new ArrayList<>();
      names.add(d.name);
      d.names.stream().filter(n -> !n.equals(d.name)).forEach(names::add);
      channels.add(new Channel(id, d.name, names, d.logo, List.copyOf(d.groups), d.country, d.language,
          Optional.ofNullable(d.number), d.tvgId, d.sources.stream().sorted(Channel.SOURCE_ORDER).toList()));
    }
    return ChannelCatalog.of(Grouping.apply(channels, groups));
  }

  private static void add(Draft d, SourceConfig source, IptvPlaylist.Entry entry, String name, String country) {
    if (source.priority() > d.namePriority) {
      d.name = name;
      d.namePriority = source.priority();
    }
    d.names.add(name);
    entry.attribute("tvg-name").map(String::strip).filter(n -> !n.isEmpty()).ifPresent(d.names::add);
    String logo = entry.attribute("tvg-logo").map(String::strip).orElse("");
    if (d.logo.isEmpty() && !logo.isEmpty()) {
      d.logo = logo;
    }
    d.groups.addAll(Grouping.clean(entry.group()));
    if (d.groups.size() > 1) {
      d.groups.remove(Grouping.UNDEFINED);
    }
    if (d.country.isEmpty()) {
      d.country = country;
    }
    if (d.language.isEmpty()) {
      d.language = entry.attribute("tvg-language").map(String::strip).orElse("");
    }
    if (d.number == null) {
      entry.attribute("tvg-chno").map(String::strip).filter(n -> !n.isEmpty() && n.length() <= 16).ifPresent(n -> d.number = n);
    }
    Map<String, String> headers = new LinkedHashMap<>(source.headers());
    entry.headers().forEach((k, v) -> {
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
      headers.put(k, v);
    });
    String url = entry.resolvedUrl().strip();
    if (url.isEmpty() || !d.seen.add(url + "\n" + headers)) {
      return;
    }
    d.sources.add(ChannelSource.unchecked(url, headers, source.url(), source.priority(), source.allowPrivate()));
  }

  /** The entry's title without markers, else its tvg-name, else its URL. */
  private static String displayName(IptvPlaylist.Entry entry) {
    String name = entry.name().strip();
    if (name.isEmpty()) {
      name = entry.attribute("tvg-name").map(String::strip).orElse("");
    }
    return name.isEmpty() ? entry.resolvedUrl() : name;
  }

  /** {@code tvg-country} (the first of a list) in upper case, else the suffix of an iptv-org tvg-id. */
  static String country(IptvPlaylist.Entry entry, String tvgId) {
    String declared = entry.attribute("tvg-country").orElse("").strip();
    if (!declared.isEmpty()) {
      return declared.split("[;,\\s]+")[0].toUpperCase(Locale.ROOT);
    }
    var m = IPTV_ORG_ID.matcher(tvgId);
    return m.matches() ? m.group(1).toUpperCase(Locale.ROOT) : "";
  }

  /** A tvg-id as an id: as it is when URL-safe, else with other bytes written {@code ~XX}. */
  static String safeId(String tvgId) {
    if (SAFE_ID.matcher(tvgId).matches()) {
      return tvgId;
    }
    StringBuilder out = new StringBuilder();
    for (byte b : tvgId.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-')) {
        out.append(c);
      } else {
        out.append('~').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    return out.length() <= 128 ? out.toString() : out.substring(0, 111) + "~" + hash(tvgId).substring(0, 16);
  }

  /**
   * An id for a channel without tvg-id: the ASCII name in lower case with dashes, then
   * {@code .cc}; for names in other scripts {@code ch-} and a hash of the normalised name.
   */
  static String generatedId(String name, String country) {
    String folded = SearchText.fold(name);
    String suffix = country.isEmpty() ? "" : "." + country.toLowerCase(Locale.ROOT);
    String slug = String.join("-", SearchText.tokens(folded));
    if (!slug.isEmpty() && slug.length() <= 100 && slug.chars().allMatch(c -> c < 128)) {
      return slug + suffix;
    }
    return "ch-" + hash(SearchText.compact(folded) + "|" + country).substring(0, 12) + suffix;
  }

  private static String uniqueId(String id, Set<String> taken) {
    String candidate = id;
    for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
      candidate = id + "-" + n;
    }
    return candidate;
  }

  static String hash(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is part of every JVM", e);
    }
  }
}
