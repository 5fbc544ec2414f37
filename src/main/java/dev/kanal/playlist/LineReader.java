package dev.kanal.playlist;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a playlist line by line with bounded memory: accepts LF, CRLF and lone CR terminators,
 * drops a leading byte-order mark, and refuses inputs or lines over the configured limits.
 * Lines read ahead (by the sniffer) can be pushed back and are returned again first.
 *
 * <p>Two sources: characters from a {@link Reader}, or UTF-8 bytes from an {@link InputStream},
 * split on the terminator bytes (which never occur inside a UTF-8 sequence) and decoded one line at
 * a time, which is about twice as fast as decoding through an InputStreamReader first. Malformed
 * sequences become U+FFFD either way.
 */
abstract sealed class LineReader permits LineReader.Chars, LineReader.Bytes {

  /** Buffers start small, so that short playlists do not pay for clearing a large one. */
  static final int FIRST_BUFFER = 1024;
  static final int MAX_BUFFER = 64 * 1024;

  final long maxInput;
  final int maxLineLength;
  private final ArrayDeque<Line> pushedBack = new ArrayDeque<>();
  int lineNumber;
  boolean started;
  boolean lastTerminated = true;

  /** One line and its 1-based number. */
  record Line(int number, String text, boolean terminated) {}

  private LineReader(long maxInput, int maxLineLength) {
    this.maxInput = maxInput;
    this.maxLineLength = maxLineLength;
  }

  /** Lines of characters; {@code maxChars} bounds the whole input. */
  static LineReader of(Reader in, long maxChars, int maxLineLength) {
    return new Chars(in, maxChars, maxLineLength);
  }

  /** Lines of UTF-8 bytes; {@code maxBytes} bounds the whole input. The stream is not closed. */
  static LineReader of(InputStream in, long maxBytes, int maxLineLength) {
    return new Bytes(in, maxBytes, maxLineLength);
  }

  /** The next line without its terminator, or null at the end of the input. */
  final Line next() throws IOException, PlaylistParseException {
    if (!pushedBack.isEmpty()) {
      return pushedBack.pollFirst();
    }
    return readLine();
  }

  /** Reads the next line from the source, or returns null at its end. */
  abstract Line readLine() throws IOException, PlaylistParseException;

  /** Returns lines read ahead; they come back from {@link #next()} in the same order. */
  final void pushBack(List<Line> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      pushedBack.addFirst(lines.get(i));
    }
  }

  final Line line(String text, boolean terminated) {
    started = true;
    lastTerminated = terminated;
    lineNumber++;
    if (lineNumber == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    return new Line(lineNumber, text, terminated);
  }

  final void checkLength(int length, String unit) throws PlaylistParseException {
    if (length > maxLineLength) {
      throw PlaylistParseException.limit(lineNumber + 1,
          "line is longer than the limit of " + maxLineLength + " " + unit);
    }
  }

  final void checkInput(long consumed) throws PlaylistParseException {
    if (consumed > maxInput) {
      throw PlaylistParseException.limit(0, "input is larger than the limit of " + maxInput + " bytes");
    }
  }

  /** Lines from a Reader. */
  static final class Chars extends LineReader {
    private final Reader in;
    private char[] buf = new char[FIRST_BUFFER];
    private final StringBuilder partial = new StringBuilder();
    private int pos;
    private int limit;
    private long consumed;
    private boolean eof;

    Chars(Reader in, long maxChars, int maxLineLength) {
      super(maxChars, maxLineLength);
      this.in = in;
    }

    @Override
    Line readLine() throws IOException, PlaylistParseException {
      if (eof && pos >= limit) {
        return null;
      }
      partial.setLength(0);
      while (true) {
        if (pos >= limit && !fill()) {
          if (partial.isEmpty() && (!started || lastTerminated)) {
            return null;
          }
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
              checkLength(i - start, "characters");
              text = new String(b, start, i - start);
            } else {
              checkLength(partial.length() + i - start, "characters");
              partial.append(b, start, i - start);
              text = partial.toString();
            }
            pos = i + 1;
            if (c == '\r' && (pos < limit || fill()) && buf[pos] == '\n') {
              pos++;
            }
            return line(text, true);
          }
        }
        checkLength(partial.length() + end - start, "characters");
        partial.append(b, start, end - start);
        pos = end;
        lastTerminated = false;
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
      checkInput(consumed);
      pos = 0;
      limit = n;
      return true;
    }
  }

  /** Lines from UTF-8 bytes. */
  static final class Bytes extends LineReader {
    private final InputStream in;
    private byte[] buf = new byte[FIRST_BUFFER];
    private byte[] partial = new byte[256];
    private int partialLength;
    private int pos;
    private int limit;
    private long consumed;
    private boolean eof;

    Bytes(InputStream in, long maxBytes, int maxLineLength) {
      super(maxBytes, maxLineLength);
      this.in = in;
    }

    @Override
    Line readLine() throws IOException, PlaylistParseException {
      if (eof && pos >= limit) {
        return null;
      }
      partialLength = 0;
      while (true) {
        if (pos >= limit && !fill()) {
          if (partialLength == 0 && (!started || lastTerminated)) {
            return null;
          }
          return line(new String(partial, 0, partialLength, StandardCharsets.UTF_8), false);
        }
        int start = pos;
        int end = limit;
        byte[] b = buf;
        for (int i = start; i < end; i++) {
          byte c = b[i];
          if (c == '\n' || c == '\r') {
            String text;
            if (partialLength == 0) {
              checkLength(i - start, "bytes");
              text = new String(b, start, i - start, StandardCharsets.UTF_8);
            } else {
              append(b, start, i - start);
              text = new String(partial, 0, partialLength, StandardCharsets.UTF_8);
            }
            pos = i + 1;
            if (c == '\r' && (pos < limit || fill()) && buf[pos] == '\n') {
              pos++;
            }
            return line(text, true);
          }
        }
        append(b, start, end - start);
        pos = end;
        lastTerminated = false;
      }
    }

    private void append(byte[] b, int from, int length) throws PlaylistParseException {
      checkLength(partialLength + length, "bytes");
      if (partialLength + length > partial.length) {
        partial = Arrays.copyOf(partial, Math.max(partialLength + length, partial.length * 2));
      }
      System.arraycopy(b, from, partial, partialLength, length);
      partialLength += length;
    }

    private boolean fill() throws IOException, PlaylistParseException {
      if (eof) {
        return false;
      }
      if (buf.length < MAX_BUFFER && limit == buf.length) {
        buf = new byte[Math.min(buf.length * 4, MAX_BUFFER)];
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
      checkInput(consumed);
      pos = 0;
      limit = n;
      return true;
    }
  }
}
