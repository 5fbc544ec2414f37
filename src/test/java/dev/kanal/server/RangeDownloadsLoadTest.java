package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.LoadRun;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load (issue #13): 1,000 concurrent HTTP Range downloads of a library file from {@code kanal serve}
 * (its own JVM, {@code -Xmx512m}): random single ranges (closed, suffix and open-ended, up to 2 MiB),
 * each answer checked byte for byte (status 206, Content-Range, body) against the file. Every client
 * starts its first download at the same instant and then makes the next; CI does 1 round,
 * {@code -Dkanal.load.full=true} 5 ({@code -Dkanal.load.range.clients}, {@code .rounds} override).
 */
@Tag("slow")
@Tag("load")
class RangeDownloadsLoadTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";
  static final int SIZE = 128 << 20;
  static final int MAX_RANGE = 2 << 20;

  @TempDir
  Path dir;

  @Test
  @Timeout(900)
  void thousandConcurrentRangeDownloads_ofALibraryFile_returnTheRightBytes_andTheServerReturnsToBaseline()
      throws Exception {
    int clients = LoadRun.setting("range.clients", 1000, 1000);
    int rounds = LoadRun.setting("range.rounds", 1, 5);
    Path media = Files.createDirectories(dir.resolve("media"));
    Path file = media.resolve("Random.Bytes.mkv");
    SplittableRandom random = new SplittableRandom(13);
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < SIZE / chunk.length; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r");
        KanalProcess kanal = LoadRun.serve(dir, "serve", "--port", "0", "--data", dir.resolve("data").toString(),
            "--media", media.toString())) {
      MappedByteBuffer bytes = raf.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, SIZE);
      String base = kanal.awaitLine(SERVING, Duration.ofSeconds(60));
      URI uri = URI.create(base + "/media/" + awaitListed(new JsonHttp(base)) + "/file");

      LoadRun warmUp = LoadRun.of("range-downloads-warmup", kanal.pid(), base);
      download(warmUp, Math.min(clients, 200), 1, uri, bytes, 1);
      assertThat(warmUp.errors()).as("failed downloads during the warm-up").isZero();
      LoadRun run = LoadRun.of("range-downloads", kanal.pid(), base);
      run.baseline();
      run.begin();
      AtomicLong received = download(run, clients, rounds, uri, bytes, 2);
      run.end();
      run.finish("clients=" + clients + " rounds=" + rounds + " receivedMb=" + LoadRun.mib(received.get()));
      assertThat(run.requests()).isEqualTo((long) clients * rounds);
      assertThat(kanal.stderr()).doesNotContain("OutOfMemoryError");
    }
  }

  /** The id of the library's one file, once scanned (its probe fails: random bytes are no video, and need not be one). */
  static String awaitListed(JsonHttp api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var items = api.get("/api/videos").json().getJsonArray("items");
      if (!items.isEmpty()) {
        return items.getJsonObject(0).getString("id");
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the library was not scanned within 60 s");
  }

  /** {@code clients} clients, started together, each making {@code rounds} downloads one after the other. */
  static AtomicLong download(LoadRun run, int clients, int rounds, URI uri, ByteBuffer file, long seed)
      throws Exception {
    AtomicLong received = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003 + c);
        pool.submit(() -> {
          go.await();
          for (int r = 0; r < rounds; r++) {
            one(run, http, uri, file, random, received);
          }
          return null;
        });
      }
      go.countDown();
    }
    return received;
  }

  private static void one(LoadRun run, HttpClient http, URI uri, ByteBuffer file, SplittableRandom random,
      AtomicLong received) {
    long first;
    long last;
    String range;
    switch (random.nextInt(10)) {
      case 0 -> { // suffix: the last N bytes
        int n = 1 + random.nextInt(MAX_RANGE);
        first = SIZE - n;
        last = SIZE - 1;
        range = "bytes=-" + n;
      }
      case 1 -> { // open-ended, near the end
        first = SIZE - 1 - random.nextInt(MAX_RANGE);
        last = SIZE - 1;
        range = "bytes=" + first + "-";
      }
      default -> {
        first = random.nextLong(SIZE);
        last = Math.min(SIZE - 1, first + random.nextInt(MAX_RANGE));
        range = "bytes=" + first + "-" + last;
      }
    }
    long t = System.nanoTime();
    try {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).header("Range", range)
          .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
      String expectedRange = "bytes " + first + "-" + last + "/" + SIZE;
      try (InputStream in = r.body()) {
        if (r.statusCode() != 206 || !r.headers().firstValue("Content-Range").orElse("").equals(expectedRange)) {
          run.error(range + " -> " + r.statusCode() + " " + r.headers().firstValue("Content-Range").orElse("-"));
          return;
        }
        byte[] buffer = new byte[64 * 1024];
        long at = first;
        int n;
        while ((n = in.read(buffer)) > 0) {
          if (at + n > last + 1 || !file.slice((int) at, n).equals(ByteBuffer.wrap(buffer, 0, n))) {
            run.error(range + ": wrong bytes at offset " + at);
            return;
          }
          at += n;
        }
        if (at != last + 1) {
          run.error(range + ": " + (at - first) + " bytes, expected " + (last + 1 - first));
          return;
        }
        received.addAndGet(at - first);
      }
      run.ok(t);
    } catch (Exception e) {
      run.error(range + " after " + LoadRun.since(t) + " ms: " + e);
    }
  }
}
