package dev.kanal.playlist;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;

/**
 * Reads a playlist line by line with bounded memory: accepts LF, CRLF and lone CR terminators,
 * drops a leading byte-order mark, and refuses inputs or lines over the configured limits.
 * Lines read ahead (by the sniffer) can be pushed back and are returned again first.
 */
final class LineReader {

  /** The buffer starts small, so that short playlists do not pay for clearing a large one. */
  private static final int FIRST_BUFFER = 1024;
  private static final int MAX_BUFFER = 64 * 1024;

  private final Reader in;
  private final long maxChars;
  private final int maxLineLength;
  private char[] buf = new char[FIRST_BUFFER];
  private final StringBuilder partial = new StringBuilder();
  private final ArrayDeque<Line> pushedBack = new ArrayDeque<>();
  private int pos;
  private int limit;
  private long consumed;
  private int lineNumber;
  private boolean eof;
  private boolean started;
  private boolean lastTerminated = true;

  /** One line and its 1-based number. */
  record Line(int number, String text, boolean terminated) {}

  LineReader(Reader in, long maxChars, int maxLineLength) {
    this.in = in;
    this.maxChars = maxChars;
    this.maxLineLength = maxLineLength;
  }

  /** The next line without its terminator, or null at the end of the input. */
  Line next() throws IOException, PlaylistParseException {
    if (!pushedBack.isEmpty()) {
      return pushedBack.pollFirst();
    }
    if (eof && pos >= limit) {
      return null;
    }
    partial.setLength(0);
    while (true) {
      if (pos >= limit && !fill()) {
        if (partial.isEmpty() && !started) {
          return null;
        }
        if (partial.isEmpty() && lastTerminated) {
          return null;
        }
        lastTerminated = false;
        return line(partial.toString(), false);
      }
      int start = pos;
      int end = limit;
      char[] b = buf;
      for (int i = start; i < end; i++) {
        char c = b[i];
        if (c == '\n' || c == '\r') {
          String text;
          if (partial.isEmpty()) {
            checkLength(i - start);
            text = new String(b, start, i - start);
          } else {
            checkLength(partial.length() + i - start);
            partial.append(b, start, i - start);
            text = partial.toString();
          }
          pos = i + 1;
          if (c == '\r') {
            skipLf();
          }
          lastTerminated = true;
          return line(text, true);
        }
      }
      checkLength(partial.length() + end - start);
      partial.append(b, start, end - start);
      pos = end;
      lastTerminated = false;
    }
  }

  /** Returns lines read ahead; they come back from {@link #next()} in the same order. */
  void pushBack(java.util.List<Line> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      pushedBack.addFirst(lines.get(i));
    }
  }

  private Line line(String text, boolean terminated) {
    started = true;
    lineNumber++;
    if (lineNumber == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    return new Line(lineNumber, text, terminated);
  }

  private void skipLf() throws IOException, PlaylistParseException {
    if (pos >= limit && !fill()) {
      return;
    }
    if (buf[pos] == '\n') {
      pos++;
    }
  }

  private void checkLength(int length) throws PlaylistParseException {
    if (length > maxLineLength) {
      throw PlaylistParseException.limit(lineNumber + 1,
          "line is longer than the limit of " + maxLineLength + " characters");
    }
  }

  private boolean fill() throws IOException, PlaylistParseException {
    if (eof) {
      return false;
    }
    if (buf.length < MAX_BUFFER && limit == buf.length) {
      // The last read filled the buffer: the input is long, read bigger chunks from now on.
      buf = new char[Math.min(buf.length * 4, MAX_BUFFER)];
    }
    int n;
    do {
      n = in.read(buf, 0, buf.length);
    } while (n == 0);
    if (n < 0) {
      eof = true;
      pos = limit = 0;
      return false;
    }
    consumed += n;
    if (consumed > maxChars) {
      throw PlaylistParseException.limit(0, "input is larger than the limit of " + maxChars + " bytes");
    }
    pos = 0;
    limit = n;
    return true;
  }
}
