package dev.kanal.hls;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Retry delays: exponential ({@code base * 2^(retry-1)}) with jitter in [50 %, 150 %), capped at 30 s,
 * so that many clients retrying after one upstream hiccup do not come back in lockstep.
 */
final class Backoff {

  static final Duration MAX = Duration.ofSeconds(30);

  private final Duration base;
  private final RandomGenerator random;

  Backoff(Duration base, RandomGenerator random) {
    this.base = base;
    this.random = random;
  }

  /** The delay before retry number {@code retry} (1 for the first retry). */
  Duration delay(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry numbers start at 1, was " + retry);
    }
    long exp = base.toNanos() << Math.min(retry - 1, 20);
    double jitter = 0.5 + random.nextDouble();
    long nanos = (long) Math.min(exp * jitter, MAX.toNanos());
    return Duration.ofNanos(Math.max(nanos, 0));
  }
}
