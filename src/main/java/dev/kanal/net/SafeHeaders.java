package dev.kanal.net;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Request headers taken from playlists ({@code #EXTVLCOPT:http-user-agent}, {@code #KODIPROP},
 * {@code #EXTHTTP}, source headers) made safe to send (issue #13): names must be RFC 9110 tokens, and
 * every control character of a value (CR and LF above all, which would split the request or smuggle a
 * header; also NUL and ESC, which reach terminals and command lines) becomes a space. The HTTP clients,
 * the relay, ffmpeg's {@code -headers} and the players' command lines all send headers through here.
 */
public final class SafeHeaders {

  /** A header name: an RFC 9110 token (section 5.1), at most 64 characters. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");
  /** Longest value sent; a longer one is dropped, since no real User-Agent or Referer comes near it. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private SafeHeaders() {}

  /** Whether {@code name} may be sent as a header name. */
  public static boolean validName(String name) {
    return name != null && TOKEN.matcher(name).matches();
  }

  /** {@code value} with each control character (tab excepted) replaced by a space, then trimmed. */
  public static String value(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean control = (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0)
          || c == '\u2028' || c == '\u2029';
      if (control) {
        if (out == null) {
          out = new StringBuilder(value.length()).append(value, 0, i);
        }
        out.append(' ');
      } else if (out != null) {
        out.append(c);
      }
    }
    return (out == null ? value : out.toString()).strip();
  }

  /**
   * The headers that may be sent, in order: names that are not tokens and values longer than
   * {@link #MAX_VALUE_LENGTH} dropped, values cleaned by {@link #value}; of names that differ only in
   * case, the last wins.
   */
  public static Map<String, String> clean(Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      if (!validName(name) || value == null) {
        return;
      }
      String v = value(value);
      if (v.length() > MAX_VALUE_LENGTH) {
        return;
      }
      out.keySet().removeIf(existing -> existing.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)));
      out.put(name, v);
    });
    return out;
  }
}
