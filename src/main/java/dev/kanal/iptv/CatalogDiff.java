package dev.kanal.iptv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two refreshes, by channel id: channels added, removed, and changed (name,
 * group, logo, country, language or stream URLs). Numbers are left out: they follow from the order.
 *
 * @param added channels only in the new catalog, in its order
 * @param removed channels only in the old one, in its order
 * @param changed channels in both whose fields differ, in the new order
 */
public record CatalogDiff(List<Item> added, List<Item> removed, List<Change> changed) {

  /** Copies the lists. */
  public CatalogDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    changed = List.copyOf(changed);
  }

  /**
   * The fields of a channel a diff compares.
   *
   * @param id the channel id
   * @param name its name
   * @param group its primary group
   * @param logo its logo URL, or empty
   * @param country its country, or empty
   * @param language its language, or empty
   * @param urls its stream URLs
   */
  public record Item(String id, String name, String group, String logo, String country, String language,
      List<String> urls) {
    /** Checks for nulls and copies the URLs. */
    public Item {
      Objects.requireNonNull(id, "id");
      name = Objects.requireNonNullElse(name, "");
      group = Objects.requireNonNullElse(group, "");
      logo = Objects.requireNonNullElse(logo, "");
      country = Objects.requireNonNullElse(country, "");
      language = Objects.requireNonNullElse(language, "");
      urls = List.copyOf(urls);
    }

    /** The fields of a channel. */
    public static Item of(Channel c) {
      return new Item(c.id(), c.name(), c.group(), c.logo(), c.country(), c.language(),
          c.sources().stream().map(ChannelSource::url).toList());
    }
  }

  /**
   * One changed channel.
   *
   * @param before the old fields
   * @param after the new fields
   * @param changes one phrase per changed field: {@code name 'A' -> 'B'}, {@code sources +1 -2}
   */
  public record Change(Item before, Item after, List<String> changes) {
    /** Copies the list. */
    public Change {
      changes = List.copyOf(changes);
    }
  }

  /** True when nothing changed. */
  public boolean isEmpty() {
    return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
  }

  /** The difference from {@code before} to {@code after}. */
  public static CatalogDiff between(List<Item> before, List<Item> after) {
    Map<String, Item> old = new LinkedHashMap<>();
    before.forEach(i -> old.putIfAbsent(i.id(), i));
    Set<String> now = new LinkedHashSet<>();
    List<Item> added = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    for (Item a : after) {
      if (!now.add(a.id())) {
        continue;
      }
      Item b = old.get(a.id());
      if (b == null) {
        added.add(a);
        continue;
      }
      List<String> what = new ArrayList<>();
      field(what, "name", b.name(), a.name());
      field(what, "group", b.group(), a.group());
      field(what, "logo", b.logo(), a.logo());
      field(what, "country", b.country(), a.country());
      field(what, "language", b.language(), a.language());
      Set<String> oldUrls = new LinkedHashSet<>(b.urls());
      Set<String> newUrls = new LinkedHashSet<>(a.urls());
      long plus = newUrls.stream().filter(u -> !oldUrls.contains(u)).count();
      long minus = oldUrls.stream().filter(u -> !newUrls.contains(u)).count();
      if (plus > 0 || minus > 0) {
        what.add("sources +" + plus + " -" + minus);
      }
      if (!what.isEmpty()) {
        changed.add(new Change(b, a, what));
      }
    }
    List<Item> removed = before.stream().filter(i -> !now.contains(i.id())).toList();
    return new CatalogDiff(added, removed, changed);
  }

  private static void field(List<String> what, String name, String before, String after) {
    if (!before.equals(after)) {
      what.add(name + " '" + before + "' -> '" + after + "'");
    }
  }
}
