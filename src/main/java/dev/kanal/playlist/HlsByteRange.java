package dev.kanal.playlist;

/**
 * A sub-range of a resource, with its offset always resolved (RFC 8216bis 4.4.4.2).
 *
 * @param length the number of bytes, as defined by the {@code n} of {@code n[@o]}
 * @param offset the first byte, as defined by the {@code o} of {@code n[@o]}, or the end of the previous
 *     sub-range of the same resource when the playlist left it out
 */
public record HlsByteRange(long length, long offset) {

  /** Refuses negative lengths and offsets. */
  public HlsByteRange {
    if (length < 0 || offset < 0) {
      throw new IllegalArgumentException("byte range must not be negative: " + length + "@" + offset);
    }
  }

  /** The offset one past the last byte, where an implicit next sub-range starts. */
  public long end() {
    return offset + length;
  }

  /** The canonical {@code length@offset} form. */
  @Override
  public String toString() {
    return length + "@" + offset;
  }
}
