package dev.kanal.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Range} request header (RFC 9110 section 14.2), read exactly as nginx 1.22's range filter
 * reads it, since nginx is what users put in front of or instead of Kanal: only the {@code bytes}
 * unit; spaces (not tabs) around numbers, dashes and commas; a reversed or out-of-file range is
 * skipped, and a header with no satisfiable range is 416; anything malformed is 416, except a value
 * shorter than {@code bytes=N} or another unit, which serves the whole file. Ranges are answered in
 * the order asked, not merged; more than {@code maxRanges} ranges, or ranges adding up to more bytes
 * than the file has (overlaps, the amplification attack of CVE-2011-3192), serve the whole file.
 */
final class RangeHeader {

  /** At most this many ranges per request, like nginx's {@code max_ranges 16}. */
  static final int MAX_RANGES = 16;

  private static final long CUTOFF = Long.MAX_VALUE / 10;
  private static final long CUTLIM = Long.MAX_VALUE % 10;

  /** One satisfiable range, clamped to the file: {@code start} inclusive, {@code end} exclusive. */
  record ByteRange(long start, long end) {

    /** The number of bytes in the range. */
    long length() {
      return end - start;
    }

    /** The range as in {@code Content-Range}: {@code bytes start-last/size} (RFC 9110 section 14.4). */
    String contentRange(long size) {
      return "bytes " + start + "-" + (end - 1) + "/" + size;
    }
  }

  /** What a {@code Range} header asks for. */
  sealed interface Result {}

  /** No usable range: answer 200 with the whole file. */
  record Whole() implements Result {}

  /** Answer 206 with these ranges (one: a plain body; several: {@code multipart/byteranges}). */
  record Partial(List<ByteRange> ranges) implements Result {

    /** Copies the list. */
    Partial {
      ranges = List.copyOf(ranges);
    }
  }

  /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
  record NotSatisfiable() implements Result {}

  private static final Whole WHOLE = new Whole();
  private static final NotSatisfiable NOT_SATISFIABLE = new NotSatisfiable();

  private RangeHeader() {}

  /** Reads {@code value} (null when the request has no {@code Range}) against a file of {@code size} bytes. */
  static Result parse(String value, long size, int maxRanges) {
    if (value == null || value.length() < 7 || !value.regionMatches(true, 0, "bytes=", 0, 6)) {
      return WHOLE;
    }
    String s = value;
    int p = 6;
    List<ByteRange> ranges = new ArrayList<>(2);
    long total = 0;
    int left = maxRanges;
    for (;;) {
      long start = 0;
      long end = 0;
      boolean suffix = false;
      boolean open = false;
      p = skipSpaces(s, p);
      if (at(s, p) != '-') {
        if (!digit(at(s, p))) {
          return NOT_SATISFIABLE;
        }
        while (digit(at(s, p))) {
          int d = at(s, p) - '0';
          if (start >= CUTOFF && (start > CUTOFF || d > CUTLIM)) {
            return NOT_SATISFIABLE;
          }
          start = start * 10 + d;
          p++;
        }
        p = skipSpaces(s, p);
        if (at(s, p++) != '-') {
          return NOT_SATISFIABLE;
        }
        p = skipSpaces(s, p);
        if (at(s, p) == ',' || at(s, p) == '\0') {
          end = size;
          open = true;
        }
      } else {
        suffix = true;
        p++;
      }
      if (!open) {
        if (!digit(at(s, p))) {
          return NOT_SATISFIABLE;
        }
        while (digit(at(s, p))) {
          int d = at(s, p) - '0';
          if (end >= CUTOFF && (end > CUTOFF || d > CUTLIM)) {
            return NOT_SATISFIABLE;
          }
          end = end * 10 + d;
          p++;
        }
        p = skipSpaces(s, p);
        if (at(s, p) != ',' && at(s, p) != '\0') {
          return NOT_SATISFIABLE;
        }
        if (suffix) {
          start = end < size ? size - end : 0;
          end = size - 1;
        }
        end = end >= size ? size : end + 1;
      }
      if (start < end) {
        ranges.add(new ByteRange(start, end));
        if (total > Long.MAX_VALUE - (end - start)) {
          return NOT_SATISFIABLE;
        }
        total += end - start;
        if (left-- == 0) {
          return WHOLE;
        }
      } else if (start == 0) {
        return WHOLE;
      }
      if (at(s, p++) != ',') {
        break;
      }
    }
    if (ranges.isEmpty()) {
      return NOT_SATISFIABLE;
    }
    if (total > size) {
      return WHOLE;
    }
    return new Partial(ranges);
  }

  private static int skipSpaces(String s, int p) {
    while (at(s, p) == ' ') {
      p++;
    }
    return p;
  }

  private static boolean digit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The character at {@code i}, or NUL past the end (nginx reads a NUL-terminated string). */
  private static char at(String s, int i) {
    return i < s.length() ? s.charAt(i) : '\0';
  }
}
