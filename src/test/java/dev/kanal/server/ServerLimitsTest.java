package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.LimitsConfig;
import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.store.Database;
import dev.kanal.store.PlaybackStore;
import dev.kanal.testing.RawHttp;
import dev.kanal.testing.TestMediaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.limits} (issue #13) against a real server over raw sockets: each limit hit gives its
 * status or a disconnect, and the server goes on serving other clients afterwards.
 */
class ServerLimitsTest {

  static final PlaybackConfig PLAYBACK = new PlaybackConfig(Duration.ofSeconds(90), 1000, Duration.ofDays(7));
  static final LimitsConfig LIMITS = new LimitsConfig(ByteSize.parse("4KiB"), 512, ByteSize.parse("2KiB"), 8, 3,
      Duration.ofMillis(1500), Duration.ofSeconds(3), 12);
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final int FILE_SIZE = 10_000;

  @TempDir static Path dir;
  static Database db;
  static Metrics metrics;
  static KanalServer server;

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    byte[] content = new byte[FILE_SIZE];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) ('a' + i % 26);
    }
    Files.write(media.resolve("film.mp4"), content);
    db = Database.open(dir.resolve("kanal.db"));
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
            Optional.of(TestMediaFiles.of(Map.of("film", media.resolve("film.mp4")))))
        .withPlayback(new PlaybackSetup(PlaybackStore.sqlite(db, PLAYBACK, Clock.systemUTC()), PLAYBACK, Clock.systemUTC())),
        metrics, LIMITS);
    // Warm up the routes, so the timing checks below measure the limits and not class loading.
    post("/api/qoe", "{}");
    post("/api/progress/film", "{}");
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
    db.close();
  }

  private static RawHttp.Response get(String path, List<String> headers) throws IOException {
    return RawHttp.request(server.port(), "GET", path, headers, TIMEOUT);
  }

  private static void assertStillServes() throws IOException {
    assertThat(get("/api/health", List.of()).status()).isEqualTo(200);
  }

  private static RawHttp.Response post(String path, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return RawHttp.exchange(server.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body, TIMEOUT);
  }

  @Test
  void requestLine_longerThanMaxUrlLength_is414() throws IOException {
    RawHttp.Response r = get("/api/health?x=" + "a".repeat(600), List.of());
    assertThat(r.status()).isEqualTo(414);
    assertThat(get("/api/health?x=" + "a".repeat(400), List.of()).status()).isEqualTo(200);
    assertStillServes();
  }

  @Test
  void headers_largerThanMaxHeaderSize_are431() throws IOException {
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add("X-Filler-" + i + ": " + "v".repeat(60));
    }
    assertThat(get("/api/health", many).status()).isEqualTo(431);
    assertThat(get("/api/health", many.subList(0, 10)).status()).isEqualTo(200);
    assertStillServes();
  }

  @Test
  void body_withContentLengthOverMaxBodySize_is413OnEveryRoute() throws IOException {
    for (String path : List.of("/api/progress/film", "/api/qoe", "/api/channels/refresh", "/api/health", "/nowhere")) {
      long start = System.nanoTime();
      RawHttp.Response r = RawHttp.exchange(server.port(), "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{", TIMEOUT);
      assertThat(r.status()).as(path).isEqualTo(413);
      assertThat(r.text()).as(path).contains("larger than 4096 bytes");
      // Closed at once, not after the idle timeout: the rest of the body is never read.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(Duration.ofSeconds(2));
    }
    assertStillServes();
  }

  @Test
  void chunkedBody_overTheLimit_is413() throws IOException {
    // The QoE route's own limit is 256 KiB; server.limits lowers it to 4 KiB.
    String chunk = "x".repeat(1000);
    StringBuilder r = new StringBuilder("POST /api/qoe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < 6; i++) {
      r.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    r.append("0\r\n\r\n");
    long start = System.nanoTime();
    RawHttp.Response response = RawHttp.exchange(server.port(), r.toString(), TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.text()).contains("larger than 4096 bytes");
    assertStillServes();
  }

  @Test
  void json_nestedDeeperThanMaxJsonDepth_is400() throws IOException {
    String deep = "{\"positionSeconds\":1,\"x\":" + "[".repeat(20) + "]".repeat(20) + "}";
    RawHttp.Response r = post("/api/progress/film", deep);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.text()).contains("deeper than 8 levels").doesNotContain("Exception");
    // A string full of brackets is not nesting.
    RawHttp.Response ok = post("/api/sessions", "{\"kind\":\"vod\",\"note\":\"" + "[".repeat(50) + "\"}");
    assertThat(ok.text()).doesNotContain("deeper than");
    assertStillServes();
  }

  @Test
  void range_withMoreThanMaxRanges_servesTheWholeFile() throws IOException {
    RawHttp.Response three = get("/media/film/file", List.of("Range: bytes=0-0,10-10,20-20"));
    assertThat(three.status()).isEqualTo(206);
    RawHttp.Response four = get("/media/film/file", List.of("Range: bytes=0-0,10-10,20-20,30-30"));
    assertThat(four.status()).isEqualTo(200);
    assertThat(four.body()).hasSize(FILE_SIZE);
    assertThat(four.header("Content-Range")).isEmpty();
  }

  @Test
  void headers_trickledSlowly_areCutOffAfterHeaderTimeout() throws Exception {
    try (Socket socket = RawHttp.connect(server.port(), TIMEOUT)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      boolean closed = false;
      // One header byte every 200 ms: the idle timeout (3 s) never fires, the header timeout (1.5 s) must.
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        Thread.sleep(200);
        closed = isClosed(socket);
      }
      long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
      assertThat(closed).as("closed after %d ms", ms).isTrue();
      assertThat(ms).isBetween(1000L, 5000L);
    }
    assertStillServes();
  }

  @Test
  void keepAliveConnection_getsTheHeaderTimeoutAgainAfterEachResponse() throws Exception {
    try (Socket socket = RawHttp.connect(server.port(), TIMEOUT)) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      for (int i = 0; i < 3; i++) {
        Thread.sleep(800);
        out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      }
      // Then silence: closed after the header timeout.
      socket.setSoTimeout(6000);
      long start = System.nanoTime();
      assertThat(in.read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isBetween(1000L, 4000L);
    }
  }

  @Test
  void connections_beyondMaxConnections_areClosedAtOnce() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      // Each held connection sends one request so it is surely accepted and counted before the next.
      for (int i = 0; i < 12; i++) {
        Socket s = RawHttp.connect(server.port(), TIMEOUT);
        held.add(s);
        s.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
      }
      try (Socket extra = RawHttp.connect(server.port(), TIMEOUT)) {
        extra.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        long start = System.nanoTime();
        int first;
        try {
          first = extra.getInputStream().read();
        } catch (IOException e) {
          first = -1;
        }
        assertThat(first).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(1000);
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    // The slots are given back when those connections close.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        assertStillServes();
        break;
      } catch (IOException | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static boolean isClosed(Socket socket) throws IOException {
    socket.setSoTimeout(1);
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
    }
  }

  /** Reads one response head and its Content-Length body. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed inside a response head: " + head);
      }
      head.append((char) b);
    }
    String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
    int at = lower.indexOf("content-length:");
    if (at >= 0) {
      int n = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
      in.readNBytes(n);
    }
    return head.toString();
  }
}
