package dev.kanal.relay;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One viewer's keep-alive HTTP/1.1 connection on a blocking socket (meant for a virtual thread each):
 * viewers read their own sockets independently, as separate players would, rather than through one
 * shared client selector. Understands Content-Length and chunked bodies.
 */
final class ViewerConnection implements AutoCloseable {

  /** A response: status and body. */
  record Response(int status, byte[] body) {}

  private final String host;
  private final int port;
  private final Duration timeout;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  ViewerConnection(String host, int port, Duration timeout) {
    this.host = host;
    this.port = port;
    this.timeout = timeout;
  }

  /** GETs {@code path}, reconnecting when the server closed the connection. */
  Response get(String path) throws IOException {
    for (int attempt = 0; ; attempt++) {
      boolean reused = socket != null;
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
          socket.setSoTimeout((int) timeout.toMillis());
          in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
          out = socket.getOutputStream();
        }
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUser-Agent: viewer\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return read();
      } catch (IOException e) {
        close();
        if (!reused || attempt > 0) {
          throw e;
        }
      }
    }
  }

  private Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before the status line");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    long length = -1;
    boolean chunked = false;
    boolean close = false;
    String h;
    while ((h = line()) != null && !h.isEmpty()) {
      String lower = h.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(h.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      while (true) {
        int n = Integer.parseInt(line().split(";")[0].strip(), 16);
        if (n == 0) {
          line();
          break;
        }
        b.write(in.readNBytes(n));
        line();
      }
      body = b.toByteArray();
    } else if (length >= 0) {
      body = in.readNBytes((int) length);
      if (body.length != length) {
        throw new IOException("body cut after " + body.length + " of " + length + " bytes");
      }
    } else {
      body = in.readAllBytes();
      close = true;
    }
    if (close) {
      close();
    }
    return new Response(code, body);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
