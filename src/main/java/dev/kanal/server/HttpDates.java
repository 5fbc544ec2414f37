package dev.kanal.server;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * HTTP dates (RFC 9110 section 5.6.7): formatting as IMF-fixdate, and parsing exactly as nginx 1.22's
 * {@code ngx_parse_http_time} does, so {@code If-Range}, {@code If-Modified-Since} and
 * {@code If-Unmodified-Since} compare the same way behind or instead of nginx. Like nginx, the parser
 * accepts IMF-fixdate, RFC 850 and asctime, ignores the weekday and anything after the time, and
 * works in whole seconds.
 */
final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
  private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private HttpDates() {}

  /** {@code seconds} since the epoch as an IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  static String format(long seconds) {
    return IMF_FIXDATE.format(Instant.ofEpochSecond(seconds));
  }

  private record Formatted(long seconds, String text) {}

  private static volatile Formatted current = new Formatted(0, format(0));

  /** The current time as an IMF-fixdate, for the {@code Date} header (RFC 9110 section 6.6.1); formatted once a second. */
  static String now() {
    long seconds = System.currentTimeMillis() / 1000;
    Formatted f = current;
    if (f.seconds() != seconds) {
      f = new Formatted(seconds, format(seconds));
      current = f;
    }
    return f.text();
  }

  private enum Format { NONE, RFC822, RFC850, ISOC }

  /** Seconds since the epoch, or empty when nginx would not accept the value as a date. */
  static OptionalLong parse(String value) {
    Cursor c = new Cursor(value);
    Format fmt = Format.NONE;
    for (; c.p < c.end; c.p++) {
      char ch = c.at(0);
      if (ch == ',') {
        break;
      }
      if (ch == ' ') {
        fmt = Format.ISOC;
        break;
      }
    }
    for (c.p++; c.p < c.end; c.p++) {
      if (c.at(0) != ' ') {
        break;
      }
    }
    if (c.left() < 18) {
      return OptionalLong.empty();
    }
    int day = 0;
    if (fmt != Format.ISOC) {
      if (!c.digits(2)) {
        return OptionalLong.empty();
      }
      day = c.number(2);
      c.p += 2;
      if (c.at(0) == ' ') {
        if (c.left() < 18) {
          return OptionalLong.empty();
        }
        fmt = Format.RFC822;
      } else if (c.at(0) == '-') {
        fmt = Format.RFC850;
      } else {
        return OptionalLong.empty();
      }
      c.p++;
    }
    int month;
    switch (c.at(0)) {
      case 'J' -> month = c.at(1) == 'a' ? 0 : c.at(2) == 'n' ? 5 : 6;
      case 'F' -> month = 1;
      case 'M' -> month = c.at(2) == 'r' ? 2 : 4;
      case 'A' -> month = c.at(1) == 'p' ? 3 : 7;
      case 'S' -> month = 8;
      case 'O' -> month = 9;
      case 'N' -> month = 10;
      case 'D' -> month = 11;
      default -> {
        return OptionalLong.empty();
      }
    }
    c.p += 3;
    if ((fmt == Format.RFC822 && c.at(0) != ' ') || (fmt == Format.RFC850 && c.at(0) != '-')) {
      return OptionalLong.empty();
    }
    c.p++;
    int year = 0;
    if (fmt == Format.RFC822) {
      if (!c.digits(4)) {
        return OptionalLong.empty();
      }
      year = c.number(4);
      c.p += 4;
    } else if (fmt == Format.RFC850) {
      if (!c.digits(2)) {
        return OptionalLong.empty();
      }
      year = c.number(2);
      year += year < 70 ? 2000 : 1900;
      c.p += 2;
    }
    if (fmt == Format.ISOC) {
      if (c.at(0) == ' ') {
        c.p++;
      }
      if (!c.digits(1)) {
        return OptionalLong.empty();
      }
      day = c.at(0) - '0';
      c.p++;
      if (c.at(0) != ' ') {
        if (!c.digits(1)) {
          return OptionalLong.empty();
        }
        day = day * 10 + (c.at(0) - '0');
        c.p++;
      }
      if (c.left() < 14) {
        return OptionalLong.empty();
      }
    }
    if (c.at(0) != ' ') {
      return OptionalLong.empty();
    }
    c.p++;
    if (!c.digits(2)) {
      return OptionalLong.empty();
    }
    int hour = c.number(2);
    c.p += 2;
    if (c.at(0) != ':') {
      return OptionalLong.empty();
    }
    c.p++;
    if (!c.digits(2)) {
      return OptionalLong.empty();
    }
    int min = c.number(2);
    c.p += 2;
    if (c.at(0) != ':') {
      return OptionalLong.empty();
    }
    c.p++;
    if (!c.digits(2)) {
      return OptionalLong.empty();
    }
    int sec = c.number(2);
    if (fmt == Format.ISOC) {
      c.p += 2;
      if (c.at(0) != ' ') {
        return OptionalLong.empty();
      }
      c.p++;
      if (!c.digits(4)) {
        return OptionalLong.empty();
      }
      year = c.number(4);
    }
    if (hour > 23 || min > 59 || sec > 59) {
      return OptionalLong.empty();
    }
    if (day == 29 && month == 1) {
      boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
      if (!leap) {
        return OptionalLong.empty();
      }
    } else if (day > DAYS_IN_MONTH[month]) {
      return OptionalLong.empty();
    }
    // Day 0 is accepted by nginx and means the last day of the previous month; so here.
    long epochDay = LocalDate.of(year, month + 1, 1).toEpochDay() + day - 1;
    return OptionalLong.of(epochDay * 86_400L + hour * 3600L + min * 60L + sec);
  }

  /** A position in a header value; reading past the end gives NUL, like nginx's NUL-terminated strings. */
  private static final class Cursor {
    private final String s;
    private final int end;
    private int p;

    Cursor(String s) {
      this.s = s;
      this.end = s.length();
    }

    char at(int offset) {
      int i = p + offset;
      return i >= 0 && i < end ? s.charAt(i) : '\0';
    }

    int left() {
      return end - p;
    }

    boolean digits(int n) {
      for (int i = 0; i < n; i++) {
        char ch = at(i);
        if (ch < '0' || ch > '9') {
          return false;
        }
      }
      return true;
    }

    int number(int n) {
      int v = 0;
      for (int i = 0; i < n; i++) {
        v = v * 10 + (at(i) - '0');
      }
      return v;
    }
  }
}
