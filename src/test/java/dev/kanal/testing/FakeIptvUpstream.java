package dev.kanal.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A misbehaving IPTV upstream on loopback for health-check tests: good HLS, error statuses, hangs,
 * slow drips, HTML, redirect loops, segments that 404, and a stream that needs a Referer.
 * Paths are {@code <dir>/<file>}: the file picks the behaviour ({@code master.m3u8}, {@code hang.m3u8},
 * {@code drip.m3u8}, {@code page.m3u8}, {@code garbage}, {@code a} (redirect loop), {@code stream.ts}),
 * {@code status/<code>} answers that status, {@code seg404/} playlists name a missing segment and
 * {@code ref/} needs {@link #REFERER}.
 */
public final class FakeIptvUpstream implements AutoCloseable {

  public static final String REFERER = "https://kanal.example/player";

  private final HttpServer server;
  private final java.util.Map<String, String[]> typed = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();

  public FakeIptvUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL, ending in a slash. */
  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** An URL of this upstream. */
  public String url(String path) {
    return base() + path;
  }

  /** Serves {@code body} with {@code contentType} at {@code /path} from now on (before the built-in routes). */
  public void serve(String path, String contentType, byte[] body) {
    typed.put("/" + path, new String[] {contentType});
    bodies.put("/" + path, body.clone());
  }

  /** A port where nothing listens (connection refused). */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static String master(String low, String high) {
    return """
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720
        %s
        #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
        %s
        """.formatted(high, low);
  }

  public static String media(String segment) {
    return """
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:6
        #EXT-X-MEDIA-SEQUENCE:100
        #EXTINF:6.0,
        %s
        #EXTINF:6.0,
        %s
        """.formatted(segment, segment);
  }

  /** A few MPEG-TS packets (sync byte 0x47). */
  public static byte[] tsBytes() {
    byte[] ts = new byte[188 * 20];
    for (int i = 0; i < ts.length; i += 188) {
      ts[i] = 0x47;
    }
    return ts;
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    try (ex) {
      if (bodies.containsKey(path)) {
        send(ex, 200, typed.get(path)[0], bodies.get(path));
        return;
      }
      if (path.startsWith("/ref/") && !REFERER.equals(ex.getRequestHeaders().getFirst("Referer"))) {
        send(ex, 403, "text/plain", "no referer");
        return;
      }
      String tail = path.substring(path.indexOf('/', 1) + 1);
      String dir = path.substring(0, path.indexOf('/', 1) + 1);
      switch (tail) {
        case "master.m3u8" -> send(ex, 200, "application/vnd.apple.mpegurl", master("low.m3u8", "high.m3u8"));
        case "low.m3u8", "high.m3u8" -> send(ex, 200, "application/vnd.apple.mpegurl",
            media(dir.equals("/seg404/") ? "missing.ts" : "seg.ts"));
        case "seg.ts" -> send(ex, 200, "video/mp2t", tsBytes());
        case "stream.ts" -> send(ex, 200, "video/mp2t", tsBytes());
        case "page.m3u8" -> send(ex, 200, "text/html; charset=utf-8", "<!doctype html><html><body>Not here</body></html>");
        case "garbage" -> send(ex, 200, "text/plain", "hello, this is not a stream at all");
        case "a" -> redirect(ex, dir + "b");
        case "b" -> redirect(ex, dir + "a");
        case "hang.m3u8" -> sleep(120_000);
        case "drip.m3u8" -> drip(ex);
        default -> {
          if (dir.equals("/status/")) {
            send(ex, Integer.parseInt(tail), "text/plain", "status " + tail);
          } else {
            send(ex, 404, "text/plain", "not found");
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client went away (a cut check); nothing to do.
    }
  }

  private static void drip(HttpExchange ex) throws IOException {
    byte[] body = media("seg.ts").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/vnd.apple.mpegurl");
    ex.sendResponseHeaders(200, body.length);
    OutputStream out = ex.getResponseBody();
    for (byte b : body) {
      out.write(b);
      out.flush();
      sleep(250);
    }
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(302, -1);
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
