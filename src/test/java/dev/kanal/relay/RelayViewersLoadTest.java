package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.LiveHlsStream;
import dev.kanal.testing.LoadRun;
import dev.kanal.testing.TestChannels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load (issue #13): 200 viewers of one live channel through {@code kanal serve}'s HLS relay (its own
 * JVM, {@code -Xmx512m}), the channel coming from an M3U source whose stream is a local live HLS
 * upstream (1 s ffmpeg-made segments, a sliding window of 6). Each viewer plays like a player:
 * reloads {@code /live/{id}/index.m3u8} every target duration and fetches the segments it has not
 * seen from the live edge on; every segment must be one of the upstream's files. The upstream must
 * see fan-out: each segment requested about once, playlists at most about twice a second, not 200
 * times. CI runs 15 s, {@code -Dkanal.load.full=true} 60 s ({@code -Dkanal.load.relay.viewers},
 * {@code .seconds} override).
 */
@Tag("slow")
@Tag("load")
class RelayViewersLoadTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";

  @TempDir
  Path dir;

  @Test
  @Timeout(900)
  void twoHundredRelayViewers_ofOneLiveChannel_allSucceed_theUpstreamSeesFanOut_andTheServerReturnsToBaseline()
      throws Exception {
    int viewers = LoadRun.setting("relay.viewers", 200, 200);
    int seconds = LoadRun.setting("relay.seconds", 15, 60);
    List<Path> segmentFiles = TestChannels.segments();
    Set<ByteBuffer> contents = new HashSet<>();
    for (Path p : segmentFiles) {
      contents.add(ByteBuffer.wrap(Files.readAllBytes(p)));
    }
    try (HlsTestServer upstream = TestChannels.liveUpstream()) {
      Path m3u = Files.writeString(dir.resolve("live.m3u"), "#EXTM3U\n"
          + "#EXTINF:-1 tvg-id=\"load.news\" group-title=\"News\",Load News\n"
          + upstream.uri("/live/index.m3u8") + "\n");
      Path config = Files.writeString(dir.resolve("kanal.yaml"), """
          iptv:
            sources:
              - url: %s
                allowPrivate: true
          """.formatted(m3u));
      try (KanalProcess kanal = LoadRun.serve(dir, "serve", "--config", config.toString(), "--port", "0",
          "--data", dir.resolve("data").toString())) {
        String base = kanal.awaitLine(SERVING, Duration.ofSeconds(60));
        String id = awaitChannel(new JsonHttp(base));
        URI index = URI.create(base + "/live/" + id + "/index.m3u8");

        LoadRun warmUp = LoadRun.of("relay-viewers-warmup", kanal.pid(), base);
        watch(warmUp, viewers, Duration.ofSeconds(Math.clamp(seconds / 3, 5, 10)), index, contents);
        assertThat(warmUp.errors()).as("failed requests during the warm-up").isZero();
        LoadRun run = LoadRun.of("relay-viewers", kanal.pid(), base);
        run.baseline();
        int before = upstream.requests().size();
        run.begin();
        AtomicLong segments = watch(run, viewers, Duration.ofSeconds(seconds), index, contents);
        run.end();
        List<String> seen = upstream.requests().subList(before, upstream.requests().size());
        Map<String, Integer> perSegment = new HashMap<>();
        long playlists = 0;
        for (String r : seen) {
          if (r.startsWith("/live/g")) {
            perSegment.merge(r, 1, Integer::sum);
          } else if (r.startsWith("/live/index.m3u8")) {
            playlists++;
          }
        }
        int upstreamSegments = perSegment.values().stream().mapToInt(Integer::intValue).sum();
        run.finish("viewers=" + viewers + " segmentsServed=" + segments.get() + " upstreamSegments=" + upstreamSegments
            + " distinctSegments=" + perSegment.size() + " upstreamPlaylists=" + playlists);
        // Fan-out: the upstream saw each segment about once and the playlist about twice a second, for all viewers.
        assertThat(segments.get()).isGreaterThanOrEqualTo((long) viewers * (seconds - 3));
        assertThat(perSegment.size()).isGreaterThanOrEqualTo(seconds - 3);
        assertThat(upstreamSegments).isLessThanOrEqualTo(perSegment.size() + 3);
        assertThat(playlists).isLessThanOrEqualTo(seconds * 2L + 4);
        assertThat(kanal.stderr()).doesNotContain("OutOfMemoryError");
      }
    }
  }

  /** The catalog's one channel, once the start-up refresh has read the source. */
  static String awaitChannel(JsonHttp api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var items = api.get("/api/channels").json().getJsonArray("items");
      if (!items.isEmpty()) {
        return items.getJsonObject(0).getString("id");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the channel did not appear within 60 s");
  }

  /** {@code viewers} players (starts spread over the first second) for {@code duration}; returns the segments served. */
  static AtomicLong watch(LoadRun run, int viewers, Duration duration, URI index, Set<ByteBuffer> contents)
      throws Exception {
    AtomicLong segments = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int v = 0; v < viewers; v++) {
        long startAt = start + Duration.ofMillis(1000L * v / viewers).toNanos();
        pool.submit(() -> {
          sleepUntil(startAt);
          viewer(run, http, deadline, index, contents, segments);
          return null;
        });
      }
    }
    return segments;
  }

  private static void viewer(LoadRun run, HttpClient http, long deadline, URI index, Set<ByteBuffer> contents,
      AtomicLong served) throws InterruptedException {
    URI media = index;
    Set<String> fetched = new HashSet<>();
    boolean first = true;
    while (System.nanoTime() < deadline) {
      long reload = System.nanoTime();
      byte[] body = get(run, http, media);
      if (body == null) {
        sleepUntil(reload + 1_000_000_000L);
        continue;
      }
      String playlist = new String(body, StandardCharsets.UTF_8);
      List<String> uris = playlist.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      if (playlist.contains("#EXT-X-STREAM-INF")) {
        media = media.resolve(uris.getFirst());
        continue;
      }
      // A player starts three segments from the live edge, then takes every new one.
      List<String> todo = first ? uris.subList(Math.max(0, uris.size() - 3), uris.size()) : uris;
      first = false;
      for (String u : todo) {
        if (!fetched.add(u)) {
          continue;
        }
        byte[] segment = get(run, http, media.resolve(u));
        if (segment != null) {
          if (contents.contains(ByteBuffer.wrap(segment))) {
            served.incrementAndGet();
          } else {
            run.error(u + ": " + segment.length + " bytes that are no upstream segment");
          }
        }
      }
      sleepUntil(Math.min(deadline, reload + 1_000_000_000L));
    }
  }

  private static byte[] get(LoadRun run, HttpClient http, URI uri) {
    long t = System.nanoTime();
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        run.error(uri.getPath() + " -> " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return null;
      }
      run.ok(t);
      return r.body();
    } catch (Exception e) {
      run.error(uri.getPath() + " after " + LoadRun.since(t) + " ms: " + e);
      return null;
    }
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
