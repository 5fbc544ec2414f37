package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.Playlists;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay is not an open proxy: it fetches only URLs it signed for the channel asked, never a
 * private address for a source that does not allow them (checked with a listener that counts
 * connections), and passes on neither upstream cookies nor injected headers.
 */
class RelaySecurityTest {

  /** Counts TCP connections on 127.0.0.1 and closes them. */
  static final class Listener implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();

    Listener() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            connections.incrementAndGet();
          } catch (IOException e) {
            return;
          }
        }
      });
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @TempDir
  static Path dir;
  static HlsTestServer upstream;
  static HttpServer headersUpstream;
  static Listener trap;
  static RelayHarness relay;

  @BeforeAll
  static void start() throws Exception {
    upstream = HlsTestServer.start(dir);
    new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("seg"), 10, 2000, 1), 2.0, 4, -1).install(upstream);
    upstream.route("/html.m3u8", () -> new HlsTestServer.Body("<html>nope</html>".getBytes(StandardCharsets.UTF_8),
        "text/html"));
    upstream.route("/huge.m3u8", () -> new HlsTestServer.Body(("#EXTM3U\n" + "#".repeat(5 * 1024 * 1024))
        .getBytes(StandardCharsets.US_ASCII), "application/vnd.apple.mpegurl"));
    trap = new Listener();
    headersUpstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    headersUpstream.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/cookie.m3u8")) {
        byte[] body = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg.ts\n#EXTINF:2,\nbig.ts\n".getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().add("Set-Cookie", "session=secret");
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.apple.mpegurl");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } else if (path.equals("/seg.ts")) {
        byte[] body = new byte[1000];
        exchange.getResponseHeaders().add("Set-Cookie", "session=secret");
        exchange.getResponseHeaders().add("X-Upstream-Private", "1");
        exchange.getResponseHeaders().add("Content-Type", "text/html"); // wrong, as IPTV servers often are
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      } else if (path.equals("/big.ts")) {
        // Claims 100 MB: more than a segment may be.
        exchange.sendResponseHeaders(200, 100_000_000);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(new byte[1000]);
          out.flush();
          Thread.sleep(3000);
        } catch (IOException | InterruptedException e) {
          // the relay hung up, as it should
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    headersUpstream.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    headersUpstream.start();
    String up = "http://127.0.0.1:" + upstream.port();
    relay = RelayHarness.start(RelayHarness.config("16MiB", 3),
        RelayHarness.channel("ok", RelayHarness.source(up + "/live/index.m3u8", 0, true,
            Map.of("Referer", "https://kanal.example/\r\nX-Injected: 1", "User-Agent", "TestAgent/1.0",
                "Host", "evil.example", "Connection", "close"))),
        RelayHarness.channel("other", RelayHarness.source(up + "/live/index.m3u8?other", 0, true, Map.of())),
        RelayHarness.channel("private", RelayHarness.source("http://127.0.0.1:" + trap.port() + "/index.m3u8", 0,
            false, Map.of())),
        RelayHarness.channel("localname", RelayHarness.source("http://localhost:" + trap.port() + "/index.m3u8", 0,
            false, Map.of())),
        RelayHarness.channel("public", RelayHarness.source("http://93.184.216.34/index.m3u8", 0, false, Map.of())),
        RelayHarness.channel("html", RelayHarness.source(up + "/html.m3u8", 0, true, Map.of())),
        RelayHarness.channel("huge", RelayHarness.source(up + "/huge.m3u8", 0, true, Map.of())),
        RelayHarness.channel("cookies", RelayHarness.source("http://127.0.0.1:" + headersUpstream.getAddress().getPort()
            + "/cookie.m3u8", 0, true, Map.of())));
  }

  @AfterAll
  static void stop() throws IOException {
    relay.close();
    upstream.close();
    headersUpstream.stop(0);
    trap.close();
  }

  @Test
  void relayedChannel_servesPlaylistAndSegments_withSourceHeadersSanitised() throws Exception {
    HttpResponse<String> index = relay.get("/live/ok/index.m3u8");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).contains("application/vnd.apple.mpegurl");
    assertThat(index.headers().firstValue("cache-control")).contains("no-cache");
    assertThat(index.headers().firstValue("access-control-allow-origin")).contains("*");
    MediaPlaylist p = (MediaPlaylist) Playlists.parse(index.body());
    assertThat(p.segments()).hasSize(4);
    assertThat(index.body()).doesNotContain("127.0.0.1", "/live/g");
    String segment = RelayHarness.segmentPaths("ok", index.body()).getLast();
    HttpResponse<byte[]> r = relay.bytes(segment);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains("video/mp2t");
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains("*");
    assertThat(r.body()).hasSize(2000);
    int n = upstream.requests().size();
    Map<String, String> sent = upstream.requestHeaders().get(n - 1);
    assertThat(sent.get("referer")).isEqualTo("https://kanal.example/  X-Injected: 1");
    assertThat(sent).doesNotContainKey("x-injected");
    assertThat(sent.get("user-agent")).isEqualTo("TestAgent/1.0");
    assertThat(sent.get("host")).isEqualTo("127.0.0.1:" + upstream.port());
    assertThat(sent.get("connection")).isNotEqualTo("close");
  }

  @Test
  void unknownChannel_is404Json_andUnknownPlaylistName_is404() throws Exception {
    HttpResponse<String> r = relay.get("/live/nope/index.m3u8");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).startsWith("{\"error\":\"no channel with id 'nope'");
    assertThat(relay.get("/live/ok/v7.m3u8").statusCode()).isEqualTo(404);
    assertThat(relay.get("/live/ok/r0.m3u8").statusCode()).isEqualTo(404);
  }

  @Test
  void forgedDamagedOrForeignTokens_are403_andReachNoUpstream() throws Exception {
    String segment = RelayHarness.segmentPaths("ok", relay.get("/live/ok/index.m3u8").body()).getFirst();
    int before = upstream.requests().size();
    String file = segment.substring(segment.lastIndexOf('/') + 1);
    String token = file.substring(0, file.lastIndexOf('.'));
    char c = token.charAt(token.length() / 2);
    String damaged = token.substring(0, token.length() / 2) + (c == 'A' ? 'B' : 'A') + token.substring(token.length() / 2 + 1);
    for (String path : List.of(
        "/live/other/s/" + file, // a valid token of channel ok, under channel other
        "/live/ok/s/" + damaged + ".ts",
        "/live/ok/s/" + "QUJD".repeat(30) + ".ts",
        "/live/ok/s/" + TOKENS_FOR_OTHER_SECRET.sign("ok", RelayTokens.Kind.SEGMENT,
            RelayTokens.sourceId("http://127.0.0.1:" + upstream.port() + "/live/index.m3u8"),
            "http://127.0.0.1:" + upstream.port() + "/live/g1.ts") + ".ts",
        "/live/ok/s/..%2F..%2Fetc%2Fpasswd")) {
      HttpResponse<String> r = relay.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).as(path).startsWith("{\"error\":");
    }
    assertThat(relay.get("/live/other/s/" + file.replace('.', 'x')).statusCode()).isEqualTo(403);
    assertThat(upstream.requests().size()).isEqualTo(before);
  }

  static final RelayTokens TOKENS_FOR_OTHER_SECRET = new RelayTokens("another-secret-another-secret-another".getBytes(
      StandardCharsets.US_ASCII));

  @Test
  void privateTargets_ofSourcesNotAllowedThem_are403_withoutAConnection() throws Exception {
    for (String channel : List.of("private", "localname")) {
      HttpResponse<String> r = relay.get("/live/" + channel + "/index.m3u8");
      assertThat(r.statusCode()).as(channel).isEqualTo(403);
      assertThat(r.body()).as(channel).startsWith("{\"error\":\"refused http://");
      assertThat(r.body()).contains("private, loopback or link-local");
    }
    // Tokens the server really signed, for a public source, naming private targets (as a playlist
    // of that source could): refused before any connection.
    long publicSource = RelayTokens.sourceId("http://93.184.216.34/index.m3u8");
    for (String target : List.of("http://127.0.0.1:" + trap.port() + "/seg.ts", "http://10.1.2.3/seg.ts",
        "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]:" + trap.port() + "/x.ts",
        "http://localhost:" + trap.port() + "/x.ts", "file:///etc/passwd", "gopher://127.0.0.1:" + trap.port() + "/")) {
      String token = RelayHarness.TOKENS.sign("public", RelayTokens.Kind.SEGMENT, publicSource, target);
      HttpResponse<String> r = relay.get("/live/public/s/" + token + ".ts");
      assertThat(r.statusCode()).as(target).isEqualTo(403);
      assertThat(r.body()).as(target).startsWith("{\"error\":\"refused ");
    }
    assertThat(trap.connections.get()).isZero();
  }

  @Test
  void upstreamHeaders_areNotPassedOn_andWrongTypesAreReplaced() throws Exception {
    HttpResponse<String> index = relay.get("/live/cookies/index.m3u8");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("set-cookie")).isEmpty();
    String seg = RelayHarness.segmentPaths("cookies", index.body()).getFirst();
    HttpResponse<byte[]> r = relay.bytes(seg);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    assertThat(r.headers().firstValue("x-upstream-private")).isEmpty();
    assertThat(r.headers().firstValue("content-type")).contains("video/mp2t");
    assertThat(r.headers().firstValue("cache-control")).contains("public, max-age=60");
  }

  @Test
  void oversizedOrNonHlsUpstreams_are502() throws Exception {
    HttpResponse<String> html = relay.get("/live/html/index.m3u8");
    assertThat(html.statusCode()).isEqualTo(502);
    assertThat(html.body()).contains("is not an HLS playlist");
    HttpResponse<String> huge = relay.get("/live/huge/index.m3u8");
    assertThat(huge.statusCode()).isEqualTo(502);
    assertThat(huge.body()).contains("is larger than 4194304 bytes");
    String big = RelayHarness.segmentPaths("cookies", relay.get("/live/cookies/index.m3u8").body()).getLast();
    HttpResponse<String> r = relay.get(big);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("is larger than 67108864 bytes");
  }
}
