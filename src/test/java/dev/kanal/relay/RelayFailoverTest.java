package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.Playlists;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When the active source dies mid-stream, a viewer following the relay's playlist goes on with the
 * next source within two target durations: relay media sequence numbers keep going up, the same
 * number always names the same segment, and an EXT-X-DISCONTINUITY comes before the first segment
 * of the new source.
 */
class RelayFailoverTest {

  static final double TARGET_SECONDS = 1.0;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "first source {0}")
  @ValueSource(strings = {"answers 404", "refuses connections"})
  @Timeout(60)
  void firstSourceDying_viewerContinuesOnSecond_withDiscontinuity_andMonotonicSequence(String death) throws Exception {
    LiveHlsStream streamA = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("a"), 12, 5000, 11), TARGET_SECONDS, 4, -1);
    LiveHlsStream streamB = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("b"), 12, 5000, 22), TARGET_SECONDS, 4, -1);
    HlsTestServer a = HlsTestServer.start(dir);
    try (HlsTestServer b = HlsTestServer.start(dir)) {
      streamA.install(a);
      streamB.install(b);
      String urlA = a.uri("/live/index.m3u8").toString();
      String urlB = b.uri("/live/index.m3u8").toString();
      long sourceA = RelayTokens.sourceId(urlA);
      long sourceB = RelayTokens.sourceId(urlB);
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("16MiB", 3),
          RelayHarness.channel("ch", RelayHarness.source(urlA, 2, true, Map.of()), RelayHarness.source(urlB, 1, true, Map.of())))) {
        Map<Long, String> uriBySequence = new HashMap<>();
        List<String> log = new ArrayList<>();
        long lastSequence = -1;
        long lastFetched = -1;
        long killedAt = 0;
        long firstFromB = 0;
        Long firstSequenceFromB = null;
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(12)) {
          if (killedAt == 0 && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(3)) {
            if (death.equals("answers 404")) {
              a.status(".*", 404, -1);
            } else {
              a.close();
            }
            killedAt = System.nanoTime();
          }
          HttpResponse<String> r = relay.get("/live/ch/index.m3u8");
          assertThat(r.statusCode()).as("playlist after %d ms: %s", ms(System.nanoTime() - start), r.body()).isEqualTo(200);
          MediaPlaylist p = (MediaPlaylist) Playlists.parse(r.body());
          assertThat(p.mediaSequence()).as("EXT-X-MEDIA-SEQUENCE never goes back").isGreaterThanOrEqualTo(lastSequence);
          lastSequence = p.mediaSequence();
          List<String> paths = RelayHarness.segmentPaths("ch", r.body());
          for (int i = 0; i < paths.size(); i++) {
            MediaPlaylist.Segment s = p.segments().get(i);
            String previous = uriBySequence.putIfAbsent(s.mediaSequence(), paths.get(i));
            assertThat(previous == null || previous.equals(paths.get(i)))
                .as("media sequence %d always names the same segment", s.mediaSequence()).isTrue();
            if (lastFetched < 0) {
              lastFetched = s.mediaSequence() - 1;
            }
            if (s.mediaSequence() <= lastFetched) {
              continue;
            }
            String token = paths.get(i).substring(paths.get(i).lastIndexOf('/') + 1).replaceAll("\\.[a-z0-9]+$", "");
            RelayTokens.Claim claim = RelayHarness.TOKENS.verify("ch", token).orElseThrow();
            if (claim.sourceId() == sourceB && firstSequenceFromB == null) {
              firstSequenceFromB = s.mediaSequence();
              assertThat(s.discontinuity()).as("EXT-X-DISCONTINUITY before the first segment of the new source").isTrue();
            }
            if (firstSequenceFromB != null && s.mediaSequence() > firstSequenceFromB) {
              assertThat(claim.sourceId()).as("nothing from the dead source after the switch").isEqualTo(sourceB);
            }
            HttpResponse<byte[]> seg = relay.bytes(paths.get(i));
            log.add(ms(System.nanoTime() - start) + " ms: #" + s.mediaSequence() + " " + seg.statusCode()
                + (claim.sourceId() == sourceA ? " A" : " B"));
            if (seg.statusCode() == 200) {
              LiveHlsStream stream = claim.sourceId() == sourceA ? streamA : streamB;
              assertThat(seg.body()).isEqualTo(stream.content(LiveHlsStream.index(URI.create(claim.url()).getPath())));
              if (claim.sourceId() == sourceB && firstFromB == 0) {
                firstFromB = System.nanoTime();
              }
            }
            lastFetched = s.mediaSequence();
          }
          if (firstFromB != 0 && System.nanoTime() - firstFromB > TimeUnit.SECONDS.toNanos(3)) {
            break;
          }
          Thread.sleep((long) (TARGET_SECONDS * 500));
        }
        assertThat(firstFromB).as("a segment of the second source was played; log: %s", log).isPositive();
        long switchMillis = ms(firstFromB - killedAt);
        System.out.printf("failover (%s): first segment of the second source played %d ms after the first died%n",
            death, switchMillis);
        assertThat(switchMillis).as("time to continue on the second source; log: %s", log)
            .isLessThanOrEqualTo((long) (2 * TARGET_SECONDS * 1000));
        assertThat(Arrays.asList(log.getLast().split(" "))).contains("200", "B");
        assertThat(relay.get("/metrics").body())
            .containsPattern("kanal_relay_failovers_total\\{[^}]*channel=\"ch\"[^}]*} 1\\.0");
      }
    } finally {
      a.close();
    }
  }

  @Test
  @Timeout(60)
  void segmentsFailingFailAfterTimesInARow_switchSource_whileThePlaylistStillAnswers() throws Exception {
    LiveHlsStream streamA = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("a"), 12, 3000, 11), TARGET_SECONDS, 4, -1);
    LiveHlsStream streamB = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("b"), 12, 3000, 22), TARGET_SECONDS, 4, -1);
    try (HlsTestServer a = HlsTestServer.start(dir); HlsTestServer b = HlsTestServer.start(dir)) {
      streamA.install(a);
      streamB.install(b);
      a.status("/live/g\\d+\\.ts", 500, -1);
      String urlA = a.uri("/live/index.m3u8").toString();
      long sourceB = RelayTokens.sourceId(b.uri("/live/index.m3u8").toString());
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("16MiB", 3), RelayHarness.channel("ch",
          RelayHarness.source(urlA, 2, true, Map.of()), RelayHarness.source(b.uri("/live/index.m3u8").toString(), 1, true, Map.of())))) {
        List<String> first = RelayHarness.segmentPaths("ch", relay.get("/live/ch/index.m3u8").body());
        for (String path : first.subList(first.size() - 2, first.size())) {
          assertThat(relay.bytes(path).statusCode()).isEqualTo(502);
        }
        // Two failures: not yet.
        Thread.sleep(600);
        String still = relay.get("/live/ch/index.m3u8").body();
        assertThat(still).doesNotContain("#EXT-X-DISCONTINUITY");
        assertThat(relay.bytes(RelayHarness.segmentPaths("ch", still).getFirst()).statusCode()).isEqualTo(502);
        // The third in a row: the next playlist comes from the second source.
        Thread.sleep(600);
        String after = relay.get("/live/ch/index.m3u8").body();
        MediaPlaylist p = (MediaPlaylist) Playlists.parse(after);
        List<String> paths = RelayHarness.segmentPaths("ch", after);
        int firstB = -1;
        for (int i = 0; i < paths.size() && firstB < 0; i++) {
          String token = paths.get(i).substring(paths.get(i).lastIndexOf('/') + 1).replaceAll("\\.[a-z0-9]+$", "");
          if (RelayHarness.TOKENS.verify("ch", token).orElseThrow().sourceId() == sourceB) {
            firstB = i;
          }
        }
        assertThat(firstB).as("a segment of the second source in %s", after).isNotNegative();
        assertThat(p.segments().get(firstB).discontinuity()).isTrue();
        HttpResponse<byte[]> seg = relay.bytes(paths.get(firstB));
        assertThat(seg.statusCode()).isEqualTo(200);
        assertThat(seg.body()).isEqualTo(streamB.content(LiveHlsStream.index(URI.create(
            RelayHarness.upstreamOf("ch", paths.get(firstB))).getPath())));
      }
    }
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
