package dev.kanal.playlist;

/**
 * A problem the lenient parser tolerated.
 *
 * @param line 1-based line number in the input, or 0 when the problem concerns the whole input
 * @param message one sentence saying what is wrong
 */
public record ParseWarning(int line, String message) {

  @Override
  public String toString() {
    return line > 0 ? "line " + line + ": " + message : message;
  }
}
