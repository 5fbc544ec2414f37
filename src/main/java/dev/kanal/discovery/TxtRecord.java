package dev.kanal.discovery;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DNS-SD TXT records (RFC 6763 section 6): length-prefixed {@code key=value} strings. Whatever the
 * bytes, {@link #parse} returns a map and never throws: strings that run past the end, keys that are
 * not printable ASCII, values that are not UTF-8 or hold control characters are skipped.
 */
final class TxtRecord {

  /** Bytes read at most; RFC 6763 section 6.2 says a TXT record above 8900 bytes may not work anyway. */
  static final int MAX_BYTES = 8192;
  /** Entries kept at most. */
  static final int MAX_ENTRIES = 64;
  /** Longest key kept (RFC 6763 section 6.4 recommends 9 characters). */
  static final int MAX_KEY = 64;

  /** Stream attributes shown for DNS-SD services, with what their values must look like. */
  static final Map<String, Pattern> STREAM_ATTRIBUTES = Map.of(
      "video", Pattern.compile("[A-Za-z0-9._-]{1,32}"),
      "audio", Pattern.compile("[A-Za-z0-9._-]{1,32}"),
      "res", Pattern.compile("[0-9]{1,5}x[0-9]{1,5}"),
      "fps", Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3})?"),
      "bitrate", Pattern.compile("[0-9]{1,10}[kKmM]?"),
      "path", Pattern.compile("/[!#-~]{0,255}"));
  /** What a Kanal server announces besides the stream attributes. */
  static final Map<String, Pattern> KANAL_ATTRIBUTES = Map.of(
      "version", Pattern.compile("[0-9A-Za-z.+-]{1,32}"),
      "id", Pattern.compile("[0-9A-Za-z-]{1,64}"),
      "api", Pattern.compile("/[A-Za-z0-9/_.-]{0,63}"),
      "path", Pattern.compile("/[!#-~]{0,255}"),
      "live", Pattern.compile("[01]"),
      "vod", Pattern.compile("[01]"),
      "hdhr", Pattern.compile("[01]"));

  private TxtRecord() {}

  /** The entries in order, keys in lower case (they are case-insensitive); the first of a repeated key wins. */
  static Map<String, String> parse(byte[] bytes) {
    Map<String, String> out = new LinkedHashMap<>();
    if (bytes == null) {
      return out;
    }
    int end = Math.min(bytes.length, MAX_BYTES);
    int i = 0;
    while (i < end && out.size() < MAX_ENTRIES) {
      int length = bytes[i] & 0xff;
      int start = i + 1;
      i = start + length;
      if (i > end) {
        break; // truncated
      }
      entry(bytes, start, length).ifPresent(e -> out.putIfAbsent(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static Optional<Map.Entry<String, String>> entry(byte[] bytes, int start, int length) {
    int eq = -1;
    for (int j = start; j < start + length; j++) {
      if (bytes[j] == '=') {
        eq = j;
        break;
      }
    }
    int keyEnd = eq < 0 ? start + length : eq;
    if (keyEnd == start || keyEnd - start > MAX_KEY) {
      return Optional.empty();
    }
    StringBuilder key = new StringBuilder();
    for (int j = start; j < keyEnd; j++) {
      int c = bytes[j] & 0xff;
      if (c < 0x20 || c > 0x7e) {
        return Optional.empty();
      }
      key.append((char) c);
    }
    String value = "";
    if (eq >= 0) {
      try {
        value = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes, eq + 1, start + length - eq - 1)).toString();
      } catch (CharacterCodingException e) {
        return Optional.empty();
      }
      if (!Text.isClean(value)) {
        return Optional.empty();
      }
    }
    return Optional.of(Map.entry(key.toString().toLowerCase(Locale.ROOT), value));
  }

  /** The entries of {@code txt} named in {@code allowed} whose values match their pattern. */
  static Map<String, String> select(Map<String, String> txt, Map<String, Pattern> allowed) {
    Map<String, String> out = new LinkedHashMap<>();
    allowed.forEach((key, pattern) -> {
      String value = txt.get(key);
      if (value != null && pattern.matcher(value).matches()) {
        out.put(key, value);
      }
    });
    return out;
  }
}
