package dev.kanal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpFetcherTest {

  private HttpServer server;
  private final AtomicReference<String> userAgent = new AtomicReference<>();
  private final AtomicReference<String> referer = new AtomicReference<>();
  private final HttpFetcher fetcher = HttpFetcher.create(Duration.ofSeconds(2), Duration.ofSeconds(5));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/plain", ex -> {
      userAgent.set(ex.getRequestHeaders().getFirst("User-Agent"));
      referer.set(ex.getRequestHeaders().getFirst("Referer"));
      byte[] body = "#EXTM3U\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/gzip", ex -> {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (OutputStream gz = new GZIPOutputStream(buf)) {
        gz.write("#EXTM3U\n#EXTINF:-1,Zipped\nhttp://x/1\n".getBytes(StandardCharsets.UTF_8));
      }
      ex.getResponseHeaders().add("Content-Encoding", "gzip");
      ex.sendResponseHeaders(200, buf.size());
      ex.getResponseBody().write(buf.toByteArray());
      ex.close();
    });
    server.createContext("/endless", ex -> {
      ex.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[64 * 1024];
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 10_000; i++) {
          out.write(chunk);
        }
      } catch (IOException e) {
        // The client gave up, as it should.
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void get_sendsDefaultUserAgent_andCallerHeadersWin() throws IOException {
    try (var r = fetcher.get(uri("/plain"), Map.of(), 1024)) {
      assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("#EXTM3U\n");
    }
    assertThat(userAgent.get()).isEqualTo(HttpFetcher.DEFAULT_USER_AGENT);
    try (var r = fetcher.get(uri("/plain"), Map.of("user-agent", "VLC/3.0", "Referer", "http://a/\r\nX-Evil: 1"), 1024)) {
      r.body().readAllBytes();
    }
    assertThat(userAgent.get()).isEqualTo("VLC/3.0");
    assertThat(referer.get()).isEqualTo("http://a/  X-Evil: 1");
  }

  @Test
  void get_gunzips() throws IOException {
    try (var r = fetcher.get(uri("/gzip"), Map.of(), 1024)) {
      assertThat(new String(r.body().readAllBytes(), StandardCharsets.UTF_8)).contains("Zipped");
    }
  }

  @Test
  void get_withBodyOverLimit_failsNamingTheUrl() {
    assertThatThrownBy(() -> {
      try (var r = fetcher.get(uri("/endless"), Map.of(), 1024 * 1024)) {
        r.body().readAllBytes();
      }
    }).isInstanceOf(IOException.class).hasMessageContaining(uri("/endless") + " is larger than the limit of 1048576 bytes");
  }

  @Test
  void get_withRestrictedHeader_isAnIoErrorNotACrash() {
    assertThatThrownBy(() -> fetcher.get(uri("/plain"), Map.of("Connection", "close"), 1024))
        .isInstanceOf(IOException.class).hasMessageContaining("cannot fetch");
  }

  @Test
  void get_refusesOtherSchemes() {
    assertThatThrownBy(() -> fetcher.get(URI.create("file:///etc/passwd"), Map.of(), 1024))
        .hasMessage("only http and https URLs can be fetched: file:///etc/passwd");
  }
}
