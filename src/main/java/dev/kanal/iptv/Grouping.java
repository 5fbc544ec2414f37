package dev.kanal.iptv;

import dev.kanal.config.KanalConfig.GroupConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts channels in groups, orders the groups and numbers the channels. Without configured groups a
 * channel's groups are its cleaned group-titles; with them, a channel joins every configured group
 * whose rules it matches, and keeps its group-titles only when it matches none.
 */
final class Grouping {

  /** The group of channels whose playlists name none. */
  static final String UNDEFINED = "Undefined";

  private Grouping() {}

  /** A configured group with its rules parsed. */
  record Group(GroupConfig config, List<GroupRule> include, List<GroupRule> exclude, int index) {
    boolean matches(Channel c, List<String> playlistGroups) {
      return include.stream().anyMatch(r -> r.matches(c, playlistGroups))
          && exclude.stream().noneMatch(r -> r.matches(c, playlistGroups));
    }
  }

  /**
   * Cleans a group-title: trimmed, split at {@code ;} (iptv-org's multi-group form), blanks and
   * duplicates dropped, {@link #UNDEFINED} when nothing is left.
   */
  static List<String> clean(String groupTitle) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : groupTitle.split(";")) {
      String g = part.strip().replaceAll("\\s+", " ");
      if (!g.isEmpty() && !g.equalsIgnoreCase(UNDEFINED)) {
        out.add(g);
      }
    }
    return out.isEmpty() ? List.of(UNDEFINED) : List.copyOf(out);
  }

  /**
   * Parses the configured groups' rules.
   *
   * @throws IllegalArgumentException naming the config key of the first bad rule
   */
  static List<Group> parse(List<GroupConfig> configs) {
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      GroupConfig g = configs.get(i);
      groups.add(new Group(g, rules("iptv.groups[" + i + "].include", g.include()),
          rules("iptv.groups[" + i + "].exclude", g.exclude()), i));
    }
    groups.sort(Comparator.comparingInt((Group g) -> g.config().priority()).reversed()
        .thenComparingInt(Group::index));
    return groups;
  }

  private static List<GroupRule> rules(String key, List<String> texts) {
    List<GroupRule> rules = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        rules.add(GroupRule.parse(texts.get(i)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + "[" + i + "]: " + e.getMessage(), e);
      }
    }
    return rules;
  }

  /**
   * Assigns groups, sorts channels by group (configured groups by priority, then group-titles in
   * the order they first appear; input order inside a group) and numbers them.
   */
  static List<Channel> apply(List<Channel> channels, List<Group> groups) {
    Map<String, List<Channel>> byGroup = new LinkedHashMap<>();
    Map<String, Group> configured = new LinkedHashMap<>();
    for (Group g : groups) {
      byGroup.put(g.config().name(), new ArrayList<>());
      configured.put(g.config().name(), g);
    }
    List<Channel> grouped = new ArrayList<>(channels.size());
    for (Channel c : channels) {
      List<String> names = new ArrayList<>();
      for (Group g : groups) {
        if (g.matches(c, c.groups())) {
          names.add(g.config().name());
        }
      }
      if (names.isEmpty()) {
        names.addAll(c.groups());
      }
      Channel withGroups = new Channel(c.id(), c.name(), c.names(), c.logo(), names, c.country(), c.language(),
          c.number(), c.tvgId(), c.sources());
      grouped.add(withGroups);
      byGroup.computeIfAbsent(withGroups.group(), k -> new ArrayList<>()).add(withGroups);
    }
    Set<Integer> taken = new HashSet<>();
    for (Channel c : grouped) {
      c.number().flatMap(Grouping::wholeNumber).ifPresent(taken::add);
    }
    List<Channel> out = new ArrayList<>(grouped.size());
    int next = 1;
    for (Map.Entry<String, List<Channel>> e : byGroup.entrySet()) {
      Group g = configured.get(e.getKey());
      if (g != null && g.config().startNumber() > 0) {
        next = g.config().startNumber();
      }
      for (Channel c : e.getValue()) {
        if (c.number().isPresent()) {
          out.add(c);
          continue;
        }
        while (taken.contains(next)) {
          next++;
        }
        taken.add(next);
        out.add(new Channel(c.id(), c.name(), c.names(), c.logo(), c.groups(), c.country(), c.language(),
            Optional.of(Integer.toString(next++)), c.tvgId(), c.sources()));
      }
    }
    return out;
  }

  private static Optional<Integer> wholeNumber(String number) {
    try {
      BigDecimal d = new BigDecimal(number);
      return d.scale() <= 0 && d.compareTo(BigDecimal.valueOf(1_000_000)) < 0 ? Optional.of(d.intValue()) : Optional.empty();
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
