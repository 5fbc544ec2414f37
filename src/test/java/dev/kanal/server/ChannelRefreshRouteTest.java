package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.IptvConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.iptv.LiveTv;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/channels/refresh}: the server's catalog refreshes on demand, not only on its schedule. */
class ChannelRefreshRouteTest {

  @TempDir
  Path dir;

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static int total(KanalServer server) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/channels")).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getInteger("total");
  }

  @Test
  void refreshOnDemand_picksUpAChangedSource() throws Exception {
    Path playlist = dir.resolve("tv.m3u");
    Files.writeString(playlist, "#EXTM3U\n#EXTINF:-1 tvg-id=\"One.uk\",One\nhttp://127.0.0.1:1/one.m3u8\n");
    // A 6 h schedule: only the first refresh (at start) would happen on its own during this test.
    IptvConfig config = new IptvConfig(List.of(SourceConfig.of(playlist.toString())), Duration.ofHours(6));
    try (Metrics metrics = Metrics.create("test");
        LiveTv tv = LiveTv.start(config, dir, Optional.empty(), Clock.systemUTC())) {
      KanalServer server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2),
          Optional.empty(), Optional.empty()).withLive(TestChannels.setup(tv, Duration.ofSeconds(2), 4, Optional.empty())),
          metrics);
      try {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (total(server) != 1 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(total(server)).isEqualTo(1);
        Files.writeString(playlist, "#EXTM3U\n#EXTINF:-1 tvg-id=\"One.uk\",One\nhttp://127.0.0.1:1/one.m3u8\n"
            + "#EXTINF:-1 tvg-id=\"Two.uk\",Two\nhttp://127.0.0.1:1/two.m3u8\n");
        Thread.sleep(300);
        assertThat(total(server)).as("no refresh without asking").isEqualTo(1);

        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/channels/refresh"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("refreshing");
        deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (total(server) != 2 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(total(server)).isEqualTo(2);
      } finally {
        server.close();
      }
    }
  }
}
