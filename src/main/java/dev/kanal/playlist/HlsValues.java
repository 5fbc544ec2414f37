package dev.kanal.playlist;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Hand-written parsers and printers for the HLS attribute value types (RFC 8216bis 4.2): they never
 * throw on bad input and return a marker instead (-1 or null), which the parser turns into a warning.
 */
final class HlsValues {

  /** Longest run of digits that surely fits a long. */
  private static final int MAX_LONG_DIGITS = 18;

  private HlsValues() {}

  /** A decimal-integer in {@code s[from, to)}, or -1 when malformed or beyond a long. */
  static long parseDecimalInteger(String s, int from, int to) {
    int length = to - from;
    if (length <= 0) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      char d = (char) (s.charAt(i) - '0');
      if (d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    if (length > MAX_LONG_DIGITS) {
      // Up to 18 digits always fit; beyond that redo the sum with overflow checks.
      try {
        value = 0;
        for (int i = from; i < to; i++) {
          value = Math.addExact(Math.multiplyExact(value, 10), s.charAt(i) - '0');
        }
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return value;
  }

  /**
   * A decimal-floating-point (or, with {@code signed}, a signed-decimal-floating-point) in
   * {@code s[from, to)}, exact and with the scale as written, or null when malformed.
   */
  static BigDecimal parseDecimal(String s, int from, int to, boolean signed) {
    int i = from;
    boolean negative = false;
    if (i < to && s.charAt(i) == '-') {
      if (!signed) {
        return null;
      }
      negative = true;
      i++;
    }
    long unscaled = 0;
    int digits = 0;
    int scale = -1;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits < MAX_LONG_DIGITS) {
          unscaled = unscaled * 10 + (c - '0');
        }
        digits++;
        if (scale >= 0) {
          scale++;
        }
      } else if (c == '.' && scale < 0) {
        scale = 0;
      } else {
        return null;
      }
    }
    if (digits == 0) {
      return null;
    }
    if (digits > MAX_LONG_DIGITS) {
      return new BigDecimal(s.substring(from, to));
    }
    return BigDecimal.valueOf(negative ? -unscaled : unscaled, Math.max(scale, 0));
  }

  /** A decimal-resolution {@code WxH} as width and height, or null when malformed. */
  static int[] parseResolution(String s, int from, int to) {
    int x = -1;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == 'x' || c == 'X') {
        x = i;
        break;
      }
    }
    if (x < 0) {
      return null;
    }
    long w = parseDecimalInteger(s, from, x);
    long h = parseDecimalInteger(s, x + 1, to);
    if (w < 0 || h < 0 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
      return null;
    }
    return new int[] {(int) w, (int) h};
  }

  /** Whether {@code s[from, to)} is a hexadecimal-sequence: {@code 0x} or {@code 0X} and hex digits. */
  static boolean isHexSequence(String s, int from, int to) {
    if (to - from < 3 || s.charAt(from) != '0' || (s.charAt(from + 1) != 'x' && s.charAt(from + 1) != 'X')) {
      return false;
    }
    for (int i = from + 2; i < to; i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * An RFC 3339 date-time {@code YYYY-MM-DDThh:mm:ss[.f]} followed by {@code Z}, {@code +hh:mm},
   * {@code +hhmm} or {@code +hh}, or null when malformed or out of range.
   */
  static OffsetDateTime parseDateTime(String s, int from, int to) {
    if (to - from < 20) {
      return null;
    }
    int year = digits(s, from, 4);
    if (year < 0 || s.charAt(from + 4) != '-' || s.charAt(from + 7) != '-') {
      return null;
    }
    char t = s.charAt(from + 10);
    if (t != 'T' && t != 't') {
      return null;
    }
    int month = digits(s, from + 5, 2);
    int day = digits(s, from + 8, 2);
    int hour = digits(s, from + 11, 2);
    int minute = digits(s, from + 14, 2);
    int second = digits(s, from + 17, 2);
    if (month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
        || s.charAt(from + 13) != ':' || s.charAt(from + 16) != ':') {
      return null;
    }
    int i = from + 19;
    int nanos = 0;
    if (i < to && s.charAt(i) == '.') {
      i++;
      int start = i;
      int scale = 100_000_000;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        nanos += (s.charAt(i) - '0') * scale;
        scale /= 10;
        i++;
      }
      if (i == start) {
        return null;
      }
    }
    ZoneOffset offset = parseOffset(s, i, to);
    if (offset == null) {
      return null;
    }
    try {
      return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static ZoneOffset parseOffset(String s, int i, int to) {
    if (i >= to) {
      return null;
    }
    char c = s.charAt(i);
    if ((c == 'Z' || c == 'z') && i + 1 == to) {
      return ZoneOffset.UTC;
    }
    if (c != '+' && c != '-') {
      return null;
    }
    int length = to - i - 1;
    int hours = digits(s, i + 1, 2);
    int minutes;
    if (length == 2) {
      minutes = 0;
    } else if (length == 4) {
      minutes = digits(s, i + 3, 2);
    } else if (length == 5 && s.charAt(i + 3) == ':') {
      minutes = digits(s, i + 4, 2);
    } else {
      return null;
    }
    if (hours < 0 || minutes < 0) {
      return null;
    }
    try {
      return c == '+' ? ZoneOffset.ofHoursMinutes(hours, minutes) : ZoneOffset.ofHoursMinutes(-hours, -minutes);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int digits(String s, int from, int count) {
    if (from + count > s.length()) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value;
  }

  /** Appends a date-time in the form {@link #parseDateTime} reads back to the same value. */
  static void appendDateTime(StringBuilder out, OffsetDateTime t) {
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2).append('T');
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2);
    int nanos = t.getNano();
    if (nanos != 0) {
      int digits = 9;
      while (nanos % 10 == 0) {
        nanos /= 10;
        digits--;
      }
      out.append('.');
      pad(out, nanos, digits);
    }
    int total = t.getOffset().getTotalSeconds();
    if (total == 0) {
      out.append('Z');
    } else {
      out.append(total < 0 ? '-' : '+');
      int abs = Math.abs(total);
      pad(out, abs / 3600, 2).append(':');
      pad(out, abs / 60 % 60, 2);
    }
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String text = Integer.toString(value);
    for (int i = text.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(text);
  }
}
