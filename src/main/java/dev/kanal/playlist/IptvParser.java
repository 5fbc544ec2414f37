package dev.kanal.playlist;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses an IPTV channel list line by line. Lenient: whatever real lists get wrong becomes a
 * warning (an exception in strict mode), and the EXTINF attribute list is scanned by hand, with no
 * regular expression, since lists run to hundreds of thousands of entries.
 */
final class IptvParser {

  /** Keys read often enough that sharing one String instance pays; all lower case. */
  private static final String[] COMMON_KEYS = {
    "tvg-id", "tvg-name", "tvg-logo", "group-title", "tvg-chno", "tvg-country", "tvg-language", "status",
    "user-agent", "http-user-agent", "http-referrer", "referrer", "catchup", "catchup-days", "catchup-source",
    "tvg-shift", "tvg-rec", "tvg-type", "radio", "channel-id", "channel-number",
  };

  /** Keys that take a few values over and over: groups, countries, user agents, catch-up settings. */
  private static final Set<String> REPEATED_VALUE_KEYS = Set.of("group-title", "tvg-country", "tvg-language",
      "status", "user-agent", "http-user-agent", "http-referrer", "referrer", "catchup", "catchup-days",
      "catchup-source", "tvg-shift", "tvg-rec", "tvg-type", "radio");

  /** {@link #REPEATED_VALUE_KEYS} by index into {@link #COMMON_KEYS}. */
  private static final boolean[] REPEATED_VALUES = new boolean[COMMON_KEYS.length];

  static {
    for (int k = 0; k < COMMON_KEYS.length; k++) {
      REPEATED_VALUES[k] = REPEATED_VALUE_KEYS.contains(COMMON_KEYS[k]);
    }
  }

  /** For each key length, the indexes of the common keys that long. */
  private static final int[][] COMMON_BY_LENGTH;

  static {
    int max = 0;
    for (String key : COMMON_KEYS) {
      max = Math.max(max, key.length());
    }
    COMMON_BY_LENGTH = new int[max + 1][];
    for (int len = 0; len <= max; len++) {
      int count = 0;
      for (String key : COMMON_KEYS) {
        count += key.length() == len ? 1 : 0;
      }
      int[] indexes = new int[count];
      count = 0;
      for (int k = 0; k < COMMON_KEYS.length; k++) {
        if (COMMON_KEYS[k].length() == len) {
          indexes[count++] = k;
        }
      }
      COMMON_BY_LENGTH[len] = indexes;
    }
  }

  /** Values of repeated-value keys are shared through a table of at most this many (a power of two). */
  private static final int MAX_SHARED_VALUES = 4096;
  private static final int MAX_SHARED_LENGTH = 256;

  /** How many attribute positions {@link #remember} keeps. */
  private static final int MAX_REMEMBERED_KEYS = 64;

  /** A duration longer than this is not a number anyone wrote on purpose. */
  private static final int MAX_DURATION_LENGTH = 40;
  private static final int MAX_QUOTE = 60;
  private static final BigDecimal ZERO = BigDecimal.ZERO;
  private static final char BOM = '\uFEFF';

  private final Problems problems;
  private final URI base;

  private final List<IptvPlaylist.Entry> entries = new ArrayList<>();
  /** One instance per distinct value of group-title, tvg-country, user agents and the like (open addressing). */
  private final String[] shared = new String[2 * MAX_SHARED_VALUES];
  private int sharedCount;
  private final IptvOrderedMap.Builder header = new IptvOrderedMap.Builder(true);
  private boolean headerSeen;
  private boolean contentSeen;

  // The entry being assembled: its EXTINF (extinfLine > 0) and the lines since the last URL.
  private int extinfLine;
  private String title;
  private BigDecimal duration;
  private IptvOrderedMap attributes = IptvOrderedMap.EMPTY;
  private String extGrp = "";
  private final IptvOrderedMap.Builder attributeBuilder = new IptvOrderedMap.Builder(false);
  /** The attribute keys (lower case) seen at each position of earlier EXTINF lines, and their common-key index. */
  private String[] lastKeys = new String[8];
  private int[] lastCommon = new int[8];
  private int lastKeyCount;
  private final IptvOrderedMap.Builder vlcOptions = new IptvOrderedMap.Builder(false);
  private final IptvOrderedMap.Builder kodiProps = new IptvOrderedMap.Builder(false);
  private final List<String> extraLines = new ArrayList<>();
  /** The option and comment lines since the last URL as written, for the trailing lines. */
  private final List<String> pendingLines = new ArrayList<>();

  private IptvParser(ParseOptions options) {
    this.problems = new Problems(options.strict());
    this.base = options.baseUri().map(IptvParser::withRootPath).orElse(null);
  }

  static IptvPlaylist parse(LineReader lines, ParseOptions options) throws IOException, PlaylistParseException {
    return new IptvParser(options).run(lines);
  }

  private IptvPlaylist run(LineReader lines) throws IOException, PlaylistParseException {
    LineReader.Line line;
    while ((line = lines.next()) != null) {
      if (!line.terminated()) {
        problems.warn(line.number(), "the last line ends without a line break, so the input may be cut off here ("
            + quote(line.text()) + ")");
      }
      String text = line.text();
      if (text.isEmpty()) {
        continue;
      }
      if (mayNeedStrip(text.charAt(0)) || mayNeedStrip(text.charAt(text.length() - 1))) {
        text = strip(text);
        if (text.isEmpty()) {
          continue;
        }
      }
      if (!contentSeen) {
        contentSeen = true;
        if (!isTag(text, "#EXTM3U")) {
          problems.warn(line.number(), "the playlist does not start with #EXTM3U; read as an IPTV list anyway");
        }
      }
      if (text.charAt(0) == '#') {
        directive(line.number(), text);
      } else {
        url(line.number(), text);
      }
    }
    if (extinfLine > 0) {
      problems.warn(extinfLine, "#EXTINF without a URL after it; entry dropped");
    }
    if (!contentSeen) {
      problems.warn(0, "the input is empty");
    }
    return new IptvPlaylist(header.build(), entries, pendingLines, problems.toList());
  }

  private void directive(int number, String text) throws PlaylistParseException {
    if (text.startsWith("#EXTINF:") || isTag(text, "#EXTINF")) {
      extinf(number, text);
      return;
    }
    if (isTag(text, "#EXTM3U")) {
      extm3u(number, text);
      return;
    }
    pendingLines.add(text);
    if (startsWithIgnoreCase(text, "#EXTVLCOPT:")) {
      option(number, text, "#EXTVLCOPT:".length(), vlcOptions);
    } else if (startsWithIgnoreCase(text, "#KODIPROP:")) {
      option(number, text, "#KODIPROP:".length(), kodiProps);
    } else if (startsWithIgnoreCase(text, "#EXTGRP:")) {
      String group = text.substring("#EXTGRP:".length()).strip();
      if (group.isEmpty()) {
        extraLines.add(text);
      } else if (!extGrp.isEmpty()) {
        problems.warn(number, "a second #EXTGRP for the same entry; the first one counts");
        extraLines.add(text);
      } else {
        extGrp = group;
      }
    } else {
      if (startsWithIgnoreCase(text, "#EXTHTTP:")
          && IptvHeaders.parseJsonObject(text.substring("#EXTHTTP:".length())) == null) {
        problems.warn(number, "#EXTHTTP is not a JSON object of headers; kept as written");
      }
      extraLines.add(text);
    }
  }

  /** A {@code key=value} option line; a repeated key keeps its first value and the line as written. */
  private void option(int number, String text, int start, IptvOrderedMap.Builder into) throws PlaylistParseException {
    int eq = text.indexOf('=', start);
    String key = share((eq < 0 ? text.substring(start) : text.substring(start, eq)).strip());
    String value = eq < 0 ? "" : share(text.substring(eq + 1).strip());
    if (key.isEmpty()) {
      problems.warn(number, "option line without a name; kept as written");
      extraLines.add(text);
    } else if (!into.add(key, value)) {
      problems.warn(number, "option \"" + quote(key) + "\" set twice for the same entry; the first one counts");
      extraLines.add(text);
    }
  }

  private void extm3u(int number, String text) throws PlaylistParseException {
    if (headerSeen) {
      problems.warn(number, "another #EXTM3U line; its attributes are added to the first one's");
    }
    headerSeen = true;
    scanAttributes(number, text, "#EXTM3U".length(), false, header);
  }

  private void extinf(int number, String text) throws PlaylistParseException {
    if (extinfLine > 0) {
      problems.warn(extinfLine, "#EXTINF without a URL after it; entry dropped");
    }
    extinfLine = number;
    int n = text.length();
    int i = "#EXTINF".length();
    if (i == n) {
      problems.warn(number, "#EXTINF without a duration or title");
      duration = IptvPlaylist.Entry.LIVE;
      attributes = IptvOrderedMap.EMPTY;
      title = "";
      return;
    }
    i++; // the colon
    while (i < n && isBlank(text.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < n && !isBlank(text.charAt(i)) && text.charAt(i) != ',') {
      i++;
    }
    duration = duration(text, start, i);
    if (duration == null) {
      if (text.indexOf('=', start) >= 0 && text.indexOf('=', start) < i) {
        problems.warn(number, "#EXTINF without a duration; read as -1");
        i = start;
      } else {
        problems.warn(number, "#EXTINF duration \"" + quote(text.substring(start, i)) + "\" is not a number; read as -1");
      }
      duration = IptvPlaylist.Entry.LIVE;
    }
    int comma = scanAttributes(number, text, i, true, attributeBuilder);
    attributes = attributeBuilder.build();
    if (comma < 0) {
      problems.warn(number, "#EXTINF without a comma before the title");
      title = "";
    } else {
      title = text.substring(comma + 1).strip();
    }
  }

  /**
   * Reads {@code key="value"} pairs from {@code i} on: values quoted with " or ', or bare up to a
   * blank (or a comma, in an EXTINF). Returns the index of the comma that ends an EXTINF's list, or -1.
   */
  private int scanAttributes(int number, String s, int i, boolean extinf, IptvOrderedMap.Builder into)
      throws PlaylistParseException {
    int n = s.length();
    int position = 0;
    while (true) {
      char c = 0;
      while (i < n && isBlank(c = s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return -1;
      }
      if (c == ',') {
        if (extinf) {
          return i;
        }
        i++;
        continue;
      }
      int keyStart = i;
      while (i < n && (c = s.charAt(i)) != '=' && !isBlank(c) && c != ',') {
        i++;
      }
      int keyEnd = i;
      if (i >= n || c != '=') {
        problems.warn(number, "\"" + quote(s.substring(keyStart, keyEnd)) + "\" has no value; ignored");
        continue;
      }
      i++;
      int valueStart;
      int valueEnd;
      char q;
      if (i < n && ((q = s.charAt(i)) == '"' || q == '\'')) {
        valueStart = i + 1;
        int close = s.indexOf(q, valueStart);
        if (close < 0) {
          int end = extinf ? s.indexOf(',', valueStart) : -1;
          valueEnd = end < 0 ? n : end;
          problems.warn(number, "the value of \"" + quote(s.substring(keyStart, keyEnd)) + "\" has no closing quote");
          i = valueEnd;
        } else {
          valueEnd = close;
          i = close + 1;
        }
      } else {
        valueStart = i;
        while (i < n && !isBlank(c = s.charAt(i)) && !(extinf && c == ',')) {
          i++;
        }
        valueEnd = i;
      }
      if (keyEnd == keyStart) {
        problems.warn(number, "an attribute without a name; ignored");
        continue;
      }
      String key;
      String value;
      if (!extinf) {
        key = s.substring(keyStart, keyEnd);
        value = s.substring(valueStart, valueEnd);
      } else {
        int common;
        if (position < lastKeyCount && lastKeys[position].length() == keyEnd - keyStart
            && s.regionMatches(keyStart, lastKeys[position], 0, keyEnd - keyStart)) {
          key = lastKeys[position];
          common = lastCommon[position];
        } else {
          common = commonKey(s, keyStart, keyEnd);
          key = common >= 0 ? COMMON_KEYS[common] : IptvOrderedMap.asciiLower(s.substring(keyStart, keyEnd));
          remember(position, key, common);
        }
        position++;
        value = common >= 0 && REPEATED_VALUES[common] ? share(s, valueStart, valueEnd) : s.substring(valueStart, valueEnd);
      }
      if (!into.add(key, value)) {
        problems.warn(number, "attribute \"" + quote(key) + "\" given twice; the first one counts");
      }
    }
  }

  private void url(int number, String text) throws PlaylistParseException {
    int line = extinfLine;
    String entryTitle = title;
    BigDecimal entryDuration = duration;
    IptvOrderedMap entryAttributes = attributes;
    if (line == 0) {
      problems.warn(number, "URL without #EXTINF; titled from the URL");
      line = number;
      entryTitle = titleFromUrl(text);
      entryDuration = IptvPlaylist.Entry.LIVE;
      entryAttributes = IptvOrderedMap.EMPTY;
    }
    entries.add(new IptvPlaylist.Entry(entryTitle, text, resolve(number, text), entryDuration, entryAttributes,
        extGrp, vlcOptions.build(), kodiProps.build(), extraLines.isEmpty() ? List.of() : List.copyOf(extraLines),
        line));
    extinfLine = 0;
    title = null;
    duration = null;
    attributes = IptvOrderedMap.EMPTY;
    extGrp = "";
    if (!extraLines.isEmpty()) {
      extraLines.clear();
    }
    if (!pendingLines.isEmpty()) {
      pendingLines.clear();
    }
  }

  /** The URL without Kodi's {@code |headers} suffix, resolved against the base URL when relative. */
  private String resolve(int number, String url) throws PlaylistParseException {
    int pipe = url.indexOf('|');
    String bare = pipe < 0 ? url : url.substring(0, pipe).strip();
    if (base == null || hasScheme(bare) || bare.isEmpty()) {
      return bare;
    }
    URI ref;
    try {
      ref = new URI(bare);
    } catch (URISyntaxException e) {
      try {
        ref = new URI(escapeForUri(bare));
      } catch (URISyntaxException again) {
        problems.warn(number, "relative URL cannot be resolved against the base URL; kept as written");
        return bare;
      }
    }
    try {
      return base.resolve(ref).toString();
    } catch (IllegalArgumentException e) {
      problems.warn(number, "relative URL cannot be resolved against the base URL; kept as written");
      return bare;
    }
  }

  /** A title for a bare URL: its last path segment, else the URL itself. */
  private static String titleFromUrl(String url) {
    int end = url.length();
    int pipe = url.indexOf('|');
    if (pipe >= 0) {
      end = pipe;
    }
    for (int i = 0; i < end; i++) {
      char c = url.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    while (end > 0 && (url.charAt(end - 1) == '/' || url.charAt(end - 1) == '\\')) {
      end--;
    }
    int start = Math.max(url.lastIndexOf('/', end - 1), url.lastIndexOf('\\', end - 1)) + 1;
    String segment = start < end ? url.substring(start, end).strip() : "";
    return segment.isEmpty() ? url : segment;
  }

  /** A plain decimal as written ({@code -1}, {@code 10}, {@code 9.009}), or null. No exponents. */
  private static BigDecimal duration(String s, int from, int to) {
    int len = to - from;
    if (len == 0 || len > MAX_DURATION_LENGTH) {
      return null;
    }
    if (len == 2 && s.charAt(from) == '-' && s.charAt(from + 1) == '1') {
      return IptvPlaylist.Entry.LIVE;
    }
    if (len == 1 && s.charAt(from) == '0') {
      return ZERO;
    }
    int i = from;
    if (s.charAt(i) == '-' || s.charAt(i) == '+') {
      i++;
    }
    int digits = 0;
    boolean dot = false;
    for (; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if (c == '.' && !dot) {
        dot = true;
      } else {
        return null;
      }
    }
    return digits == 0 ? null : new BigDecimal(s.substring(from, to));
  }

  /**
   * Notes the key at an attribute position: the next EXTINF most likely has the same key there,
   * written the same way, which then costs one comparison instead of a lookup.
   */
  private void remember(int position, String key, int common) {
    if (position >= lastKeys.length) {
      if (position >= MAX_REMEMBERED_KEYS) {
        return;
      }
      lastKeys = java.util.Arrays.copyOf(lastKeys, Math.min(MAX_REMEMBERED_KEYS, lastKeys.length * 2));
      lastCommon = java.util.Arrays.copyOf(lastCommon, lastKeys.length);
    }
    lastKeys[position] = key;
    lastCommon[position] = common;
    lastKeyCount = Math.max(lastKeyCount, position + 1);
  }

  /** The index of the common key at {@code s[from, to)}, ignoring ASCII case, or -1. */
  private static int commonKey(String s, int from, int to) {
    int len = to - from;
    if (len >= COMMON_BY_LENGTH.length) {
      return -1;
    }
    for (int k : COMMON_BY_LENGTH[len]) {
      if (regionEqualsIgnoreAsciiCase(s, from, COMMON_KEYS[k])) {
        return k;
      }
    }
    return -1;
  }

  /** The one instance of a value seen before, so that a list's many equal values share memory. */
  private String share(String value) {
    return share(value, 0, value.length());
  }

  /**
   * The value at {@code s[from, to)}, as the instance seen before when there is one (found without
   * copying the characters out first), so that a list's many equal values share memory.
   */
  private String share(String s, int from, int to) {
    int len = to - from;
    if (len == 0) {
      return "";
    }
    if (len > MAX_SHARED_LENGTH) {
      return s.substring(from, to);
    }
    int hash = 0;
    for (int i = from; i < to; i++) {
      hash = 31 * hash + s.charAt(i);
    }
    String[] table = shared;
    int mask = table.length - 1;
    for (int slot = (hash ^ hash >>> 16) & mask; ; slot = (slot + 1) & mask) {
      String known = table[slot];
      if (known == null) {
        String value = from == 0 && to == s.length() ? s : s.substring(from, to);
        if (sharedCount < MAX_SHARED_VALUES) {
          table[slot] = value;
          sharedCount++;
        }
        return value;
      }
      if (known.length() == len && known.hashCode() == hash && s.regionMatches(from, known, 0, len)) {
        return known;
      }
    }
  }

  /** True when {@code s} holds {@code lower} (all lower case) at {@code from}, ignoring ASCII case. */
  private static boolean regionEqualsIgnoreAsciiCase(String s, int from, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      char c = s.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** True when the text is the tag itself or the tag followed by a colon or a blank. */
  private static boolean isTag(String text, String tag) {
    int n = tag.length();
    if (!text.regionMatches(true, 0, tag, 0, n)) {
      return false;
    }
    if (text.length() == n) {
      return true;
    }
    char c = text.charAt(n);
    return c == ':' || isBlank(c);
  }

  private static boolean startsWithIgnoreCase(String text, String prefix) {
    return text.regionMatches(true, 0, prefix, 0, prefix.length());
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  /** True for {@code scheme:} at the start (RFC 3986 3.1), which marks an absolute URL. */
  private static boolean hasScheme(String url) {
    int n = url.length();
    if (n == 0 || !isAsciiLetter(url.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = url.charAt(i);
      if (c == ':') {
        return true;
      }
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
        return false;
      }
    }
    return false;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Percent-encodes the ASCII characters a URI may not hold, and a % that starts no escape. */
  private static String escapeForUri(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean escape = c <= ' ' || c == 0x7F || "\"<>\\^`{|}[]".indexOf(c) >= 0
          || (c == '%' && !(i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
              && Character.digit(s.charAt(i + 2), 16) >= 0));
      if (escape) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** java.net.URI resolves "a" against "http://host" to "http://hosta"; give such a base the path "/". */
  private static URI withRootPath(URI uri) {
    if (uri.isOpaque() || uri.getRawAuthority() == null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), uri.getRawAuthority(), "/", null, null);
    } catch (URISyntaxException e) {
      return uri;
    }
  }

  /** True for whitespace and the byte-order mark; every ASCII whitespace character is at most a space. */
  private static boolean mayNeedStrip(char c) {
    return c <= ' ' || (c >= 0x80 && (c == BOM || Character.isWhitespace(c)));
  }

  /** Strips whitespace, and a byte-order mark left where two files were joined. */
  private static String strip(String text) {
    String s = text.strip();
    while (!s.isEmpty() && s.charAt(0) == BOM) {
      s = s.substring(1).strip();
    }
    return s;
  }

  private static String quote(String text) {
    return text.length() > MAX_QUOTE ? text.substring(0, MAX_QUOTE) + "..." : text;
  }
}
