package dev.kanal.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations as people write them in config files and flags: {@code 500ms}, {@code 4s}, {@code 10m},
 * {@code 6h}, {@code 2d}, combinations such as {@code 1h30m}, and a plain number meaning seconds.
 */
public final class Durations {

  private Durations() {}

  /** Parses a duration; throws IllegalArgumentException with a sentence fit for users. */
  public static Duration parse(String text) {
    String s = text == null ? "" : text.replaceAll("\\s+", "").toLowerCase(Locale.ROOT);
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty duration: use e.g. 500ms, 4s, 10m, 6h");
    }
    try {
      if (isNumber(s)) {
        return ofSeconds(new BigDecimal(s), text);
      }
      Duration total = Duration.ZERO;
      int i = 0;
      while (i < s.length()) {
        int start = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++;
        }
        int unitStart = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
          i++;
        }
        if (start == unitStart || unitStart == i) {
          throw invalid(text);
        }
        BigDecimal amount = new BigDecimal(s.substring(start, unitStart));
        BigDecimal millis = amount.multiply(BigDecimal.valueOf(unitMillis(s.substring(unitStart, i), text)));
        total = total.plus(Duration.ofNanos(millis.multiply(BigDecimal.valueOf(1_000_000)).longValueExact()));
      }
      return total;
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(text);
    }
  }

  /** Formats a duration in the shortest form {@link #parse} reads back, e.g. {@code 6h}, {@code 1m30s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    StringBuilder out = new StringBuilder();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    for (int u = 0; u < units.length; u++) {
      if (ms >= units[u]) {
        out.append(ms / units[u]).append(names[u]);
        ms %= units[u];
      }
    }
    return out.toString();
  }

  private static boolean isNumber(String s) {
    return s.chars().allMatch(c -> Character.isDigit(c) || c == '.') && s.chars().anyMatch(Character::isDigit);
  }

  private static Duration ofSeconds(BigDecimal seconds, String text) {
    if (seconds.signum() < 0) {
      throw invalid(text);
    }
    return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
  }

  private static long unitMillis(String unit, String text) {
    return switch (unit) {
      case "ms" -> 1L;
      case "s", "sec" -> 1_000L;
      case "m", "min" -> 60_000L;
      case "h" -> 3_600_000L;
      case "d" -> 86_400_000L;
      default -> throw invalid(text);
    };
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid duration '" + text + "': use e.g. 500ms, 4s, 10m, 6h or a number of seconds");
  }
}
