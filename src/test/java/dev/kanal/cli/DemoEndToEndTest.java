package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.KanalProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal demo} as a new user runs it: a separate process, offline content, then SIGTERM. */
class DemoEndToEndTest {

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void demo_servesHealthMetricsAndContent_thenStopsGracefullyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    try (KanalProcess kanal = KanalProcess.start(dir, "demo", "--port", "0", "--data", data.toString())) {
      String url = kanal.awaitLine("Kanal demo is running at (http://\\S+?)/ ", Duration.ofSeconds(180));

      HttpResponse<String> health = get(url + "/api/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).startsWith("{\"status\":\"ok\",\"version\":");

      HttpResponse<String> metrics = get(url + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("jvm_memory_used_bytes{")
          .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/api/health\"");

      HttpResponse<String> channels = get(url + "/demo/channels.m3u");
      assertThat(channels.statusCode()).isEqualTo(200);
      assertThat(channels.body()).startsWith("#EXTM3U").contains("Kanal Bars").contains("channels/bars/index.m3u8");
      HttpResponse<String> hls = get(url + "/demo/channels/bars/index.m3u8");
      assertThat(hls.body()).contains("#EXT-X-TARGETDURATION").contains("#EXT-X-ENDLIST");
      assertThat(Files.size(data.resolve("demo/media/kanal-demo.mp4"))).isGreaterThan(100_000);

      int exit = kanal.terminate(Duration.ofSeconds(20));
      assertThat(exit).isIn(0, 143);
      assertThat(kanal.stderr()).contains("event=shutdown.begin").contains("event=server.stopped")
          .doesNotContain("Exception");
    }
  }
}
