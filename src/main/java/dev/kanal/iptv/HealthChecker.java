package dev.kanal.iptv;

import dev.kanal.net.HostThrottle;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks stream sources the way iptv-checker does: HTTP first with the channel's own headers (for
 * HLS: the playlist parses and the first segment of the lowest variant starts to arrive; otherwise a
 * media response starts), then optionally an ffprobe probe. Bounded: {@link CheckOptions#concurrency}
 * active checks at once on virtual threads, each under one deadline, a per-host interval, a total
 * deadline. A check that has received nothing for 1.5 s gives its slot back and waits for its own
 * deadline outside the limit (at most 4 x concurrency such parked checks), so hanging upstreams do
 * not hold the slots for the whole timeout.
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
  private final HostThrottle throttle;
  private final Duration idleBeforeParking;

  /** How long a check may receive nothing before it gives its slot back (see {@link Lease}). */
  static final Duration IDLE_BEFORE_PARKING = Duration.ofMillis(1500);
  /** How soon a silent check asks again for a parking space when none was free. */
  private static final Duration PARKING_RETRY = Duration.ofMillis(250);

  private HealthChecker(CheckOptions options, Duration idleBeforeParking) {
    this.idleBeforeParking = idleBeforeParking;
    this.options = options;
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(options.timeout())
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
    this.alarms = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kanal-check-alarm").daemon().factory());
    this.check = new StreamCheck(client, alarms, options.ffprobe());
    this.throttle = new HostThrottle(options.hostInterval());
  }

  /** A checker with these options. */
  public static HealthChecker create(CheckOptions options) {
    return new HealthChecker(Objects.requireNonNull(options, "options"), IDLE_BEFORE_PARKING);
  }

  /** A checker whose silent checks give their slot back after {@code idleBeforeParking} (tests). */
  static HealthChecker create(CheckOptions options, Duration idleBeforeParking) {
    return new HealthChecker(Objects.requireNonNull(options, "options"), idleBeforeParking);
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
    Semaphore parkingSpaces = new Semaphore(parkedLimit(options.concurrency()));
    AtomicInteger done = new AtomicInteger();
    Object report = new Object();
    try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kanal-check-", 0).factory())) {
      for (int i = 0; i < total; i++) {
        int index = i;
        CheckTarget target = targets.get(i);
        threads.submit(() -> {
          CheckResult result = runOne(target, slots, parkingSpaces, deadline);
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

  /** How many silent checks may wait outside the concurrency limit: 4 x concurrency. */
  static int parkedLimit(int concurrency) {
    return (int) Math.min(Integer.MAX_VALUE, 4L * concurrency);
  }

  private CheckResult runOne(CheckTarget target, Semaphore slots, Semaphore parkingSpaces, long deadline) {
    try {
      throttle.await(host(target.url()));
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !slots.tryAcquire(remaining, TimeUnit.NANOSECONDS)) {
        return notChecked(target, "not checked: the total deadline was reached");
      }
      Lease lease = new Lease(slots, parkingSpaces);
      try {
        remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          return notChecked(target, "not checked: the total deadline was reached");
        }
        Duration timeout = remaining < options.timeout().toNanos() ? Duration.ofNanos(remaining) : options.timeout();
        lease.watch();
        return check.run(target, timeout, lease::progress);
      } finally {
        lease.finish();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notChecked(target, "not checked: interrupted");
    }
  }

  /**
   * One check's concurrency slot. The slot bounds the load on the network and the upstreams; a check
   * that has received nothing for {@link #idleBeforeParking} (still connecting, or connected and
   * silent) costs neither, so it gives the slot back and waits for its own deadline "parked", outside
   * the limit, while there is a parking space ({@link #parkedLimit}: sockets and threads stay bounded).
   * A parked check that gets an answer finishes without queueing again (its deadline runs on), still
   * holding its parking space. Its classification and timing do not change: only its slot is lent out.
   */
  private final class Lease {
    private static final int HELD = 0;
    private static final int PARKED = 1;
    private static final int DONE = 2;

    private final Semaphore slots;
    private final Semaphore parkingSpaces;
    private final AtomicInteger state = new AtomicInteger(HELD);
    private volatile long lastProgress = System.nanoTime();
    private volatile ScheduledFuture<?> watch;

    Lease(Semaphore slots, Semaphore parkingSpaces) {
      this.slots = slots;
      this.parkingSpaces = parkingSpaces;
    }

    /** Called by the check when a response starts or bytes arrive. */
    void progress() {
      lastProgress = System.nanoTime();
    }

    void watch() {
      schedule(idleBeforeParking.toNanos());
    }

    private void schedule(long delayNanos) {
      try {
        watch = alarms.schedule(this::inspect, delayNanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closed) {
        // The checker is closing; the check keeps its slot.
      }
    }

    /** On the alarm thread: parks the check when it has been silent long enough and a space is free. */
    private void inspect() {
      if (state.get() != HELD) {
        return;
      }
      long idle = System.nanoTime() - lastProgress;
      long wanted = idleBeforeParking.toNanos();
      if (idle < wanted) {
        schedule(wanted - idle);
        return;
      }
      if (!parkingSpaces.tryAcquire()) {
        schedule(PARKING_RETRY.toNanos());
        return;
      }
      if (state.compareAndSet(HELD, PARKED)) {
        slots.release();
      } else {
        parkingSpaces.release();
      }
    }

    /** Gives back whatever the check holds: its slot or its parking space. */
    void finish() {
      int was = state.getAndSet(DONE);
      ScheduledFuture<?> w = watch;
      if (w != null) {
        w.cancel(false);
      }
      if (was == HELD) {
        slots.release();
      } else if (was == PARKED) {
        parkingSpaces.release();
      }
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
