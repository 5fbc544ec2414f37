package dev.kanal.hls;

/**
 * A recording or playback cannot go on: the message is one sentence a user can act on (which
 * stream, what failed, what to do).
 */
public final class HlsException extends Exception {

  /** What kind of failure, so a command line can pick an exit code. */
  public enum Kind {
    /** The request cannot be satisfied as asked (unknown quality, unsupported encryption). */
    UNSUPPORTED,
    /** The upstream failed (HTTP errors, refused key, playlist gone). */
    UPSTREAM,
    /** Writing the output failed (disk, ffmpeg). */
    OUTPUT
  }

  private final Kind kind;

  HlsException(Kind kind, String message) {
    this(kind, message, null);
  }

  HlsException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** What kind of failure this is. */
  public Kind kind() {
    return kind;
  }
}
