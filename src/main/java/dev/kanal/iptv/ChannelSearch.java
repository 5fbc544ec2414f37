package dev.kanal.iptv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Ranks channels for a query: exact name (100) > name prefix (80) > every query word a prefix of a
 * name word (70) > substring, which is how CJK text matches (50) > words within a small typo
 * distance (30 minus the typos). Folding makes all of it case-, width- and diacritic-insensitive.
 * Favourites ({@code iptv.favourites}) come before every other match.
 */
final class ChannelSearch {

  static final int EXACT = 100;
  static final int ID = 95;
  static final int PREFIX = 80;
  static final int TOKEN_PREFIX = 70;
  static final int SUBSTRING = 50;
  static final int FUZZY = 30;

  /** Queries longer than this are cut: a name is never that long, and fuzzy matching costs length squared. */
  static final int MAX_QUERY_CHARS = 200;

  private ChannelSearch() {}

  /** A match and its score. */
  record Hit(Channel channel, int score) {}

  static List<Channel> search(List<Channel> channels, String query) {
    return search(channels, query, Set.of());
  }

  /**
   * Ranks as above, with favourites first: every matching favourite (in rank order) before the
   * other matches (in rank order).
   *
   * @param favourites lower-case ids of favourite channels
   */
  static List<Channel> search(List<Channel> channels, String query, Set<String> favourites) {
    String q = query.length() > MAX_QUERY_CHARS ? query.substring(0, MAX_QUERY_CHARS) : query;
    Query prepared = new Query(SearchText.fold(q));
    if (prepared.compact.isEmpty()) {
      return List.of();
    }
    List<Hit> hits = new ArrayList<>();
    for (Channel c : channels) {
      int score = score(prepared, c);
      if (score > 0) {
        hits.add(new Hit(c, score));
      }
    }
    Comparator<Hit> favouriteFirst = Comparator.comparing(h -> !favourites.contains(h.channel().id().toLowerCase(Locale.ROOT)));
    hits.sort(favouriteFirst.thenComparing(Comparator.comparingInt(Hit::score).reversed())
        .thenComparingInt(h -> h.channel().name().length()));
    return hits.stream().map(Hit::channel).toList();
  }

  private record Query(String folded, String compact, List<String> tokens) {
    Query(String folded) {
      this(folded, SearchText.compact(folded), SearchText.tokens(folded));
    }
  }

  static int score(String query, Channel channel) {
    Query q = new Query(SearchText.fold(query));
    return q.compact.isEmpty() ? 0 : score(q, channel);
  }

  private static int score(Query q, Channel channel) {
    int best = 0;
    String id = SearchText.compact(SearchText.fold(channel.id()));
    if (id.equals(q.compact) || (!channel.tvgId().isEmpty() && SearchText.compact(SearchText.fold(channel.tvgId())).equals(q.compact))) {
      best = ID;
    }
    for (String name : channel.names()) {
      best = Math.max(best, scoreName(q, SearchText.fold(name)));
      if (best == EXACT) {
        break;
      }
    }
    return best;
  }

  private static int scoreName(Query q, String folded) {
    String compact = SearchText.compact(folded);
    if (compact.equals(q.compact)) {
      return EXACT;
    }
    if (compact.startsWith(q.compact)) {
      return PREFIX;
    }
    List<String> nameTokens = SearchText.tokens(folded);
    boolean allPrefix = true;
    for (String t : q.tokens) {
      if (nameTokens.stream().noneMatch(n -> n.startsWith(t))) {
        allPrefix = false;
        break;
      }
    }
    if (allPrefix) {
      return TOKEN_PREFIX;
    }
    if (compact.contains(q.compact)) {
      return SUBSTRING;
    }
    int typos = 0;
    for (String t : q.tokens) {
      if (SearchText.hasCjk(t)) {
        if (!compact.contains(t)) {
          return 0;
        }
        continue;
      }
      int allowed = SearchText.allowedTypos(t);
      int bestToken = Integer.MAX_VALUE;
      for (String n : nameTokens) {
        if (n.startsWith(t)) {
          bestToken = 0;
          break;
        }
        if (allowed == 0) {
          continue;
        }
        int d = SearchText.distance(t, n, allowed);
        if (n.length() > t.length()) {
          // A typo in a word the user has not finished typing: compare with the name word's start.
          d = Math.min(d, SearchText.distance(t, n.substring(0, t.length()), allowed));
        }
        bestToken = Math.min(bestToken, d);
      }
      if (bestToken > allowed) {
        return 0;
      }
      typos += bestToken;
    }
    return Math.max(1, FUZZY - typos);
  }
}
