package dev.kanal.iptv;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks stream sources the way iptv-checker does: HTTP first with the channel's own headers (for
 * HLS: the playlist parses and the first segment of the lowest variant starts to arrive; otherwise a
 * media response starts), then optionally an ffprobe probe. Bounded: {@link CheckOptions#concurrency}
 * checks at once on virtual threads, each under one deadline, a per-host interval, a total deadline.
 * Blocking; thread-safe; close it to release its HTTP client and timer.
 */
public final class HealthChecker implements AutoCloseable {

  /** Receives each result as it is decided (called from checking threads, one at a time). */
  @FunctionalInterface
  public interface Listener {
    /** {@code done} results out of {@code total} are known, {@code result} the latest. */
    void checked(CheckResult result, int done, int total);
  }

  private final CheckOptions options;
  private final HttpClient client;
  private final ScheduledExecutorService alarms;
  private final StreamCheck check;
  private final CheckThrottle throttle;

  private HealthChecker(CheckOptions options) {
    this.options = options;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(options.timeout())
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.alarms = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kanal-check-alarm").daemon().factory());
    this.check = new StreamCheck(client, alarms, options.ffprobe());
    this.throttle = new CheckThrottle(options.hostInterval());
  }

  /** A checker with these options. */
  public static HealthChecker create(CheckOptions options) {
    return new HealthChecker(Objects.requireNonNull(options, "options"));
  }

  /** The options this checker was made with. */
  public CheckOptions options() {
    return options;
  }

  /** Checks one target now (no concurrency limit, no throttle). */
  public CheckResult check(CheckTarget target) {
    return check.run(target, options.timeout());
  }

  /**
   * Checks every target and returns the results in the order of the targets. Targets not started
   * before the total deadline are {@link CheckStatus#UNKNOWN}; checks running at the deadline are
   * cut short as {@link CheckStatus#TIMEOUT}.
   */
  public List<CheckResult> checkAll(List<CheckTarget> targets, Listener listener) throws InterruptedException {
    int total = targets.size();
    CheckResult[] results = new CheckResult[total];
    long deadline = options.totalDeadline().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
    // Fair: checks start roughly in the order of the targets.
    Semaphore slots = new Semaphore(options.concurrency(), true);
    AtomicInteger done = new AtomicInteger();
    Object report = new Object();
    try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kanal-check-", 0).factory())) {
      for (int i = 0; i < total; i++) {
        int index = i;
        CheckTarget target = targets.get(i);
        threads.submit(() -> {
          CheckResult result = runOne(target, slots, deadline);
          results[index] = result;
          synchronized (report) {
            int n = done.incrementAndGet();
            if (listener != null) {
              listener.checked(result, n, total);
            }
          }
        });
      }
    }
    return Arrays.asList(results);
  }

  private CheckResult runOne(CheckTarget target, Semaphore slots, long deadline) {
    try {
      throttle.await(host(target.url()));
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !slots.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
        return notChecked(target, "not checked: the total deadline was reached");
      }
      try {
        remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return notChecked(target, "not checked: the total deadline was reached");
        }
        Duration timeout = remaining < options.timeout().toNanos() ? Duration.ofNanos(remaining) : options.timeout();
        return check.run(target, timeout);
      } finally {
        slots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notChecked(target, "not checked: interrupted");
    }
  }

  private static CheckResult notChecked(CheckTarget target, String detail) {
    return new CheckResult(target.channelId(), target.name(), target.url(), CheckStatus.UNKNOWN, OptionalInt.empty(),
        0, detail, 0, Optional.empty(), OptionalLong.empty(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
  }

  private static String host(String url) {
    try {
      String host = URI.create(url.strip()).getHost();
      return host == null ? "" : host.toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Counts per status, in the order of {@link CheckStatus}, for summaries. */
  public static int[] countByStatus(List<CheckResult> results) {
    int[] counts = new int[CheckStatus.values().length];
    results.forEach(r -> counts[r.status().ordinal()]++);
    return counts;
  }

  @Override
  public void close() {
    alarms.shutdownNow();
    client.close();
  }
}
