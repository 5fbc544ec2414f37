package dev.kanal.playlist;

/**
 * A playlist that cannot be read: malformed in strict mode, or over a size limit in any mode.
 * The message names the line number and the reason, and is fit to show a user as it is.
 */
public final class PlaylistParseException extends Exception {

  private static final int MAX_QUOTED_LINE = 120;

  private final int line;
  private final String reason;
  private final boolean limitExceeded;

  private PlaylistParseException(int line, String reason, String message, boolean limitExceeded) {
    super(message);
    this.line = line;
    this.reason = reason;
    this.limitExceeded = limitExceeded;
  }

  private PlaylistParseException(int line, String reason, String message) {
    this(line, reason, message, false);
  }

  /** The input is over a size limit (whole input when {@code line} is 0, else that line). */
  public static PlaylistParseException limit(int line, String reason) {
    return new PlaylistParseException(line, reason, line > 0 ? "line " + line + ": " + reason : reason, true);
  }

  /** A problem at a line, quoting (the start of) that line. */
  public static PlaylistParseException atLine(int line, String text, String reason) {
    String quoted = text == null ? "" : text.length() > MAX_QUOTED_LINE
        ? text.substring(0, MAX_QUOTED_LINE) + "..." : text;
    String message = "line " + line + ": " + reason + (quoted.isEmpty() ? "" : " (\"" + quoted + "\")");
    return new PlaylistParseException(line, reason, message);
  }

  /** A problem that concerns the whole input rather than one line. */
  public static PlaylistParseException ofInput(String reason) {
    return new PlaylistParseException(0, reason, reason);
  }

  /** A lenient-mode warning turned into an error by strict mode. */
  public static PlaylistParseException fromWarning(ParseWarning warning) {
    return new PlaylistParseException(warning.line(), warning.message(), warning.toString());
  }

  /** The 1-based line number, or 0 when the problem concerns the whole input. */
  public int line() {
    return line;
  }

  /** Whether the input was refused for its size rather than its content. */
  public boolean limitExceeded() {
    return limitExceeded;
  }

  /** The reason without the line prefix. */
  public String reason() {
    return reason;
  }
}
