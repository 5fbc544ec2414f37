package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.LoadRun;
import dev.kanal.testing.PackagingVideos;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load (issue #13): 50 concurrent packaging requests for 50 small videos on {@code kanal serve} (its
 * own JVM, {@code -Xmx512m}, {@code vod.packaging.concurrency: 2}): every request is accepted at once
 * (202, queued), never more than two ffmpeg packagers run (the server's child processes writing into
 * {@code packages/.tmp-*}, sampled every 20 ms), and every job is published. The videos are one
 * 4 s 320x180 H.264/AAC file made distinct by a trailing MP4 {@code free} box each. CI requests 10,
 * {@code -Dkanal.load.full=true} the 50 ({@code -Dkanal.load.packaging.videos} overrides).
 */
@Tag("slow")
@Tag("load")
class PackagingQueueLoadTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";
  static final int CONCURRENCY = 2;

  @TempDir
  Path dir;

  @Test
  @Timeout(900)
  void fiftyConcurrentPackagingRequests_areQueued_runAtMostConcurrencyFfmpegs_andAllPublish() throws Exception {
    int videos = LoadRun.setting("packaging.videos", 10, 50);
    Path media = Files.createDirectories(dir.resolve("media"));
    Path data = dir.resolve("data");
    byte[] source = Files.readAllBytes(PackagingVideos.make("q180.mp4", 320, 180, 4, "300k"));
    // One more than requested: the warm-up job.
    for (int i = 0; i <= videos; i++) {
      Path f = media.resolve(String.format(Locale.ROOT, "Clip.%03d.mp4", i));
      try (OutputStream out = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW)) {
        out.write(source);
        byte[] tag = ("kanal-load-" + i).getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(8).putInt(8 + tag.length).put("free".getBytes(StandardCharsets.US_ASCII)).array());
        out.write(tag);
      }
    }
    Path config = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          segmentDuration: 2s
          packaging:
            concurrency: %d
            ladder:
              - { height: 144, videoKbps: 200, audioKbps: 64 }
        """.formatted(CONCURRENCY));
    try (KanalProcess kanal = LoadRun.serve(dir, "serve", "--config", config.toString(), "--port", "0",
        "--data", data.toString(), "--media", media.toString())) {
      String base = kanal.awaitLine(SERVING, Duration.ofSeconds(60));
      JsonHttp api = new JsonHttp(base);
      List<String> ids = awaitProbed(api, videos + 1);
      String packagerMarker = data.toAbsolutePath().resolve("packages").resolve(".tmp-").toString();

      LoadRun warmUp = LoadRun.of("packaging-queue-warmup", kanal.pid(), base);
      assertThat(api.post("/api/videos/" + ids.getFirst() + "/package", null).status()).isEqualTo(202);
      awaitPublished(api, List.of(ids.getFirst()), Duration.ofSeconds(120), new ConcurrentHashMap<>());
      LoadRun run = LoadRun.of("packaging-queue", kanal.pid(), base);
      run.baseline();
      run.begin();
      List<String> requested = ids.subList(1, videos + 1);
      AtomicInteger mostPackagers = new AtomicInteger();
      Thread sampler = Thread.ofVirtual().start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          mostPackagers.accumulateAndGet(run.probe().descendants(packagerMarker).size(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      Map<String, Long> requestedAt = new ConcurrentHashMap<>();
      List<String> states = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch go = new CountDownLatch(1);
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (String id : requested) {
          clients.submit(() -> {
            go.await();
            long t = System.nanoTime();
            requestedAt.put(id, t);
            JsonHttp.Reply r = api.post("/api/videos/" + id + "/package", null);
            if (r.status() == 202) {
              run.ok(t);
              states.add(r.json().getString("state"));
            } else {
              run.error(id + " -> " + r);
            }
            return null;
          });
        }
        go.countDown();
      }
      long acceptedAll = System.nanoTime();
      int runningAtAccept = run.probe().descendants(packagerMarker).size();
      Map<String, Long> publishedAt = new ConcurrentHashMap<>();
      awaitPublished(api, requested, Duration.ofSeconds(600), publishedAt);
      sampler.interrupt();
      run.end();
      List<Double> jobSeconds = new ArrayList<>();
      requested.forEach(id -> jobSeconds.add((publishedAt.get(id) - requestedAt.get(id)) / 1e9));
      Collections.sort(jobSeconds);
      run.finish(String.format(Locale.ROOT, "videos=%d concurrency=%d mostPackagers=%d queuedAtAccept=%d"
              + " jobP50S=%.1f jobMaxS=%.1f allPublishedS=%.1f", requested.size(), CONCURRENCY, mostPackagers.get(),
          states.stream().filter("queued"::equals).count(), jobSeconds.get(jobSeconds.size() / 2), jobSeconds.getLast(),
          (System.nanoTime() - acceptedAll) / 1e9));
      assertThat(states).hasSize(requested.size()).allMatch(s -> s.equals("queued") || s.equals("running"));
      assertThat(states.stream().filter("queued"::equals).count()).isGreaterThanOrEqualTo(requested.size() - CONCURRENCY);
      assertThat(runningAtAccept).isLessThanOrEqualTo(CONCURRENCY);
      assertThat(mostPackagers.get()).as("ffmpeg packagers at once").isBetween(1, CONCURRENCY);
      try (var s = Files.list(data.resolve("packages"))) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrderElementsOf(ids);
      }
      assertThat(kanal.stderr()).doesNotContain("OutOfMemoryError");
    }
  }

  /** The ids of the library's {@code count} videos once all are probed. */
  static List<String> awaitProbed(JsonHttp api, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (System.nanoTime() < deadline) {
      var items = api.get("/api/videos?status=ok&limit=500&sort=title").json().getJsonArray("items");
      if (items.size() == count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
          ids.add(items.getJsonObject(i).getString("id"));
        }
        return ids;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the library did not probe " + count + " videos within 180 s");
  }

  /** Polls the jobs every 250 ms until every one is published, noting when each was first seen so. */
  static void awaitPublished(JsonHttp api, List<String> ids, Duration timeout, Map<String, Long> publishedAt)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (publishedAt.size() < ids.size()) {
      assertThat(System.nanoTime()).as("all published within %s; published: %d of %d", timeout, publishedAt.size(),
          ids.size()).isLessThan(deadline);
      for (String id : ids) {
        if (!publishedAt.containsKey(id)) {
          JsonObject s = api.get("/api/videos/" + id + "/package").json();
          assertThat(s.getString("state")).as(String.valueOf(s)).isIn("queued", "running", "published");
          if (s.getString("state").equals("published")) {
            publishedAt.put(id, System.nanoTime());
          }
        }
      }
      Thread.sleep(250);
    }
  }
}
