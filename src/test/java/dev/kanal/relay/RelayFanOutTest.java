package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.Playlists;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many viewers, one upstream request per resource: coalescing, the freshness of playlists, and
 * bytes reaching every viewer as they arrive (no lock, no polling).
 */
class RelayFanOutTest {

  @TempDir
  Path dir;

  @Test
  @Timeout(90)
  void twoHundredViewers_ofOneLiveChannel_causeOneUpstreamRequestPerSegment_andPlaylistsAtMostEveryHalfTarget()
      throws Exception {
    int viewers = 200;
    Duration run = Duration.ofSeconds(10);
    List<Path> files = RelayHarness.randomSegments(dir.resolve("seg"), 20, 24_000, 7);
    LiveHlsStream stream = new LiveHlsStream(files, 1.0, 6, -1);
    List<Long> playlistArrivals = new CopyOnWriteArrayList<>();
    try (HlsTestServer upstream = HlsTestServer.start(dir)) {
      stream.install(upstream);
      upstream.route("/live/index.m3u8", () -> {
        playlistArrivals.add(System.nanoTime());
        return new HlsTestServer.Body(stream.playlist().getBytes(StandardCharsets.UTF_8), "application/vnd.apple.mpegurl");
      });
      String source = upstream.uri("/live/index.m3u8").toString();
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("64MiB", 3),
          RelayHarness.channel("news", RelayHarness.source(source, 0, true, Map.of())))) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        AtomicInteger segmentsServed = new AtomicInteger();
        List<String> errors = new CopyOnWriteArrayList<>();
        Map<String, Boolean> distinct = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + run.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int v = 0; v < viewers; v++) {
            String agent = "viewer-" + v;
            long jitter = (v * 37L) % 500;
            pool.submit(() -> {
              Thread.sleep(jitter);
              long next = -1;
              while (System.nanoTime() < deadline) {
                HttpResponse<String> p = http.send(request(relay.uri("/live/news/index.m3u8"), agent),
                    HttpResponse.BodyHandlers.ofString());
                if (p.statusCode() != 200) {
                  errors.add("playlist " + p.statusCode() + " " + p.body());
                  Thread.sleep(500);
                  continue;
                }
                MediaPlaylist m = (MediaPlaylist) Playlists.parse(p.body());
                List<String> paths = RelayHarness.segmentPaths("news", p.body());
                for (int i = 0; i < paths.size(); i++) {
                  long seq = m.segments().get(i).mediaSequence();
                  if (next < 0) {
                    next = m.segments().get(Math.max(0, paths.size() - 3)).mediaSequence(); // start at the live edge
                  }
                  if (seq < next) {
                    continue;
                  }
                  HttpResponse<byte[]> s = http.send(request(relay.uri(paths.get(i)), agent),
                      HttpResponse.BodyHandlers.ofByteArray());
                  String url = RelayHarness.upstreamOf("news", paths.get(i));
                  byte[] expected = stream.content(LiveHlsStream.index(URI.create(url).getPath()));
                  if (s.statusCode() != 200 || !Arrays.equals(s.body(), expected)) {
                    errors.add("segment " + seq + ": " + s.statusCode() + ", " + s.body().length + " bytes");
                  }
                  segmentsServed.incrementAndGet();
                  distinct.put(url, true);
                  next = seq + 1;
                }
                Thread.sleep(500);
              }
              return null;
            });
          }
        }
        assertThat(errors).isEmpty();
        // Every segment any viewer fetched was requested upstream exactly once.
        Map<String, Integer> perSegment = new HashMap<>();
        for (String r : upstream.requests()) {
          if (r.startsWith("/live/g")) {
            perSegment.merge(r, 1, Integer::sum);
          }
        }
        assertThat(distinct.size()).as("segments the viewers went through").isGreaterThanOrEqualTo(9);
        assertThat(perSegment).hasSize(distinct.size());
        assertThat(perSegment.values()).allMatch(n -> n == 1);
        assertThat(segmentsServed.get()).isGreaterThanOrEqualTo(viewers * 9);
        // Playlists: never two upstream requests less than half a target duration (0.5 s) apart.
        List<Long> arrivals = new ArrayList<>(playlistArrivals);
        Collections.sort(arrivals);
        for (int i = 1; i < arrivals.size(); i++) {
          assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before playlist request %d", i)
              .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        }
        assertThat(arrivals.size()).isLessThanOrEqualTo((int) (run.toMillis() / 500) + 2);
        String metrics = relay.get("/metrics").body();
        assertThat(metrics).containsPattern("kanal_relay_viewers\\{[^}]*channel=\"news\"[^}]*} 200\\.0");
        assertThat(metrics).containsPattern("kanal_segment_downloads_total\\{[^}]*host=\"127.0.0.1\"[^}]*outcome=\"ok\"[^}]*} "
            + distinct.size() + "\\.0");
        assertThat(metrics).containsPattern("kanal_relay_cache_requests_total\\{[^}]*kind=\"segment\"[^}]*result=\"miss\"[^}]*} "
            + distinct.size() + "\\.0");
        assertThat(metrics).containsPattern("kanal_relay_upstream_requests_total\\{[^}]*kind=\"segment\"[^}]*} "
            + distinct.size() + "\\.0");
        assertThat(metrics).contains("kanal_segment_download_seconds_count", "kanal_relay_sent_bytes_total",
            "kanal_relay_cache_bytes");
        double ratio = Double.parseDouble(metrics.lines().filter(l -> l.startsWith("kanal_relay_cache_hit_ratio"))
            .findFirst().orElseThrow().replaceAll(".* ", ""));
        assertThat(ratio).isGreaterThan(0.95);
      }
    }
  }

  private static HttpRequest request(URI uri, String agent) {
    return HttpRequest.newBuilder(uri).header("User-Agent", agent).timeout(Duration.ofSeconds(10)).build();
  }

  @Test
  @Timeout(60)
  void fortyViewers_ofANewSegment_thatTakesTheUpstream200ms_getItWithinP99Of350ms() throws Exception {
    List<Path> files = RelayHarness.randomSegments(dir.resolve("seg"), 10, 60_000, 3);
    LiveHlsStream stream = new LiveHlsStream(files, 1.0, 3, -1);
    try (HlsTestServer upstream = HlsTestServer.start(dir)) {
      stream.install(upstream);
      upstream.routePrefix("/live/g", path -> {
        long k = LiveHlsStream.index(path);
        if (k < 0 || k >= stream.published()) {
          return null;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new HlsTestServer.Body(stream.content(k), "video/mp2t");
      });
      String source = upstream.uri("/live/index.m3u8").toString();
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("64MiB", 3),
          RelayHarness.channel("sport", RelayHarness.source(source, 0, true, Map.of())))) {
        List<ViewerConnection> viewers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          viewers.add(new ViewerConnection("127.0.0.1", relay.server.port(), Duration.ofSeconds(10)));
        }
        List<Long> latencies = new ArrayList<>();
        String last = null;
        int rounds = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (rounds < 8 && System.nanoTime() < end) {
          String p = relay.get("/live/sport/index.m3u8").body();
          String newest = RelayHarness.segmentPaths("sport", p).getLast();
          if (newest.equals(last)) {
            Thread.sleep(100);
            continue;
          }
          last = newest;
          rounds++;
          List<Long> round = fetchTogether(viewers, newest,
              stream.content(LiveHlsStream.index(URI.create(RelayHarness.upstreamOf("sport", newest)).getPath())));
          assertThat(upstream.count(URI.create(RelayHarness.upstreamOf("sport", newest)).getPath())).isEqualTo(1);
          List<Long> sorted = new ArrayList<>(round);
          Collections.sort(sorted);
          System.out.printf("round %d: min %.1f p50 %.1f max %.1f ms%n", rounds, sorted.getFirst() / 1e6,
              sorted.get(20) / 1e6, sorted.getLast() / 1e6);
          // Two warm-up rounds: the first opens the 40 viewers' connections; both run while the JIT
          // compiles the request path (a server's steady state is what the bound is about).
          if (rounds > 2) {
            latencies.addAll(round);
          }
        }
        assertThat(latencies).hasSize(240);
        Collections.sort(latencies);
        long p50 = latencies.get(latencies.size() / 2);
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        System.out.printf("coalesced viewers: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", p50 / 1e6, p99 / 1e6,
            latencies.getLast() / 1e6);
        assertThat(p50).as("p50 (ns)").isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(p99).as("p99 (ns)").isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(350));
      }
    }
  }

  /** Every viewer requests {@code path} at the same moment; their latencies (request to last byte) in ns. */
  static List<Long> fetchTogether(List<ViewerConnection> viewers, String path, byte[] expected) throws Exception {
    CountDownLatch ready = new CountDownLatch(viewers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ViewerConnection viewer : viewers) {
        results.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          long start = System.nanoTime();
          ViewerConnection.Response r = viewer.get(path);
          long took = System.nanoTime() - start;
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.body()).isEqualTo(expected);
          return took;
        }));
      }
      ready.await();
      go.countDown();
    }
    List<Long> out = new ArrayList<>();
    for (Future<Long> f : results) {
      out.add(f.get());
    }
    return out;
  }

  @Test
  @Timeout(60)
  void lateJoiner_getsTheBytesReceivedSoFar_beforeTheUpstreamFinishes() throws Exception {
    List<Path> files = RelayHarness.randomSegments(dir.resolve("seg"), 10, 200_000, 5);
    LiveHlsStream stream = new LiveHlsStream(files, 2.0, 3, -1);
    try (HlsTestServer upstream = HlsTestServer.start(dir)) {
      stream.install(upstream);
      String source = upstream.uri("/live/index.m3u8").toString();
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("64MiB", 3),
          RelayHarness.channel("slow", RelayHarness.source(source, 0, true, Map.of())))) {
        String segment = RelayHarness.segmentPaths("slow", relay.get("/live/slow/index.m3u8").body()).getLast();
        String upstreamPath = URI.create(RelayHarness.upstreamOf("slow", segment)).getPath();
        // The upstream sends the head and 188 bytes, then nothing for 2 s, then the rest.
        upstream.stall(upstreamPath.replace(".", "\\."), 1, Duration.ofSeconds(2));
        HttpClient http = HttpClient.newHttpClient();
        long start = System.nanoTime();
        HttpResponse<InputStream> first = http.send(HttpRequest.newBuilder(relay.uri(segment)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        byte[] firstBytes = first.body().readNBytes(188);
        long firstTtfb = System.nanoTime() - start;
        Thread.sleep(300);
        long joined = System.nanoTime();
        HttpResponse<InputStream> late = http.send(HttpRequest.newBuilder(relay.uri(segment)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        byte[] lateBytes = late.body().readNBytes(188);
        long lateTtfb = System.nanoTime() - joined;
        assertThat(firstTtfb).as("first viewer's first bytes (ns)").isLessThan(TimeUnit.MILLISECONDS.toNanos(1200));
        assertThat(lateTtfb).as("late viewer's first bytes (ns)").isLessThan(TimeUnit.MILLISECONDS.toNanos(800));
        byte[] expected = stream.content(LiveHlsStream.index(upstreamPath));
        assertThat(firstBytes).isEqualTo(Arrays.copyOf(expected, 188));
        assertThat(lateBytes).isEqualTo(Arrays.copyOf(expected, 188));
        byte[] restFirst = first.body().readAllBytes();
        byte[] restLate = late.body().readAllBytes();
        long total = System.nanoTime() - start;
        assertThat(total).as("the stall really happened").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1900));
        assertThat(restFirst).isEqualTo(Arrays.copyOfRange(expected, 188, expected.length));
        assertThat(restLate).isEqualTo(Arrays.copyOfRange(expected, 188, expected.length));
        assertThat(upstream.count(upstreamPath)).isEqualTo(1);
      }
    }
  }
}
