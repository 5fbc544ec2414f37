package dev.kanal.iptv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link HealthChecker} works.
 *
 * @param concurrency how many checks run at once (virtual threads behind a semaphore)
 * @param timeout the deadline of one check, covering connect, headers, bodies and the first segment bytes
 * @param hostInterval the minimum interval between the starts of two checks of one host (zero: none)
 * @param totalDeadline the deadline of the whole run; checks not started by then are {@code unknown}
 * @param ffprobe the ffprobe executable for the optional probe after an alive HTTP check; empty: no probe
 */
public record CheckOptions(int concurrency, Duration timeout, Duration hostInterval, Optional<Duration> totalDeadline,
    Optional<Path> ffprobe) {

  /** Concurrency 32, 10 s per check, no host throttle, no total deadline, no probe. */
  public static final CheckOptions DEFAULTS =
      new CheckOptions(32, Duration.ofSeconds(10), Duration.ZERO, Optional.empty(), Optional.empty());

  /** Validates the values. */
  public CheckOptions {
    if (concurrency < 1 || concurrency > 10_000) {
      throw new IllegalArgumentException("concurrency must be between 1 and 10000, was " + concurrency);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    Objects.requireNonNull(hostInterval, "hostInterval");
    Objects.requireNonNull(totalDeadline, "totalDeadline");
    Objects.requireNonNull(ffprobe, "ffprobe");
  }

  /** A copy with another concurrency. */
  public CheckOptions withConcurrency(int value) {
    return new CheckOptions(value, timeout, hostInterval, totalDeadline, ffprobe);
  }

  /** A copy with another per-check timeout. */
  public CheckOptions withTimeout(Duration value) {
    return new CheckOptions(concurrency, value, hostInterval, totalDeadline, ffprobe);
  }

  /** A copy with another per-host interval. */
  public CheckOptions withHostInterval(Duration value) {
    return new CheckOptions(concurrency, timeout, value, totalDeadline, ffprobe);
  }

  /** A copy with a total deadline. */
  public CheckOptions withTotalDeadline(Duration value) {
    return new CheckOptions(concurrency, timeout, hostInterval, Optional.of(value), ffprobe);
  }

  /** A copy that probes alive streams with this ffprobe. */
  public CheckOptions withFfprobe(Path value) {
    return new CheckOptions(concurrency, timeout, hostInterval, totalDeadline, Optional.of(value));
  }
}
