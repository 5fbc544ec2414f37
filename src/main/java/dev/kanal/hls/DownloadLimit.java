package dev.kanal.hls;

/**
 * How many segment downloads run at once. Fixed when the user chose a number; otherwise adapted
 * the way TCP Vegas adapts a window. Each round of downloads (as many as the limit) compares its
 * mean download time with the fastest download seen: when it is close (at most 1.5x), more at once
 * is still latency-bound and the limit grows, up to the maximum; when it is far (over 3x), the
 * link is the bottleneck and the limit shrinks by a quarter. Like TCP, growth starts fast: the
 * limit doubles per round ("slow start") until the first sign of a bottleneck, then grows by a
 * quarter per round. A download that needed a retry, or failed in a way a retry could fix (5xx,
 * 429, reset, timeout), halves the limit and ends the fast growth: the server or the path is
 * struggling.
 *
 * <p>Measured on the 300-segment benchmark (50 ms per request, docs/BENCHMARKS.md): a fixed 16 at
 * once spends 1.1 s downloading; 16 growing by a quarter per round to 32 about 0.7 s, since it
 * reaches 32 only after 90 segments; doubling reaches 32 after the first 16.
 */
final class DownloadLimit {

  private final int min;
  private final int max;
  private int limit;
  /**
   * One permit per download that may start: fair, so downloads start in the order they asked, and
   * a release wakes only the next in line.
   */
  private final Permits permits;
  private long fastestNanos = Long.MAX_VALUE;
  private int roundCount;
  private long roundNanos;
  private boolean slowStart = true;

  private DownloadLimit(int initial, int min, int max) {
    if (initial < 1 || min < 1 || min > initial || initial > max) {
      throw new IllegalArgumentException("need 1 <= min <= initial <= max, was " + min + ", " + initial + ", " + max);
    }
    this.limit = initial;
    this.min = min;
    this.max = max;
    this.permits = new Permits(initial);
  }

  /** Always {@code n} at once. */
  static DownloadLimit fixed(int n) {
    return new DownloadLimit(n, n, n);
  }

  /** Starts at {@code initial}, grows up to {@code max} while downloads stay latency-bound, shrinks to 1 on trouble. */
  static DownloadLimit adaptive(int initial, int max) {
    return new DownloadLimit(initial, 1, max);
  }

  /**
   * Waits until one more download may start; downloads start in the order they asked. Segments
   * are written in order, so a later segment that overtook an earlier one only waits in memory
   * while the writer waits for the earlier one.
   */
  void acquire() throws InterruptedException {
    permits.acquire();
  }

  /**
   * A download ended.
   *
   * @param nanos how long it took, retries included
   * @param congested it needed a retry, or failed in a way a retry could have fixed
   */
  void release(long nanos, boolean congested) {
    int change;
    synchronized (this) {
      int before = limit;
      if (min < max) {
        adapt(nanos, congested);
      }
      change = 1 + limit - before;
    }
    // This download's permit back, plus or minus the change of the limit (the count may go below
    // zero when the limit shrinks while more than the new limit are running).
    if (change > 0) {
      permits.release(change);
    } else if (change < 0) {
      permits.reduce(-change);
    }
  }

  /** The current limit. */
  synchronized int limit() {
    return limit;
  }

  private void adapt(long nanos, boolean congested) {
    if (congested) {
      limit = Math.max(min, limit / 2);
      slowStart = false;
      newRound();
      return;
    }
    fastestNanos = Math.min(fastestNanos, nanos);
    roundCount++;
    roundNanos += nanos;
    if (roundCount < limit) {
      return;
    }
    long mean = roundNanos / roundCount;
    if (mean <= fastestNanos + fastestNanos / 2) {
      limit = Math.min(max, slowStart ? 2 * limit : limit + Math.max(1, limit / 4));
    } else if (mean > 3 * fastestNanos) {
      limit = Math.max(min, limit - Math.max(1, limit / 4));
      slowStart = false;
    }
    newRound();
  }

  private void newRound() {
    roundCount = 0;
    roundNanos = 0;
  }

  /** A fair semaphore whose permits can also be taken away. */
  private static final class Permits extends java.util.concurrent.Semaphore {
    private static final long serialVersionUID = 1L;

    Permits(int permits) {
      super(permits, true);
    }

    void reduce(int n) {
      reducePermits(n);
    }
  }
}
