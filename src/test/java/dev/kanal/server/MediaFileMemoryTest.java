package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.RawHttp;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays constant whatever the file size and the number of downloads: 1,000 concurrent
 * range downloads (4 MiB single ranges, multipart ranges, and clients hanging up mid-body) of a 20 GB
 * sparse file, served by Kanal in its own JVM with {@code -Xmx256m}, all succeed, and afterwards the
 * heap (after a full GC), the open files and the requests in flight are back to their baseline.
 * Slow: run with {@code -Pslow}.
 */
@Tag("slow")
class MediaFileMemoryTest {

  static final long SIZE = 20_000_000_000L;
  static final int DOWNLOADS = 1000;
  static final int RANGE = 4 << 20;
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @TempDir Path dir;

  @Test
  void thousandConcurrentRangeDownloadsOf20GbFile_at256MbHeap_succeedAndHeapReturnsToBaseline() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    try (RandomAccessFile f = new RandomAccessFile(media.resolve("huge.mkv").toFile(), "rw")) {
      f.setLength(SIZE);
    }
    try (KanalProcess server = KanalProcess.startJava(dir, List.of("-Xmx256m", "-XX:+UseG1GC"),
        "dev.kanal.testing.MediaServerMain", media.toString())) {
      String url = server.awaitLine("listening (http://\\S+)", Duration.ofSeconds(60));
      int port = URI.create(url).getPort();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

      // Warm up, then the baseline after a full GC.
      for (int i = 0; i < 50; i++) {
        RawHttp.Download d = RawHttp.download(port, "/media/huge/file", List.of("Range: bytes=" + (i * 1_000_000L) + "-"
            + (i * 1_000_000L + 65_535)), Duration.ofSeconds(30));
        assertThat(d.status()).isEqualTo(206);
      }
      Metrics baseline = metricsAfterGc(server, http, url);

      Random random = new Random(7);
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicLong bytes = new AtomicLong();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> tasks = new ArrayList<>();
      long[] peakHeap = {0};
      try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < DOWNLOADS; i++) {
          long first = (long) (random.nextDouble() * (SIZE - RANGE));
          int kind = i % 10;
          tasks.add(clients.submit(() -> {
            go.await();
            try {
              if (kind == 0) {
                hangUp(port, first);
                return null;
              }
              String range = kind == 1
                  ? "bytes=" + first + "-" + (first + (1 << 20) - 1) + "," + (SIZE - (1 << 20)) + "-"
                  : "bytes=" + first + "-" + (first + RANGE - 1);
              RawHttp.Download d = RawHttp.download(port, "/media/huge/file", List.of("Range: " + range), TIMEOUT);
              long expected = kind == 1 ? -1 : RANGE;
              if (d.status() != 206 || (expected > 0 && d.bodyBytes() != expected)
                  || (kind == 1 && d.bodyBytes() < (2L << 20))) {
                failures.add(range + " -> " + d.status() + " " + d.bodyBytes() + " bytes");
              }
              bytes.addAndGet(d.bodyBytes());
            } catch (IOException e) {
              failures.add(e.toString());
            }
            return null;
          }));
        }
        go.countDown();
        Thread sampler = Thread.ofVirtual().start(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            try {
              peakHeap[0] = Math.max(peakHeap[0], scrape(http, url).heapUsed());
              Thread.sleep(200);
            } catch (InterruptedException e) {
              return;
            } catch (Exception ignored) {
              // A scrape may time out while the server is saturated; the next one counts.
            }
          }
        });
        for (Future<?> t : tasks) {
          t.get(TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS);
        }
        sampler.interrupt();
      }
      assertThat(failures).as("failed downloads").isEmpty();
      assertThat(bytes.get()).isGreaterThan(3_000_000_000L);

      Metrics after = metricsAfterGc(server, http, url);
      System.out.printf("event=memory.test downloads=%d bytes=%d baselineHeap=%d peakHeapSampled=%d afterHeap=%d"
              + " baselineFiles=%d afterFiles=%d active=%d%n", DOWNLOADS, bytes.get(), baseline.heapUsed(), peakHeap[0],
          after.heapUsed(), baseline.openFiles(), after.openFiles(), after.activeRequests());
      assertThat(after.activeRequests()).as("requests in flight (the scrape itself)").isEqualTo(baseline.activeRequests());
      assertThat(after.openFiles()).isLessThanOrEqualTo(baseline.openFiles() + 2);
      assertThat(after.heapUsed()).isLessThanOrEqualTo(baseline.heapUsed() + (16L << 20));
      assertThat(server.stderr()).doesNotContain("OutOfMemoryError");
    }
  }

  /** Starts a whole-file download, reads 1 MiB, and resets the connection. */
  private static void hangUp(int port, long first) throws IOException {
    try (var socket = RawHttp.connect(port, TIMEOUT)) {
      socket.getOutputStream().write(("GET /media/huge/file HTTP/1.1\r\nHost: x\r\nRange: bytes=" + first
          + "-\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      byte[] buffer = new byte[64 * 1024];
      long read = 0;
      while (read < (1 << 20)) {
        int n = socket.getInputStream().read(buffer);
        if (n < 0) {
          throw new IOException("server closed early");
        }
        read += n;
      }
      socket.setSoLinger(true, 0);
    }
  }

  record Metrics(long heapUsed, long openFiles, long activeRequests) {}

  private static Metrics metricsAfterGc(KanalProcess server, HttpClient http, String url) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Metrics m = null;
    for (int i = 0; i < 3; i++) {
      Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "GC.run")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      assertThat(gc.waitFor(60, TimeUnit.SECONDS)).as("jcmd GC.run finished").isTrue();
      Thread.sleep(300);
      m = scrape(http, url);
    }
    return m;
  }

  private static Metrics scrape(HttpClient http, String url) throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long heap = 0;
    Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)$").matcher(body);
    while (m.find()) {
      heap += (long) Double.parseDouble(m.group(1));
    }
    return new Metrics(heap, value(body, "process_files_open_files"), value(body, "http_server_active_requests"));
  }

  private static long value(String body, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? (\\S+)$").matcher(body);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in /metrics");
    }
    return (long) Double.parseDouble(m.group(2));
  }
}
