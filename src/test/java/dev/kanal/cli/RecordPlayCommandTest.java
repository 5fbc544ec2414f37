package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kanal record} and {@code kanal play}: usage errors, one-line failures, summary, JSON, dry runs. */
class RecordPlayCommandTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static HlsTestServer server;

  @BeforeAll
  static void generate() throws Exception {
    server = HlsTestServer.start(media);
    Path src = HlsMedia.source(media.resolve("src.mp4"), 4, "testsrc2", 10, 1, 440);
    HlsMedia.hls(src, media.resolve("vod"), 1, List.of());
    Files.writeString(media.resolve("master.m3u8"), """
        #EXTM3U
        #EXT-X-STREAM-INF:BANDWIDTH=100000,RESOLUTION=160x90
        vod/index.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360
        hi/index.m3u8
        """);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void record_channelNameWithoutPlaylists_isUsageErrorSayingWhereChannelsComeFrom() {
    KanalCliTest.Run r = KanalCliTest.run("record", "BBC One", "-o", out.resolve("x.ts").toString(),
        "--data", out.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: 'BBC One' is not a URL, and there are no playlists to find a channel in");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void record_withoutOutput_isUsageError() {
    KanalCliTest.Run r = KanalCliTest.run("record", server.uri("/vod/index.m3u8").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Missing required option: '--output");
  }

  @Test
  void record_badQualityOrFormat_isUsageError() {
    KanalCliTest.Run q = KanalCliTest.run("record", server.uri("/vod/index.m3u8").toString(), "-o", "x.ts",
        "--quality", "hd");
    assertThat(q.exit()).isEqualTo(2);
    assertThat(q.err()).startsWith("kanal: --quality hd: use best, worst");
    KanalCliTest.Run f = KanalCliTest.run("record", server.uri("/vod/index.m3u8").toString(), "-o",
        out.resolve("x.bin").toString());
    assertThat(f.exit()).isEqualTo(2);
    assertThat(f.err()).contains("cannot tell the format");
  }

  @Test
  void record_playlist404_isOneLineAndExit1() {
    KanalCliTest.Run r = KanalCliTest.run("record", server.uri("/missing.m3u8").toString(), "-o",
        out.resolve("x.ts").toString(), "--attempts", "1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kanal: cannot load the playlist " + server.uri("/missing.m3u8") + ": "
        + server.uri("/missing.m3u8") + " answered HTTP 404\n");
  }

  @Test
  void record_unavailableQuality_namesTheAvailableOnes() {
    KanalCliTest.Run r = KanalCliTest.run("record", server.uri("/master.m3u8").toString(), "-o",
        out.resolve("x.ts").toString(), "--quality", "1080p");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("kanal: quality 1080p is not available; this stream has 360p, 90p\n");
  }

  @Test
  void record_vod_printsASummary() throws Exception {
    Path file = out.resolve("v.ts");
    KanalCliTest.Run r = KanalCliTest.run("record", server.uri("/master.m3u8").toString(), "-o", file.toString(),
        "--quality", "worst");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Recorded 4 segments (0:00:04 of media").contains(file.toString())
        .contains("Gaps: none");
    assertThat(Files.size(file)).isPositive();
  }

  @Test
  void record_json_printsEventsAsJsonLines_andGapsInTheSummary() throws Exception {
    server.status("/vod/s001\\.ts", 404, -1);
    try {
      KanalCliTest.Run r = KanalCliTest.run("record", server.uri("/vod/index.m3u8").toString(), "-o",
          out.resolve("j.ts").toString(), "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      ObjectMapper m = new ObjectMapper();
      List<JsonNode> events = r.out().lines().map(l -> {
        try {
          return m.readTree(l);
        } catch (Exception e) {
          throw new AssertionError(l, e);
        }
      }).toList();
      assertThat(events.getFirst().get("event").asText()).isEqualTo("started");
      assertThat(events).anySatisfy(e -> assertThat(e.get("event").asText()).isEqualTo("gap"));
      JsonNode last = events.getLast();
      assertThat(last.get("event").asText()).isEqualTo("finished");
      assertThat(last.get("segments").asInt()).isEqualTo(3);
      assertThat(last.get("gaps").get(0).get("mediaSequence").asInt()).isEqualTo(1);
      assertThat(last.get("gaps").get(0).get("durationSeconds").asDouble()).isEqualTo(1.0);
    } finally {
      server.clearFaults();
    }
  }

  @Test
  void play_dryRun_printsTheMpvCommandWithHeaders() {
    KanalCliTest.Run r = KanalCliTest.run("play", "https://cdn.example/live.m3u8", "--player", "mpv", "--dry-run",
        "-H", "X-Token: abc", "--user-agent", "Kanal Test/1.0", "--referer", "https://site.example/");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("mpv '--http-header-fields=X-Token: abc' '--user-agent=Kanal Test/1.0'"
        + " --referrer=https://site.example/ https://cdn.example/live.m3u8\n");
  }

  @Test
  void play_dryRun_printsTheVlcCommandWithHeaders() {
    KanalCliTest.Run r = KanalCliTest.run("play", "https://cdn.example/live.m3u8", "--player", "vlc", "--dry-run",
        "--user-agent", "Kanal Test/1.0", "--referer", "https://site.example/");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("vlc https://cdn.example/live.m3u8 ':http-user-agent=Kanal Test/1.0'"
        + " :http-referrer=https://site.example/\n");
  }

  @Test
  void play_dryRunWithQuality_playsTheChosenVariant() {
    KanalCliTest.Run r = KanalCliTest.run("play", server.uri("/master.m3u8").toString(), "--player", "mpv",
        "--dry-run", "--quality", "worst");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("mpv --force-media-title=90p " + server.uri("/vod/index.m3u8") + "\n");
  }

  @Test
  void play_channelNameWithoutPlaylists_isUsageError() {
    KanalCliTest.Run r = KanalCliTest.run("play", "arte", "--dry-run", "--data", out.resolve("data").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'arte' is not a URL").contains("--playlist");
  }

  @Test
  void play_notHttpUrl_isUsageError() {
    KanalCliTest.Run r = KanalCliTest.run("play", "rtmp://live.example/app/key", "--dry-run");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("kanal: 'rtmp://live.example/app/key' is not an http(s) URL");
  }
}
