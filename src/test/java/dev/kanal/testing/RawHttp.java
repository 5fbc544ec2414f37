package dev.kanal.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 over a plain socket on loopback, byte for byte: the request is sent exactly as written
 * (tabs, duplicate headers, odd request lines that {@code java.net.http} refuses), and the response
 * is read to the end of the connection and parsed without normalising anything.
 */
public final class RawHttp {

  private RawHttp() {}

  /** A parsed response. */
  public record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    /** The first value of header {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
    }

    /** Every value of header {@code name} (case-insensitive). */
    public List<String> headers(String name) {
      return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    /** The body as ISO-8859-1 text (one char per byte). */
    public String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    /** The boundary of a {@code multipart/byteranges} response, or empty. */
    public Optional<String> boundary() {
      return header("Content-Type").filter(t -> t.toLowerCase(Locale.ROOT).startsWith("multipart/byteranges"))
          .map(t -> t.substring(t.toLowerCase(Locale.ROOT).indexOf("boundary=") + "boundary=".length()).trim());
    }

    /** The parts of a {@code multipart/byteranges} body (RFC 9110 section 14.6, RFC 2046 section 5.1.1). */
    public List<Part> parts() {
      String boundary = boundary().orElseThrow(() -> new AssertionError("not a multipart/byteranges response"));
      return Part.parse(body, boundary);
    }
  }

  /** One body part: its headers (names lower-cased) and bytes. */
  public record Part(Map<String, String> headers, byte[] body) {

    /** The part's body as ISO-8859-1 text. */
    public String text() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    static List<Part> parse(byte[] body, String boundary) {
      byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      List<Part> parts = new ArrayList<>();
      int at = indexOf(body, delimiter, 0);
      if (at < 0) {
        throw new AssertionError("no boundary in the multipart body");
      }
      while (true) {
        int after = at + delimiter.length;
        if (after + 2 <= body.length && body[after] == '-' && body[after + 1] == '-') {
          return parts;
        }
        if (after + 2 > body.length || body[after] != '\r' || body[after + 1] != '\n') {
          throw new AssertionError("boundary not followed by CRLF at " + after);
        }
        int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), after + 2);
        if (headersEnd < 0) {
          throw new AssertionError("part without end of headers");
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        String block = new String(body, after + 2, headersEnd - after - 2, StandardCharsets.ISO_8859_1);
        for (String line : block.split("\r\n")) {
          if (!line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
          }
        }
        int dataStart = headersEnd + 4;
        int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), dataStart);
        if (next < 0) {
          throw new AssertionError("part without closing boundary");
        }
        parts.add(new Part(headers, java.util.Arrays.copyOfRange(body, dataStart, next)));
        at = next + 2;
      }
    }
  }

  /** What a streamed download received: status, headers and how many body bytes (not kept). */
  public record Download(int status, List<Map.Entry<String, String>> headers, long bodyBytes) {}

  /**
   * Sends {@code request} (a complete request head; add {@code Connection: close}) to 127.0.0.1:{@code port}
   * and reads the response until the server closes the connection.
   */
  public static Response exchange(int port, String request, Duration timeout) throws IOException {
    try (Socket socket = connect(port, timeout)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(all);
      byte[] bytes = all.toByteArray();
      int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
      if (end < 0) {
        throw new IOException("no complete response head in " + bytes.length + " bytes");
      }
      Head head = Head.parse(new String(bytes, 0, end, StandardCharsets.ISO_8859_1));
      return new Response(head.status, head.headers, java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length));
    }
  }

  /** A {@code GET} or {@code HEAD} of {@code path} with extra header lines (each {@code "Name: value"}). */
  public static Response request(int port, String method, String path, List<String> headerLines, Duration timeout)
      throws IOException {
    StringBuilder r = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String line : headerLines) {
      r.append(line).append("\r\n");
    }
    r.append("Connection: close\r\n\r\n");
    return exchange(port, r.toString(), timeout);
  }

  /**
   * Sends a {@code GET} of {@code path} with {@code headerLines} and reads the body as it comes,
   * counting and discarding it, so a test can download gigabytes without holding them.
   */
  public static Download download(int port, String path, List<String> headerLines, Duration timeout) throws IOException {
    try (Socket socket = connect(port, timeout)) {
      StringBuilder r = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String line : headerLines) {
        r.append(line).append("\r\n");
      }
      r.append("Connection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          throw new IOException("connection closed inside the response head");
        }
        headBytes.write(b);
        matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
            ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = headBytes.toString(StandardCharsets.ISO_8859_1);
      Head head = Head.parse(text.substring(0, text.length() - 4));
      long count = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        count += n;
      }
      return new Download(head.status, head.headers, count);
    }
  }

  /** An open connection to 127.0.0.1:{@code port} with read timeout {@code timeout}. */
  public static Socket connect(int port, Duration timeout) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
    socket.setSoTimeout((int) timeout.toMillis());
    return socket;
  }

  private record Head(int status, List<Map.Entry<String, String>> headers) {
    static Head parse(String text) throws IOException {
      String[] lines = text.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.x status line: " + lines[0]);
      }
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()));
      }
      return new Head(Integer.parseInt(statusLine[1]), headers);
    }
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
