package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KanalServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private Metrics metrics;
  private KanalServer server;

  @BeforeEach
  void start() throws Exception {
    metrics = Metrics.create("test-version");
    server = KanalServer.start(options(0), metrics);
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  private static KanalServer.Options options(int port) {
    return new KanalServer.Options("127.0.0.1", port, "test-version", Duration.ofSeconds(2), Optional.empty(), Optional.empty());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void health_answersOkWithVersion() throws Exception {
    HttpResponse<String> r = get("/api/health");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.body()).isEqualTo("{\"status\":\"ok\",\"version\":\"test-version\"}");
  }

  @Test
  void metrics_haveJvmAndHttpServerRequestMetricsByRouteTemplate() throws Exception {
    get("/api/health");
    get("/api/does-not-exist");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("jvm_memory_used_bytes{")
        .contains("process_uptime_seconds")
        .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"GET\"[^}]*route=\"/api/health\"[^}]*status=\"200\"[^}]*} 1")
        .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"404\"[^}]*}")
        .doesNotContain("route=\"/api/does-not-exist\"");
  }

  @Test
  void unknownApiRoute_isJson404() throws Exception {
    HttpResponse<String> r = get("/api/nope");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).isEqualTo("{\"error\":\"no such API route: /api/nope\"}");
  }

  @Test
  void root_servesTheWebShell() throws Exception {
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("<title>Kanal</title>");
  }

  @Test
  void secondServerOnSamePort_failsWithOneSentence() {
    assertThatThrownBy(() -> KanalServer.start(options(server.port()), metrics))
        .isInstanceOf(ServerStartException.class)
        .hasMessage("port " + server.port() + " on 127.0.0.1 is already in use: stop the other program or choose another port with --port");
  }
}
