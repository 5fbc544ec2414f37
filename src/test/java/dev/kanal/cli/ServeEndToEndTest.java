package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.testing.KanalProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal serve} as a separate process: JSON logs, health, and a graceful SIGTERM. */
class ServeEndToEndTest {

  @TempDir
  Path dir;

  @Test
  void serve_withJsonLogs_writesOneJsonObjectPerLine_andStopsOnSigterm() throws Exception {
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--port", "0", "--data", dir.resolve("data").toString(),
        "--log-format", "json")) {
      String url = kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60));
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(url + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(kanal.terminate(Duration.ofSeconds(20))).isIn(0, 143);

      List<String> lines = kanal.stderr().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      ObjectMapper json = new ObjectMapper();
      for (String line : lines) {
        JsonNode node = json.readTree(line);
        assertThat(node.path("level").asText()).as(line).isNotEmpty();
      }
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("event=server.started"));
      assertThat(lines).anySatisfy(l -> assertThat(l).contains("event=server.stopped"));
    }
  }

  @Test
  void serve_logLevelFromConfigFile_isApplied() throws Exception {
    Path config = java.nio.file.Files.writeString(dir.resolve("kanal.yaml"), "log:\n  level: warn\n");
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
        "--data", dir.resolve("data").toString())) {
      kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60));
      kanal.terminate(Duration.ofSeconds(20));
      // log.level: warn hides the INFO lines that a default run prints.
      assertThat(kanal.stderr()).doesNotContain("event=server.started").doesNotContain("INFO");
    }
  }
}
