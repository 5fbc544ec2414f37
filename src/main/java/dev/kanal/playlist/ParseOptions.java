package dev.kanal.playlist;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How to parse a playlist.
 *
 * @param strict turn every warning into a {@link PlaylistParseException}
 * @param maxBytes refuse inputs larger than this many bytes (characters, for a Reader)
 * @param maxLineLength refuse lines longer than this many characters
 * @param baseUri the playlist's own URL, against which relative IPTV entry URLs are resolved
 * @param importVariables values offered to {@code EXT-X-DEFINE:IMPORT} (RFC 8216bis 4.4.2.3), usually
 *     the variables of the multivariant playlist that referenced this media playlist
 */
public record ParseOptions(boolean strict, long maxBytes, int maxLineLength, Optional<URI> baseUri,
    Map<String, String> importVariables) {

  /** Default input size limit: 256 MB. */
  public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
  /** Default line length limit: 1 MB. */
  public static final int DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

  /** Lenient parsing with the default limits and no base URL. */
  public static final ParseOptions DEFAULTS =
      new ParseOptions(false, DEFAULT_MAX_BYTES, DEFAULT_MAX_LINE_LENGTH, Optional.empty(), Map.of());

  public ParseOptions {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    if (maxLineLength <= 0) {
      throw new IllegalArgumentException("maxLineLength must be positive, was " + maxLineLength);
    }
    importVariables = Map.copyOf(importVariables);
  }

  /** A copy with strict mode on or off. */
  public ParseOptions withStrict(boolean value) {
    return new ParseOptions(value, maxBytes, maxLineLength, baseUri, importVariables);
  }

  /** A copy with another input size limit. */
  public ParseOptions withMaxBytes(long value) {
    return new ParseOptions(strict, value, maxLineLength, baseUri, importVariables);
  }

  /** A copy with another line length limit. */
  public ParseOptions withMaxLineLength(int value) {
    return new ParseOptions(strict, maxBytes, value, baseUri, importVariables);
  }

  /** A copy with the playlist's own URL set. */
  public ParseOptions withBaseUri(URI value) {
    return new ParseOptions(strict, maxBytes, maxLineLength, Optional.of(value), importVariables);
  }

  /** A copy with variables for {@code EXT-X-DEFINE:IMPORT}. */
  public ParseOptions withImportVariables(Map<String, String> value) {
    return new ParseOptions(strict, maxBytes, maxLineLength, baseUri, value);
  }
}
