package dev.kanal.playlist;

import java.util.Optional;

/**
 * What the end of a channel title says besides the name: iptv-org's {@code (1080p)},
 * {@code [Geo-blocked]} and {@code [Not 24/7]} suffixes, and Free-TV's circled-letter markers
 * ({@code Ⓖ} geo-blocked, {@code Ⓢ} not HD, {@code Ⓨ} YouTube, ...), in any order.
 */
record IptvTitle(String name, Optional<String> quality, boolean geoBlocked, boolean not24x7) {

  private static final char CIRCLED_A = '\u24B6';
  private static final char CIRCLED_Z = '\u24CF';
  private static final char CIRCLED_G = '\u24BC';

  static IptvTitle of(String title) {
    String quality = null;
    boolean geo = false;
    boolean partTime = false;
    int end = trimEnd(title, title.length());
    while (end > 0) {
      char c = title.charAt(end - 1);
      if (c == ']') {
        int open = title.lastIndexOf('[', end - 1);
        if (open < 0) {
          break;
        }
        String inner = title.substring(open + 1, end - 1).strip();
        if (inner.equalsIgnoreCase("Not 24/7")) {
          partTime = true;
        } else if (inner.equalsIgnoreCase("Geo-blocked")) {
          geo = true;
        } else {
          break;
        }
        end = open;
      } else if (c == ')') {
        int open = title.lastIndexOf('(', end - 1);
        if (quality != null || open < 0 || !isQuality(title, open + 1, end - 1)) {
          break;
        }
        quality = title.substring(open + 1, end - 1);
        end = open;
      } else if (c >= CIRCLED_A && c <= CIRCLED_Z) {
        geo |= c == CIRCLED_G;
        end--;
      } else {
        break;
      }
      end = trimEnd(title, end);
    }
    String name = end == 0 ? title.strip() : title.substring(0, end).strip();
    return new IptvTitle(name, Optional.ofNullable(quality), geo, partTime);
  }

  /** Two to four digits then {@code p} or {@code i}: 720p, 1080i, 2160p. */
  private static boolean isQuality(String s, int from, int to) {
    int digits = to - from - 1;
    if (digits < 2 || digits > 4) {
      return false;
    }
    for (int i = from; i < to - 1; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    char scan = s.charAt(to - 1);
    return scan == 'p' || scan == 'i';
  }

  private static int trimEnd(String s, int end) {
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return end;
  }
}
