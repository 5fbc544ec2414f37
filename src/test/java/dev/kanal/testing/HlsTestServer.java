package dev.kanal.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 server on 127.0.0.1 for HLS client tests, on raw sockets so it can misbehave exactly:
 * the fault-injecting upstream shared by the recorder, checker and relay tests. It serves files from
 * a folder (with Range), dynamic routes (live playlists; {@link LiveHlsStream} adds the media-sequence
 * reset), an added latency per request, and faults per path: a delay before the answer, a status for
 * N requests, in bursts or for a time window (5xx), a connection reset in the middle of the body, a
 * truncated body (Content-Length larger than what is sent, then close), a Content-Length that lies
 * (too long with the connection left open and silent, or too short with the rest of the body sent
 * after it), an HTML page instead of the resource, an endless body, and a stalled body. Keep-alive,
 * one virtual thread per connection. Every request is logged. docs/RELIABILITY.md ("Faults") lists
 * which test uses which fault.
 */
public final class HlsTestServer implements AutoCloseable {

  /** What goes wrong with a response. */
  public enum FaultKind { STATUS, BURST, DELAY, HTML, ENDLESS, RESET, TRUNCATE, STALL, LIE }

  /** Faults decided before the body is known; the others change how the body is sent. */
  private static final java.util.Set<FaultKind> BEFORE_BODY =
      java.util.EnumSet.of(FaultKind.STATUS, FaultKind.BURST, FaultKind.DELAY, FaultKind.HTML, FaultKind.ENDLESS);

  /** The page a captive portal or a CDN error page answers instead of a playlist. */
  public static final String HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>Access denied</title></head>"
      + "<body><h1>Access denied</h1><p>This content is not available in your region.</p></body></html>\n";

  private record Fault(Pattern path, FaultKind kind, int status, AtomicInteger remaining, long fromNanos,
      long untilNanos, Duration stall, int a, int b, AtomicInteger seen) {

    Fault(Pattern path, FaultKind kind, int status, AtomicInteger remaining, long fromNanos, long untilNanos,
        Duration stall) {
      this(path, kind, status, remaining, fromNanos, untilNanos, stall, 0, 0, new AtomicInteger());
    }

    boolean active(String p) {
      if (!path.matcher(p).matches()) {
        return false;
      }
      if (kind == FaultKind.BURST) {
        return seen.getAndIncrement() % b < a;
      }
      if (untilNanos != 0) {
        long now = System.nanoTime();
        return now >= fromNanos && now < untilNanos;
      }
      return remaining.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0;
    }
  }

  /** A dynamic response body and its content type. */
  public record Body(byte[] bytes, String contentType) {}

  private final Path root;
  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final Map<String, Supplier<Body>> routes = new ConcurrentHashMap<>();
  private final Map<String, java.util.function.Function<String, Body>> prefixRoutes = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> requestHeaders = new CopyOnWriteArrayList<>();
  /** Header name (lower case) to the value every request must carry, else 403 (e.g. a Referer check). */
  private final Map<String, String> requiredHeaders = new ConcurrentHashMap<>();
  private volatile Duration latency = Duration.ZERO;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong endlessBytes = new java.util.concurrent.atomic.AtomicLong();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private volatile boolean closed;

  private final String scheme;

  private HlsTestServer(Path root, int port, javax.net.ssl.SSLContext tls) throws IOException {
    this.root = root;
    this.scheme = tls == null ? "http" : "https";
    this.server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
    this.acceptor = Thread.ofPlatform().daemon().name("hls-test-server").start(this::acceptLoop);
  }

  /** Starts serving a folder on a free port. */
  public static HlsTestServer start(Path root) throws IOException {
    return new HlsTestServer(root, 0, null);
  }

  /** Starts serving a folder on a given port (0: any). */
  public static HlsTestServer start(Path root, int port) throws IOException {
    return new HlsTestServer(root, port, null);
  }

  /** Starts serving a folder over https on a free port, with the key and certificate of {@code tls}. */
  public static HlsTestServer startTls(Path root, javax.net.ssl.SSLContext tls) throws IOException {
    return new HlsTestServer(root, 0, tls);
  }

  /** The URL of a path ("/index.m3u8"). */
  public URI uri(String path) {
    return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Adds this delay before every response. */
  public HlsTestServer latency(Duration value) {
    latency = value;
    return this;
  }

  /** Answers a path from a supplier (called per request) instead of a file. */
  public HlsTestServer route(String path, Supplier<Body> body) {
    routes.put(path, body);
    return this;
  }

  /** Answers every path starting with a prefix from a function of the path (null: 404). */
  public HlsTestServer routePrefix(String prefix, java.util.function.Function<String, Body> body) {
    prefixRoutes.put(prefix, body);
    return this;
  }

  /** Answers {@code status} to the next {@code times} requests matching the regex (-1: always). */
  public HlsTestServer status(String pathRegex, int status, int times) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.STATUS, status, new AtomicInteger(times), 0, 0, null));
    return this;
  }

  /** Answers {@code status} to every request matching the regex for {@code window}, starting {@code after} from now. */
  public HlsTestServer statusFor(String pathRegex, int status, Duration after, Duration window) {
    long from = System.nanoTime() + after.toNanos();
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.STATUS, status, new AtomicInteger(-1), from,
        from + window.toNanos(), null));
    return this;
  }

  /** Resets (RST) the connection halfway through the body of the next {@code times} matching requests. */
  public HlsTestServer reset(String pathRegex, int times) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.RESET, 0, new AtomicInteger(times), 0, 0, null));
    return this;
  }

  /** Sends the full Content-Length but only half the body, then closes, for the next {@code times} requests. */
  public HlsTestServer truncate(String pathRegex, int times) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.TRUNCATE, 0, new AtomicInteger(times), 0, 0, null));
    return this;
  }

  /** Sends headers and a few bytes, then stalls for {@code stall} before the rest, for the next {@code times}. */
  public HlsTestServer stall(String pathRegex, int times, Duration stall) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.STALL, 0, new AtomicInteger(times), 0, 0, stall));
    return this;
  }

  /** Answers {@code status} to the first {@code burst} of every {@code every} requests matching the regex (5xx bursts). */
  public HlsTestServer statusBursts(String pathRegex, int status, int burst, int every) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.BURST, status, new AtomicInteger(-1), 0, 0, null,
        burst, every, new AtomicInteger()));
    return this;
  }

  /** Waits {@code delay} before answering the next {@code times} matching requests (-1: always). */
  public HlsTestServer delay(String pathRegex, int times, Duration delay) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.DELAY, 0, new AtomicInteger(times), 0, 0, delay));
    return this;
  }

  /** Answers 200 with {@link #HTML_PAGE} ({@code text/html}) to the next {@code times} matching requests. */
  public HlsTestServer html(String pathRegex, int times) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.HTML, 200, new AtomicInteger(times), 0, 0, null));
    return this;
  }

  /**
   * Answers the next {@code times} matching requests with 200 and a body that never ends (no
   * Content-Length; MPEG-TS-looking packets as fast as the client reads) until the client goes.
   */
  public HlsTestServer endless(String pathRegex, int times) {
    return endless(pathRegex, times, 0);
  }

  /** {@link #endless(String, int)} at about {@code bytesPerSecond} (0: as fast as the client reads), like a live feed. */
  public HlsTestServer endless(String pathRegex, int times, int bytesPerSecond) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.ENDLESS, 200, new AtomicInteger(times), 0, 0, null,
        bytesPerSecond, 0, new AtomicInteger()));
    return this;
  }

  /**
   * Sends a Content-Length {@code delta} bytes off the real length, for the next {@code times} matching
   * requests. Too long ({@code delta > 0}): the whole body, then the connection stays open and silent.
   * Too short ({@code delta < 0}): the whole body anyway, the extra bytes where the next response
   * on the connection would start.
   */
  public HlsTestServer lieAboutLength(String pathRegex, int times, int delta) {
    faults.add(new Fault(Pattern.compile(pathRegex), FaultKind.LIE, 0, new AtomicInteger(times), 0, 0, null, delta, 0,
        new AtomicInteger()));
    return this;
  }

  /** Bytes sent so far in endless bodies (all of them together). */
  public long endlessBytesSent() {
    return endlessBytes.get();
  }

  /** Answers 403 to every request whose header {@code name} is not exactly {@code value} (a hotlink check). */
  public HlsTestServer requireHeader(String name, String value) {
    requiredHeaders.put(name.toLowerCase(Locale.ROOT), value);
    return this;
  }

  /** Removes every fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** The paths requested so far, in order (with the query). */
  /** The most requests this server was answering at one time since the last {@link #resetMostInFlight()}. */
  public int mostInFlight() {
    return mostInFlight.get();
  }

  /** Starts counting {@link #mostInFlight()} afresh. */
  public void resetMostInFlight() {
    mostInFlight.set(inFlight.get());
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The headers of each request so far (names in lower case), in the order of {@link #requests()}. */
  public List<Map<String, String>> requestHeaders() {
    return List.copyOf(requestHeaders);
  }

  /** How many requests had exactly this path (query ignored). */
  public long count(String path) {
    return requests.stream().filter(r -> r.split("\\?", 2)[0].equals(path)).count();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        sockets.add(s);
        Thread.ofVirtual().name("hls-test-conn").start(() -> serve(s));
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (true) {
        String line = readLine(in);
        if (line == null || line.isEmpty()) {
          return;
        }
        String[] parts = line.split(" ");
        Map<String, String> headers = new ConcurrentHashMap<>();
        String h;
        while ((h = readLine(in)) != null && !h.isEmpty()) {
          int colon = h.indexOf(':');
          if (colon > 0) {
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
          }
        }
        String target = parts.length > 1 ? parts[1] : "/";
        requests.add(target);
        requestHeaders.add(headers);
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean keepOpen;
        try {
          if (!latency.isZero()) {
            Thread.sleep(latency);
          }
          keepOpen = respond(socket, out, parts[0], target, headers);
        } finally {
          inFlight.decrementAndGet();
        }
        if (!keepOpen) {
          return;
        }
        if ("close".equalsIgnoreCase(headers.get("connection"))) {
          return;
        }
      }
    } catch (IOException | InterruptedException e) {
      // The client went away, or a fault closed the connection.
    } finally {
      sockets.remove(socket);
    }
  }

  /** Writes one response; false when the connection must not be reused. */
  private boolean respond(Socket socket, OutputStream out, String method, String target, Map<String, String> headers)
      throws IOException, InterruptedException {
    String path = target.split("\\?", 2)[0];
    for (Map.Entry<String, String> required : requiredHeaders.entrySet()) {
      if (!required.getValue().equals(headers.get(required.getKey()))) {
        send(out, 403, "text/plain", ("missing " + required.getKey()).getBytes(StandardCharsets.US_ASCII), method, null);
        return true;
      }
    }
    for (Fault f : faults) {
      if (!BEFORE_BODY.contains(f.kind()) || !f.active(path)) {
        continue;
      }
      switch (f.kind()) {
        case STATUS, BURST -> {
          send(out, f.status(), "text/plain", ("fault " + f.status()).getBytes(StandardCharsets.US_ASCII), method, null);
          return true;
        }
        case HTML -> {
          send(out, 200, "text/html; charset=utf-8", HTML_PAGE.getBytes(StandardCharsets.UTF_8), method, null);
          return true;
        }
        case ENDLESS -> {
          out.write(("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          byte[] chunk = new byte[188 * 64];
          for (int i = 0; i < chunk.length; i += 188) {
            chunk[i] = 0x47;
          }
          while (!closed) {
            out.write(chunk); // fails once the client has gone
            endlessBytes.addAndGet(chunk.length);
            if (f.a() > 0) {
              Thread.sleep(Math.max(1, chunk.length * 1000L / f.a()));
            }
          }
          return false;
        }
        case DELAY -> Thread.sleep(f.stall());
        default -> throw new IllegalStateException();
      }
    }
    byte[] body;
    String type;
    Supplier<Body> route = routes.get(path);
    if (route == null) {
      for (Map.Entry<String, java.util.function.Function<String, Body>> e : prefixRoutes.entrySet()) {
        if (path.startsWith(e.getKey())) {
          route = () -> e.getValue().apply(path);
        }
      }
    }
    if (route != null) {
      Body b = route.get();
      if (b == null) {
        send(out, 404, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII), method, null);
        return true;
      }
      body = b.bytes();
      type = b.contentType();
    } else {
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        send(out, 404, "text/plain", "not found".getBytes(StandardCharsets.US_ASCII), method, null);
        return true;
      }
      body = Files.readAllBytes(file);
      type = path.endsWith(".m3u8") ? "application/vnd.apple.mpegurl" : path.endsWith(".ts") ? "video/mp2t"
          : "application/octet-stream";
    }
    int status = 200;
    String range = headers.get("range");
    String contentRange = null;
    if (range != null) {
      Matcher m = Pattern.compile("bytes=(\\d+)-(\\d*)").matcher(range);
      if (m.matches()) {
        long from = Long.parseLong(m.group(1));
        long to = m.group(2).isEmpty() ? body.length - 1 : Math.min(Long.parseLong(m.group(2)), body.length - 1);
        if (from >= body.length || to < from) {
          send(out, 416, "text/plain", new byte[0], method, "bytes */" + body.length);
          return true;
        }
        contentRange = "bytes " + from + "-" + to + "/" + body.length;
        byte[] slice = new byte[(int) (to - from + 1)];
        System.arraycopy(body, (int) from, slice, 0, slice.length);
        body = slice;
        status = 206;
      }
    }
    for (Fault f : faults) {
      if (!BEFORE_BODY.contains(f.kind()) && f.active(path)) {
        int half = body.length / 2;
        if (f.kind() == FaultKind.LIE) {
          out.write(head(status, type, Math.max(0, body.length + f.a()), contentRange));
          out.write(body);
          out.flush();
          if (f.a() > 0) {
            // Too long: the client waits for bytes that never come; hold the connection until it gives up.
            while (!closed && socket.getInputStream().read() >= 0) {
              // discard whatever the client sends
            }
            return false;
          }
          return true; // too short: the rest of the body is where the next response would start
        }
        out.write(head(status, type, body.length, contentRange));
        switch (f.kind()) {
          case RESET -> {
            out.write(body, 0, half);
            out.flush();
            socket.setSoLinger(true, 0);
            socket.close();
          }
          case TRUNCATE -> {
            out.write(body, 0, half);
            out.flush();
            socket.close();
          }
          case STALL -> {
            out.write(body, 0, Math.min(188, body.length));
            out.flush();
            Thread.sleep(f.stall());
            out.write(body, Math.min(188, body.length), body.length - Math.min(188, body.length));
            out.flush();
            return true;
          }
          default -> throw new IllegalStateException();
        }
        return false;
      }
    }
    send(out, status, type, body, method, contentRange);
    return true;
  }

  private static void send(OutputStream out, int status, String type, byte[] body, String method, String contentRange)
      throws IOException {
    out.write(head(status, type, body.length, contentRange));
    if (!method.equals("HEAD")) {
      out.write(body);
    }
    out.flush();
  }

  private static byte[] head(int status, String type, long length, String contentRange) {
    StringBuilder b = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    b.append("Content-Type: ").append(type).append("\r\n");
    b.append("Content-Length: ").append(length).append("\r\n");
    if (contentRange != null) {
      b.append("Content-Range: ").append(contentRange).append("\r\n");
    }
    b.append("\r\n");
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 206 -> "Partial Content";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 416 -> "Range Not Satisfiable";
      case 500 -> "Internal Server Error";
      default -> "Status";
    };
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
      if (b.size() > 65536) {
        throw new IOException("header line too long");
      }
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    for (Socket s : new ArrayList<>(sockets)) {
      try {
        s.close();
      } catch (IOException e) {
        // closing
      }
    }
    acceptor.interrupt();
  }
}
