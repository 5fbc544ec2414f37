package dev.kanal.playlist;

import java.util.Objects;
import java.util.Optional;

/**
 * A tag the parser does not model (for example #EXT-X-CUE-OUT), kept verbatim so that writing the
 * playlist back loses nothing.
 *
 * @param line the 1-based line it was read from, or 0 when not read from text
 * @param position where it goes back: in a media playlist the index of the segment it precedes, in a
 *     multivariant playlist the index of the #EXT-X-STREAM-INF variant it precedes (the list size for the end)
 * @param text the whole line, starting with {@code #EXT}
 */
public record HlsUnknownTag(int line, int position, String text) {

  /** Requires a text that starts with {@code #} and a non-negative position. */
  public HlsUnknownTag {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith("#")) {
      throw new IllegalArgumentException("a tag starts with '#': " + text);
    }
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative: " + position);
    }
  }

  /** The tag name without the leading {@code #}, e.g. {@code EXT-X-CUE-OUT}. */
  public String name() {
    int colon = text.indexOf(':');
    return text.substring(1, colon < 0 ? text.length() : colon);
  }

  /** What follows the first colon, if there is one. */
  public Optional<String> value() {
    int colon = text.indexOf(':');
    return colon < 0 ? Optional.empty() : Optional.of(text.substring(colon + 1));
  }

  HlsUnknownTag withoutLine() {
    return line == 0 ? this : new HlsUnknownTag(0, position, text);
  }
}
