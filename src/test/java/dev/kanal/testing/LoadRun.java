package dev.kanal.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One load scenario against a Kanal server in its own process: its settings (issue #13's loads with
 * {@code -Dkanal.load.full=true}, modest ones for CI otherwise, each overridable), the client side's
 * requests, errors and latencies, and the server measured from outside by a {@link ProcessProbe}
 * before, during and after. {@link #finish} prints one {@code event=load.result} line (and appends it
 * to {@code -Dkanal.load.results=FILE} when set) and checks: no failed request, heap after GC back
 * within {@link #HEAP_MARGIN} of the baseline, file descriptors and threads back within
 * {@link #FD_TOLERANCE} and {@link #THREAD_TOLERANCE} once idle.
 */
public final class LoadRun {

  /** Heap after a full GC may exceed the baseline by this much (JIT-compiled paths' metadata is not heap). */
  public static final long HEAP_MARGIN = 16L << 20;
  /** Open descriptors may exceed the baseline by this many once idle. */
  public static final int FD_TOLERANCE = 4;
  /** Kernel threads may exceed the baseline by this many once idle. */
  public static final int THREAD_TOLERANCE = 4;
  /** How long the server gets to let idle connections, pools and carrier threads go. */
  public static final Duration SETTLE = Duration.ofSeconds(75);

  private static final int ERROR_SAMPLES = 20;

  /** What the probe saw at one moment: heap after GC, descriptors, threads. */
  public record Snapshot(long heapAfterGc, int fds, int threads) {}

  private final String scenario;
  private final ProcessProbe probe;
  private final URI metrics;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final ConcurrentLinkedQueue<String> errorSamples = new ConcurrentLinkedQueue<>();
  private final Object latencyLock = new Object();
  private long[] latencies = new long[1 << 16];
  private int latencyCount;
  private Snapshot baseline;
  private long peakRss;
  private volatile long peakHeap;
  private long runNanos;
  private long runStart;
  private double serverCpu;
  private double clientCpu;
  private Thread sampler;
  private boolean peakReset;

  private LoadRun(String scenario, long pid, URI metrics) {
    this.scenario = scenario;
    this.probe = new ProcessProbe(pid);
    this.metrics = metrics;
  }

  /**
   * A scenario against the server process {@code pid}; {@code base} is its URL, whose {@code /metrics}
   * is scraped every second for the peak heap.
   */
  public static LoadRun of(String scenario, long pid, String base) {
    return new LoadRun(scenario, pid, URI.create(base + "/metrics"));
  }

  /** The server's heap for every load scenario: a bound, so memory growth shows up as failures, not as RSS. */
  public static final String SERVER_HEAP = "-Xmx512m";

  /**
   * Starts {@code kanal ARGS...} (e.g. {@code serve --port 0 ...}) in its own JVM with
   * {@link #SERVER_HEAP} and G1, as the load scenarios measure it.
   */
  public static KanalProcess serve(Path workDir, String... args) throws IOException {
    List<String> options = new ArrayList<>(List.of(SERVER_HEAP, "-XX:+UseG1GC"));
    if (Runtime.version().feature() >= 22) {
      options.add("--enable-native-access=ALL-UNNAMED");
    }
    return KanalProcess.startJava(workDir, options, "dev.kanal.Main", args);
  }

  /** Whether the full loads were asked for ({@code -Dkanal.load.full=true}). */
  public static boolean full() {
    return Boolean.getBoolean("kanal.load.full");
  }

  /** {@code -Dkanal.load.NAME}, else {@code full} with {@code -Dkanal.load.full=true}, else {@code ci}. */
  public static int setting(String name, int ci, int full) {
    return Integer.getInteger("kanal.load." + name, full() ? full : ci);
  }

  /** The probe of the server process. */
  public ProcessProbe probe() {
    return probe;
  }

  /** Measures the baseline (after warm-up: heap after GC first, since jcmd's first attach starts a thread). */
  public Snapshot baseline() {
    long heap = probe.heapAfterGc();
    baseline = new Snapshot(heap, probe.fds(), probe.threads());
    return baseline;
  }

  /** Starts the measured run: resets the peak RSS and samples the heap every second. */
  public void begin() {
    peakReset = probe.resetPeakRss();
    runStart = System.nanoTime();
    serverCpu = probe.cpuSeconds();
    clientCpu = ProcessProbe.ownCpuSeconds();
    sampler = Thread.ofVirtual().name("load-heap-sampler").start(this::sampleHeap);
  }

  /** Ends the measured run: stops sampling, reads the peak RSS. */
  public void end() {
    runNanos = System.nanoTime() - runStart;
    serverCpu = probe.cpuSeconds() - serverCpu;
    clientCpu = ProcessProbe.ownCpuSeconds() - clientCpu;
    sampler.interrupt();
    peakRss = probe.peakRss();
  }

  /** Counts a request that succeeded, with its latency from {@code startNanos}. */
  public void ok(long startNanos) {
    long nanos = System.nanoTime() - startNanos;
    requests.incrementAndGet();
    synchronized (latencyLock) {
      if (latencyCount == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[latencyCount++] = nanos;
    }
  }

  /** Counts a failed request; the first few are kept for the failure message. */
  public void error(String what) {
    requests.incrementAndGet();
    if (errors.incrementAndGet() <= ERROR_SAMPLES) {
      errorSamples.add(what);
    }
  }

  /** Failed requests so far. */
  public long errors() {
    return errors.get();
  }

  /** Requests so far (succeeded and failed). */
  public long requests() {
    return requests.get();
  }

  /** The latency at quantile {@code q} (0-1) of the successful requests, in milliseconds. */
  public double percentileMs(double q) {
    synchronized (latencyLock) {
      if (latencyCount == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(latencies, latencyCount);
      Arrays.sort(sorted);
      int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
      return sorted[Math.max(0, i)] / 1e6;
    }
  }

  /**
   * Waits (at most {@link #SETTLE}) for descriptors and threads to come back within tolerance, then
   * measures heap after GC; prints the result line with {@code extra} fields and checks it.
   */
  public void finish(String extra) throws InterruptedException {
    if (baseline == null) {
      throw new IllegalStateException("no baseline");
    }
    ProcessProbe.awaitSettled(() -> probe.fds() <= baseline.fds() + FD_TOLERANCE
        && probe.threads() <= baseline.threads() + THREAD_TOLERANCE, SETTLE);
    long heap = probe.heapAfterGc();
    Snapshot after = new Snapshot(heap, probe.fds(), probe.threads());
    String line = String.format(Locale.ROOT,
        "event=load.result scenario=%s requests=%d errors=%d seconds=%.1f p50Ms=%.1f p99Ms=%.1f maxMs=%.1f"
            + " peakRssMb=%d%s heapBaselineMb=%.1f heapPeakMb=%.1f heapAfterGcMb=%.1f fdsBefore=%d fdsAfter=%d"
            + " threadsBefore=%d threadsAfter=%d serverCpuS=%.1f clientCpuS=%.1f load1=%s %s at=%s",
        scenario, requests.get(), errors.get(), runNanos / 1e9, percentileMs(0.5), percentileMs(0.99),
        percentileMs(1.0), peakRss >> 20, peakReset ? "" : "(process)", baseline.heapAfterGc() / 1048576.0,
        peakHeap / 1048576.0, after.heapAfterGc() / 1048576.0, baseline.fds(), after.fds(), baseline.threads(),
        after.threads(), serverCpu, clientCpu, ProcessProbe.loadAverage(), extra, Instant.now());
    System.out.println(line);
    String results = System.getProperty("kanal.load.results", "");
    if (!results.isEmpty()) {
      try {
        Files.writeString(Path.of(results), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        System.out.println("cannot append to " + results + ": " + e);
      }
    }
    assertThat(new ArrayList<>(errorSamples)).as("failed requests (%d of %d)", errors.get(), requests.get()).isEmpty();
    assertThat(errors.get()).as("failed requests").isZero();
    assertThat(after.heapAfterGc()).as("heap after GC vs the baseline %d", baseline.heapAfterGc())
        .isLessThanOrEqualTo(baseline.heapAfterGc() + HEAP_MARGIN);
    assertThat(after.fds()).as("open descriptors once idle (baseline %d)", baseline.fds())
        .isLessThanOrEqualTo(baseline.fds() + FD_TOLERANCE);
    assertThat(after.threads()).as("threads once idle (baseline %d)", baseline.threads())
        .isLessThanOrEqualTo(baseline.threads() + THREAD_TOLERANCE);
  }

  private void sampleHeap() {
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build()) {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          double heap = 0;
          for (PrometheusText.Sample s : PrometheusText.parse(body).samples()) {
            if (s.name().equals("jvm_memory_used_bytes") && "heap".equals(s.labels().get("area"))) {
              heap += s.value();
            }
          }
          peakHeap = Math.max(peakHeap, (long) heap);
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          // A scrape may time out while the server is saturated; the next one counts.
        }
      }
    }
  }

  /** Milliseconds since {@code startNanos}, for messages. */
  public static long since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }

  /** Formats bytes for a result line's extra fields. */
  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }

  /** The list's elements joined by commas, for messages. */
  public static String join(List<?> items) {
    return String.join(",", items.stream().map(String::valueOf).toList());
  }
}
