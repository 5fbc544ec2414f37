package dev.kanal.playlist;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The streaming HLS parser (RFC 8216 and RFC 8216bis): reads one line at a time, dispatches each tag
 * by id to one small method, and shares the attribute-list reader and its typed helpers between the
 * multivariant and the media parser. Lenient: anything malformed becomes a warning (an exception in
 * strict mode) and the parser goes on; it throws nothing but {@link PlaylistParseException} and the
 * reader's {@link IOException}.
 */
abstract sealed class HlsParser permits HlsMasterParser, HlsMediaParser {

  private static final HlsKey.Method[] METHODS = HlsKey.Method.values();
  private static final String[] METHOD_TEXTS =
      {"NONE", "AES-128", "SAMPLE-AES", "SAMPLE-AES-CTR", "SAMPLE-AES-CENC"};

  final ParseOptions options;
  final Problems problems;
  final AttributeList attrs = new AttributeList();
  /** The number of the line being read. */
  int lineNumber;

  private int version = -1;
  private boolean independentSegments;
  private HlsHeader.Start start;
  private List<HlsHeader.Define> defines;
  private Map<String, String> variables;
  final List<HlsUnknownTag> unknownTags = new ArrayList<>();
  private long warnedOnce;

  HlsParser(ParseOptions options) {
    this.options = options;
    this.problems = new Problems(options.strict());
  }

  /** Parses a multivariant playlist. */
  static MasterPlaylist parseMaster(LineReader lines, ParseOptions options)
      throws IOException, PlaylistParseException {
    HlsMasterParser parser = new HlsMasterParser(options);
    parser.read(lines);
    return parser.build();
  }

  /** Parses a media playlist. */
  static MediaPlaylist parseMedia(LineReader lines, ParseOptions options)
      throws IOException, PlaylistParseException {
    HlsMediaParser parser = new HlsMediaParser(options);
    parser.read(lines);
    return parser.build();
  }

  /** Reads every line, then lets the subclass finish. */
  final void read(LineReader lines) throws IOException, PlaylistParseException {
    boolean started = false;
    LineReader.Line line;
    while ((line = lines.next()) != null) {
      String text = line.text();
      int length = text.length();
      if (length == 0) {
        continue;
      }
      lineNumber = line.number();
      if (text.charAt(0) <= ' ' || text.charAt(length - 1) <= ' ') {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
          continue;
        }
        if (text.charAt(0) <= ' ') {
          warn("line starts with white space");
        }
        text = stripped;
      }
      if (!started) {
        started = true;
        if (text.equals("#EXTM3U")) {
          continue;
        }
        warn("playlist does not start with #EXTM3U");
      }
      if (text.charAt(0) == '#') {
        if (text.startsWith("EXT", 1)) {
          tag(text);
        }
      } else {
        uri(text);
      }
    }
    if (!started) {
      warn("playlist is empty");
    }
    end();
  }

  private void tag(String text) throws PlaylistParseException {
    int colon = text.indexOf(':');
    int nameEnd = colon < 0 ? text.length() : colon;
    int id = HlsTags.lookup(text, 1, nameEnd);
    int valueStart = colon < 0 ? -1 : colon + 1;
    switch (id) {
      case HlsTags.UNKNOWN -> unknown(text);
      case HlsTags.EXTM3U -> warn("#EXTM3U appears again");
      case HlsTags.EXT_X_VERSION -> version(text, valueStart);
      case HlsTags.EXT_X_INDEPENDENT_SEGMENTS -> independentSegments = true;
      case HlsTags.EXT_X_START -> start(text, valueStart);
      case HlsTags.EXT_X_DEFINE -> define(text, valueStart);
      default -> {
        if (!tag(id, text, valueStart)) {
          warn("#" + HlsTags.name(id) + " does not belong in a " + kindName() + " playlist");
          unknown(text);
        }
      }
    }
  }

  /** Handles a tag of this kind of playlist; false when the tag belongs to the other kind. */
  abstract boolean tag(int id, String text, int valueStart) throws PlaylistParseException;

  /** Handles a URI line. */
  abstract void uri(String text) throws PlaylistParseException;

  /** Called after the last line. */
  abstract void end() throws PlaylistParseException;

  /** Where an unknown tag read now goes back when writing (see {@link HlsUnknownTag#position()}). */
  abstract int position();

  /** "multivariant" or "media", for messages. */
  abstract String kindName();

  final void unknown(String text) {
    unknownTags.add(new HlsUnknownTag(lineNumber, position(), text));
  }

  /** The shared header tags read so far. */
  final HlsHeader header() {
    return new HlsHeader(version < 0 ? OptionalInt.empty() : OptionalInt.of(version), independentSegments,
        Optional.ofNullable(start), defines == null ? List.of() : defines);
  }

  // ---- the tags both kinds share ----

  private void version(String text, int valueStart) throws PlaylistParseException {
    long value = requireTagInteger(text, valueStart);
    if (value < 0) {
      return;
    }
    if (version >= 0) {
      warn("#EXT-X-VERSION appears more than once; the first is used");
      return;
    }
    if (value > Integer.MAX_VALUE) {
      warn("#EXT-X-VERSION " + value + " is out of range");
      return;
    }
    version = (int) value;
  }

  private void start(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    BigDecimal offset = requireSignedDecimal(attrs, "TIME-OFFSET");
    if (offset == null) {
      return;
    }
    if (start != null) {
      warn("#EXT-X-START appears more than once; the first is used");
      return;
    }
    start = new HlsHeader.Start(offset, optionalYesNo(attrs, "PRECISE"));
  }

  private void define(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    HlsHeader.Define.Source source;
    String name;
    String value;
    if (attrs.indexOf("NAME") >= 0) {
      source = HlsHeader.Define.Source.VALUE;
      name = rawQuoted(attrs, "NAME");
      value = requireString(attrs, "VALUE");
      if (value == null) {
        return;
      }
    } else if (attrs.indexOf("IMPORT") >= 0) {
      source = HlsHeader.Define.Source.IMPORT;
      name = rawQuoted(attrs, "IMPORT");
      if (this instanceof HlsMasterParser) {
        warn("EXT-X-DEFINE:IMPORT is not allowed in a multivariant playlist");
      }
      value = options.importVariables().get(name);
      if (value == null) {
        warn("variable \"" + name + "\" to IMPORT is not defined by the multivariant playlist");
      }
    } else if (attrs.indexOf("QUERYPARAM") >= 0) {
      source = HlsHeader.Define.Source.QUERYPARAM;
      name = rawQuoted(attrs, "QUERYPARAM");
      value = queryParameter(name);
      if (value == null) {
        warn("query parameter \"" + name + "\" is not in the playlist URL"
            + (options.baseUri().isPresent() ? "" : " (no base URI given)"));
      }
    } else {
      warn("#EXT-X-DEFINE needs NAME, IMPORT or QUERYPARAM");
      return;
    }
    if (!validVariableName(name)) {
      warn("variable name \"" + name + "\" is not made of A-Z, a-z, 0-9, '-' and '_'");
      return;
    }
    if (defines == null) {
      defines = new ArrayList<>();
      variables = new HashMap<>();
    }
    for (HlsHeader.Define d : defines) {
      if (d.name().equals(name)) {
        warn("variable \"" + name + "\" is defined more than once; the first is used");
        return;
      }
    }
    defines.add(new HlsHeader.Define(source, name, Optional.ofNullable(value)));
    if (value != null) {
      variables.put(name, value);
    }
  }

  private String rawQuoted(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (!a.quoted(k)) {
      warn(name + " should be a quoted-string");
    }
    return a.value(k);
  }

  private static boolean validVariableName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private String queryParameter(String name) throws PlaylistParseException {
    Optional<URI> base = options.baseUri();
    if (base.isEmpty() || base.get().getRawQuery() == null) {
      return null;
    }
    for (String pair : base.get().getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        try {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          warn("query parameter \"" + name + "\" is not valid percent-encoding");
          return null;
        }
      }
    }
    return null;
  }

  /** Replaces {@code {$name}} references with variable values; an undefined one stays and is warned about. */
  final String substitute(String s) throws PlaylistParseException {
    int ref = s.indexOf('{');
    if (ref < 0 || (ref = s.indexOf("{$", ref)) < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length() + 32);
    int from = 0;
    while (ref >= 0) {
      int close = s.indexOf('}', ref + 2);
      if (close < 0) {
        break;
      }
      String name = s.substring(ref + 2, close);
      String value = variables == null ? null : variables.get(name);
      out.append(s, from, ref);
      if (value == null) {
        warn("variable \"" + name + "\" is not defined");
        out.append(s, ref, close + 1);
      } else {
        out.append(value);
      }
      from = close + 1;
      ref = s.indexOf("{$", from);
    }
    return out.append(s, from, s.length()).toString();
  }

  // ---- problems ----

  final void warn(String message) throws PlaylistParseException {
    problems.warn(lineNumber, message);
  }

  final void warnAt(int line, String message) throws PlaylistParseException {
    problems.warn(line, message);
  }

  /** Warns about a kind of problem once per playlist (key 0..63), for problems that repeat on every segment. */
  final void warnOnce(int key, String message) throws PlaylistParseException {
    long bit = 1L << key;
    if ((warnedOnce & bit) == 0) {
      warnedOnce |= bit;
      warn(message + " (reported once)");
    }
  }

  // ---- typed attribute helpers, in required/optional pairs ----

  /** Tokenizes the tag's attribute list into {@link #attrs}; an absent list is warned about and read as empty. */
  final void attributes(String text, int valueStart) throws PlaylistParseException {
    if (valueStart < 0 || valueStart >= text.length()) {
      warn("#" + text.substring(1, valueStart < 0 ? text.length() : valueStart - 1) + " has no attributes");
      attrs.parse("", 0);
      return;
    }
    attrs.parse(text, valueStart);
    String problem = attrs.problem();
    if (problem != null) {
      warn(problem);
    }
  }

  /** The integer value of a tag like {@code #EXT-X-TARGETDURATION:n}, or -1 after a warning. */
  final long requireTagInteger(String text, int valueStart) throws PlaylistParseException {
    if (valueStart < 0) {
      warn(text + " has no value");
      return -1;
    }
    long value = HlsValues.parseDecimalInteger(text, valueStart, text.length());
    if (value < 0) {
      warn("\"" + text.substring(valueStart) + "\" is not a decimal-integer");
    }
    return value;
  }

  private void missing(String name) throws PlaylistParseException {
    warn("required attribute " + name + " is missing");
  }

  /** A quoted-string with variables substituted, or null after a warning when absent. */
  final String requireString(AttributeList a, String name) throws PlaylistParseException {
    String value = optionalString(a, name);
    if (value == null) {
      missing(name);
    }
    return value;
  }

  /** A quoted-string with variables substituted, or null when absent. */
  final String optionalString(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    if (!a.quoted(k)) {
      int quote = a.line().indexOf('"', a.valueStart(k));
      if (quote >= 0 && quote < a.valueEnd(k)) {
        warn(name + " is not a quoted-string and contains a quote: " + a.value(k));
        return null;
      }
      warn(name + " should be a quoted-string");
    }
    return substitute(a.value(k));
  }

  /** An enumerated-string, or null after a warning when absent. */
  final String requireEnum(AttributeList a, String name) throws PlaylistParseException {
    String value = optionalEnum(a, name);
    if (value == null) {
      missing(name);
    }
    return value;
  }

  /** An enumerated-string, or null when absent. */
  final String optionalEnum(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    if (a.quoted(k)) {
      warn(name + " should not be quoted");
    }
    return a.value(k);
  }

  /** An enumerated value of a known set, or null when absent or (after a warning) unknown. */
  final <E extends Enum<E>> E optionalEnum(AttributeList a, String name, E[] values, String[] texts)
      throws PlaylistParseException {
    String text = optionalEnum(a, name);
    return text == null ? null : enumValue(name, text, values, texts);
  }

  /** An enumerated value of a known set, or null after a warning when absent or unknown. */
  final <E extends Enum<E>> E requireEnum(AttributeList a, String name, E[] values, String[] texts)
      throws PlaylistParseException {
    String text = requireEnum(a, name);
    return text == null ? null : enumValue(name, text, values, texts);
  }

  private <E extends Enum<E>> E enumValue(String name, String text, E[] values, String[] texts)
      throws PlaylistParseException {
    for (int i = 0; i < texts.length; i++) {
      if (texts[i].equals(text)) {
        return values[i];
      }
    }
    warn("unknown " + name + " value \"" + text + "\"");
    return null;
  }

  /** A decimal-integer, or -1 after a warning when absent or malformed. */
  final long requireLong(AttributeList a, String name) throws PlaylistParseException {
    if (a.indexOf(name) < 0) {
      missing(name);
      return -1;
    }
    return optionalLong(a, name);
  }

  /** A decimal-integer, or -1 when absent or (after a warning) malformed. */
  final long optionalLong(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return -1;
    }
    long value = HlsValues.parseDecimalInteger(a.line(), a.valueStart(k), a.valueEnd(k));
    if (value < 0 || a.quoted(k)) {
      warn(name + " is not a decimal-integer: " + a.value(k));
    }
    return value;
  }

  /** A decimal-floating-point, or null after a warning when absent or malformed. */
  final BigDecimal requireDecimal(AttributeList a, String name) throws PlaylistParseException {
    if (a.indexOf(name) < 0) {
      missing(name);
      return null;
    }
    return optionalDecimal(a, name);
  }

  /** A decimal-floating-point, or null when absent or (after a warning) malformed. */
  final BigDecimal optionalDecimal(AttributeList a, String name) throws PlaylistParseException {
    return decimal(a, name, false);
  }

  /** A signed-decimal-floating-point, or null after a warning when absent or malformed. */
  final BigDecimal requireSignedDecimal(AttributeList a, String name) throws PlaylistParseException {
    if (a.indexOf(name) < 0) {
      missing(name);
      return null;
    }
    return decimal(a, name, true);
  }

  private BigDecimal decimal(AttributeList a, String name, boolean signed) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    BigDecimal value = HlsValues.parseDecimal(a.line(), a.valueStart(k), a.valueEnd(k), signed);
    if (value == null || a.quoted(k)) {
      warn(name + " is not a " + (signed ? "signed-" : "") + "decimal-floating-point: " + a.value(k));
    }
    return value;
  }

  /** YES or NO as a boolean, false when absent or (after a warning) anything else. */
  final boolean optionalYesNo(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return false;
    }
    if (a.valueEquals(k, "YES") && !a.quoted(k)) {
      return true;
    }
    if (!a.valueEquals(k, "NO") || a.quoted(k)) {
      warn(name + " must be YES or NO, not " + a.value(k));
    }
    return false;
  }

  /** A hexadecimal-sequence as written, or null when absent or (after a warning) malformed. */
  final String optionalHex(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    if (a.quoted(k) || !HlsValues.isHexSequence(a.line(), a.valueStart(k), a.valueEnd(k))) {
      warn(name + " is not a hexadecimal-sequence: " + a.value(k));
      return null;
    }
    return a.value(k);
  }

  /** A quoted date-time, or null when absent or (after a warning) malformed. */
  final OffsetDateTime optionalDate(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    if (!a.quoted(k)) {
      warn(name + " should be a quoted-string");
    }
    return dateTime(substitute(a.value(k)), name);
  }

  /** An ISO-8601 date-time, or null after a warning; one without a UTC offset is taken as UTC. */
  final OffsetDateTime dateTime(String text, String what) throws PlaylistParseException {
    OffsetDateTime value = HlsValues.parseDateTime(text, 0, text.length());
    if (value == null) {
      value = HlsValues.parseDateTime(text + "Z", 0, text.length() + 1);
      if (value != null) {
        warn(what + " has no UTC offset; UTC is assumed: " + text);
      } else {
        warn(what + " is not an ISO-8601 date-time: " + text);
      }
    }
    return value;
  }

  /** A decimal-resolution, or null when absent or (after a warning) malformed. */
  final MasterPlaylist.Resolution optionalResolution(AttributeList a, String name) throws PlaylistParseException {
    int k = a.indexOf(name);
    if (k < 0) {
      return null;
    }
    int[] size = HlsValues.parseResolution(a.line(), a.valueStart(k), a.valueEnd(k));
    if (size == null || a.quoted(k)) {
      warn(name + " is not a decimal-resolution: " + a.value(k));
      return null;
    }
    return new MasterPlaylist.Resolution(size[0], size[1]);
  }

  /** The METHOD of #EXT-X-KEY or #EXT-X-SESSION-KEY, or null after a warning. */
  final HlsKey.Method keyMethod() throws PlaylistParseException {
    return requireEnum(attrs, "METHOD", METHODS, METHOD_TEXTS);
  }

  /** A key from the other attributes of #EXT-X-KEY or #EXT-X-SESSION-KEY. */
  final HlsKey key(HlsKey.Method method) throws PlaylistParseException {
    return new HlsKey(method, opt(requireString(attrs, "URI")), opt(optionalHex(attrs, "IV")),
        opt(optionalString(attrs, "KEYFORMAT")), opt(optionalString(attrs, "KEYFORMATVERSIONS")));
  }

  /** Optional view of a possibly null value. */
  static <T> Optional<T> opt(T value) {
    return Optional.ofNullable(value);
  }

  /** Optional view of a value where -1 means absent. */
  static OptionalLong optLong(long value) {
    return value < 0 ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
