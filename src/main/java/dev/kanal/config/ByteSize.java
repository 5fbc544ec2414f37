package dev.kanal.config;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * A size in bytes as written in config files and flags: {@code 256MB}, {@code 1.5GB}, {@code 64k},
 * {@code 512} (bytes). K, M, G and T are powers of 1024, with or without a trailing {@code B} or
 * {@code iB}.
 *
 * @param bytes the size in bytes, never negative
 */
public record ByteSize(long bytes) {

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative: " + bytes);
    }
  }

  /** Parses a size; throws IllegalArgumentException with a sentence fit for users. */
  public static ByteSize parse(String text) {
    String s = text == null ? "" : text.strip().toUpperCase(Locale.ROOT).replace(" ", "");
    int i = 0;
    while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
      i++;
    }
    if (i == 0) {
      throw invalid(text);
    }
    long multiplier = switch (s.substring(i)) {
      case "", "B" -> 1L;
      case "K", "KB", "KIB" -> 1L << 10;
      case "M", "MB", "MIB" -> 1L << 20;
      case "G", "GB", "GIB" -> 1L << 30;
      case "T", "TB", "TIB" -> 1L << 40;
      default -> throw invalid(text);
    };
    try {
      return new ByteSize(new BigDecimal(s.substring(0, i)).multiply(BigDecimal.valueOf(multiplier))
          .setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(text);
    }
  }

  /** The shortest exact form, e.g. {@code 256MB}, or plain bytes. */
  @Override
  public String toString() {
    String[] units = {"TB", "GB", "MB", "KB"};
    for (int u = 0; u < units.length; u++) {
      long m = 1L << (10 * (4 - u));
      if (bytes != 0 && bytes % m == 0) {
        return bytes / m + units[u];
      }
    }
    return Long.toString(bytes);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("invalid size '" + text + "': use e.g. 512KB, 256MB, 2GB");
  }
}
