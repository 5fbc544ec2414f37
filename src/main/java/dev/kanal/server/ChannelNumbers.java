package dev.kanal.server;

import dev.kanal.iptv.Channel;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The channel numbers clients see ({@code tvg-chno} in {@code /iptv/playlist.m3u}, {@code GuideNumber}
 * in the HDHomeRun lineup, a {@code display-name} in {@code /iptv/epg.xml}): the catalog's number when
 * it is a plain number ({@code 7}, {@code 22.1}) not taken by an earlier channel, else the next free
 * whole number after the highest one in use. Plex and Jellyfin key channels by this number
 * (Jellyfin's id is {@code hdhr_<GuideNumber>}), so it must be unique and free of {@code _}.
 */
final class ChannelNumbers {

  private static final Pattern NUMBER = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,4})?");

  private final Map<String, String> byId;

  private ChannelNumbers(Map<String, String> byId) {
    this.byId = byId;
  }

  /** Numbers for these channels, in this order (every route numbers the whole catalog, then filters). */
  static ChannelNumbers of(List<Channel> channels) {
    Map<String, String> byId = new HashMap<>(channels.size() * 2);
    Set<String> used = new HashSet<>();
    long highest = 0;
    for (Channel c : channels) {
      String n = c.number().map(String::strip).orElse("");
      if (NUMBER.matcher(n).matches()) {
        String canonical = new BigDecimal(n).stripTrailingZeros().toPlainString();
        if (used.add(canonical)) {
          byId.put(c.id(), canonical);
          highest = Math.max(highest, new BigDecimal(n).longValue());
        }
      }
    }
    long next = highest + 1;
    for (Channel c : channels) {
      if (!byId.containsKey(c.id())) {
        while (!used.add(Long.toString(next))) {
          next++;
        }
        byId.put(c.id(), Long.toString(next));
        next++;
      }
    }
    return new ChannelNumbers(byId);
  }

  /** The number of a channel of the list this was made from. */
  String of(Channel channel) {
    String n = byId.get(channel.id());
    if (n == null) {
      throw new IllegalArgumentException("channel " + channel.id() + " was not numbered");
    }
    return n;
  }
}
