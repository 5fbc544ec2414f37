package dev.kanal.playlist;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Works out the HTTP headers an IPTV entry asks for, from the places players read them, the later
 * overriding the earlier: EXTINF attributes ({@code http-user-agent}, iptv-org's {@code user-agent},
 * {@code http-referrer}), {@code #EXTVLCOPT:http-*} options, Kodi's
 * {@code inputstream.adaptive.*_headers} properties, TiviMate's {@code #EXTHTTP:} JSON and Kodi's
 * {@code |Name=value&...} URL suffix.
 */
final class IptvHeaders {

  static final String USER_AGENT = "User-Agent";
  static final String REFERER = "Referer";
  static final String ORIGIN = "Origin";
  static final String COOKIE = "Cookie";

  private static final String EXTHTTP = "#EXTHTTP:";

  private IptvHeaders() {}

  static Map<String, String> of(IptvPlaylist.Entry entry) {
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, String> attributes = entry.attributes();
    if (!attributes.isEmpty()) {
      for (Map.Entry<String, String> a : attributes.entrySet()) {
        String name = switch (a.getKey()) {
          case "http-user-agent", "user-agent" -> USER_AGENT;
          case "http-referrer", "http-referer", "referrer", "referer" -> REFERER;
          case "http-origin" -> ORIGIN;
          case "http-cookie" -> COOKIE;
          default -> null;
        };
        put(headers, name, a.getValue());
      }
    }
    for (Map.Entry<String, String> o : entry.vlcOptions().entrySet()) {
      put(headers, vlcHeader(o.getKey()), o.getValue());
    }
    for (Map.Entry<String, String> p : entry.kodiProps().entrySet()) {
      String key = p.getKey().toLowerCase(Locale.ROOT);
      if (key.equals("inputstream.adaptive.common_headers") || key.equals("inputstream.adaptive.manifest_headers")
          || key.equals("inputstream.adaptive.stream_headers")) {
        putQuery(headers, p.getValue(), 0);
      }
    }
    for (String line : entry.extraLines()) {
      if (line.regionMatches(true, 0, EXTHTTP, 0, EXTHTTP.length())) {
        Map<String, String> json = parseJsonObject(line.substring(EXTHTTP.length()));
        if (json != null) {
          json.forEach((k, v) -> put(headers, canonical(k), v));
        }
      }
    }
    String url = entry.url();
    int pipe = url.indexOf('|');
    if (pipe >= 0) {
      putQuery(headers, url, pipe + 1);
    }
    return IptvOrderedMap.copyOf(headers);
  }

  /** The header a VLC option sets, or null: {@code http-user-agent}, {@code :http-referrer}, ... */
  private static String vlcHeader(String option) {
    int start = 0;
    while (start < option.length() && (option.charAt(start) == ':' || option.charAt(start) == '-')) {
      start++;
    }
    String key = option.substring(start).toLowerCase(Locale.ROOT);
    return switch (key) {
      case "http-user-agent" -> USER_AGENT;
      case "http-referrer", "http-referer" -> REFERER;
      case "http-origin" -> ORIGIN;
      case "http-cookie" -> COOKIE;
      default -> null;
    };
  }

  /** Adds {@code Name=value&Name=value} pairs with URL-encoded values, as Kodi reads them. */
  private static void putQuery(Map<String, String> headers, String s, int from) {
    int i = from;
    int n = s.length();
    while (i < n) {
      int amp = s.indexOf('&', i);
      int end = amp < 0 ? n : amp;
      int eq = s.indexOf('=', i);
      if (eq > i && eq < end) {
        String name = s.substring(i, eq).strip();
        if (!name.isEmpty() && name.charAt(0) != '!') {
          put(headers, canonical(percentDecode(name)), percentDecode(s.substring(eq + 1, end)));
        }
      }
      i = end + 1;
    }
  }

  private static void put(Map<String, String> headers, String name, String value) {
    if (name == null || name.isEmpty()) {
      return;
    }
    for (String existing : headers.keySet()) {
      if (existing.equalsIgnoreCase(name)) {
        headers.put(existing, value);
        return;
      }
    }
    headers.put(name, value);
  }

  /** The usual spelling of the headers IPTV lists set; other names as written. */
  static String canonical(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "user-agent", "http-user-agent" -> USER_AGENT;
      case "referer", "referrer", "http-referer", "http-referrer" -> REFERER;
      case "origin" -> ORIGIN;
      case "cookie" -> COOKIE;
      default -> name.strip();
    };
  }

  /** Decodes {@code %XX} sequences (as UTF-8) and {@code +}; anything malformed stays as written. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      int hi;
      int lo;
      if (c == '%' && i + 2 < n && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
          && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
        bytes.write(hi << 4 | lo);
        i += 2;
        continue;
      }
      if (bytes.size() > 0) {
        out.append(bytes.toString(StandardCharsets.UTF_8));
        bytes.reset();
      }
      out.append(c == '+' ? ' ' : c);
    }
    if (bytes.size() > 0) {
      out.append(bytes.toString(StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  /**
   * Reads a flat JSON object such as {@code {"User-Agent":"x","cookie":"a=b"}}: string members are
   * kept, other members skipped; null when the text is not such an object.
   */
  static Map<String, String> parseJsonObject(String text) {
    JsonCursor c = new JsonCursor(text);
    Map<String, String> out = new LinkedHashMap<>();
    c.skipSpace();
    if (!c.eat('{')) {
      return null;
    }
    c.skipSpace();
    if (c.eat('}')) {
      return c.atEndAfterSpace() ? out : null;
    }
    while (true) {
      c.skipSpace();
      String key = c.string();
      if (key == null) {
        return null;
      }
      c.skipSpace();
      if (!c.eat(':')) {
        return null;
      }
      c.skipSpace();
      if (c.peek() == '"') {
        String value = c.string();
        if (value == null) {
          return null;
        }
        out.putIfAbsent(key, value);
      } else if (!c.scalar()) {
        return null;
      }
      c.skipSpace();
      if (c.eat('}')) {
        return c.atEndAfterSpace() ? out : null;
      }
      if (!c.eat(',')) {
        return null;
      }
    }
  }

  private static final class JsonCursor {
    private final String s;
    private int i;

    JsonCursor(String s) {
      this.s = s;
    }

    char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    boolean eat(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    void skipSpace() {
      while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
    }

    boolean atEndAfterSpace() {
      skipSpace();
      return i == s.length();
    }

    /** A number, true, false or null: anything up to the next comma or brace, not empty. */
    boolean scalar() {
      int start = i;
      while (i < s.length() && s.charAt(i) != ',' && s.charAt(i) != '}' && s.charAt(i) != '"'
          && s.charAt(i) != '{' && s.charAt(i) != '[') {
        i++;
      }
      return i > start;
    }

    String string() {
      if (!eat('"')) {
        return null;
      }
      StringBuilder out = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (i >= s.length()) {
          return null;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              return null;
            }
            int code = 0;
            for (int k = 0; k < 4; k++) {
              int d = Character.digit(s.charAt(i++), 16);
              if (d < 0) {
                return null;
              }
              code = code << 4 | d;
            }
            out.append((char) code);
          }
          default -> {
            return null;
          }
        }
      }
      return null;
    }
  }
}
