package dev.kanal.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Login rate limiting: at most {@code attempts} failed logins per client address and per user name
 * within {@code window}; past that, logins from that address or for that name are refused (even with
 * the right password, so the limit is no oracle) until the oldest failure leaves the window. In memory
 * and per node: with several nodes behind a balancer the limit applies per node. At most
 * {@link #MAX_KEYS} addresses and names are tracked (the least recently failed go first).
 */
public final class LoginLimiter {

  /** Addresses and names tracked at most. */
  public static final int MAX_KEYS = 10_000;

  private final int attempts;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
      return size() > MAX_KEYS;
    }
  };

  /** A limiter of {@code attempts} failures per {@code window}. */
  public LoginLimiter(int attempts, Duration window, Clock clock) {
    this.attempts = Math.max(1, attempts);
    this.window = window;
    this.clock = clock;
  }

  /** How long until a login from {@code address} for {@code user} may be tried again; empty when it may now. */
  public synchronized Optional<Duration> blocked(String address, String user) {
    Instant now = clock.instant();
    Duration wait = Duration.ZERO;
    for (String key : new String[] {"a:" + address, "u:" + user}) {
      Deque<Instant> times = failures.get(key);
      if (times == null) {
        continue;
      }
      prune(times, now);
      if (times.size() >= attempts) {
        Duration w = Duration.between(now, times.peekFirst().plus(window));
        wait = w.compareTo(wait) > 0 ? w : wait;
      }
    }
    return wait.isZero() || wait.isNegative() ? Optional.empty() : Optional.of(wait);
  }

  /** Counts a failed login from {@code address} for {@code user}. */
  public synchronized void failed(String address, String user) {
    Instant now = clock.instant();
    for (String key : new String[] {"a:" + address, "u:" + user}) {
      Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
      prune(times, now);
      times.addLast(now);
      while (times.size() > attempts) {
        times.removeFirst();
      }
    }
  }

  /** A successful login clears the name's failures (not the address's: one good account must not reset a guesser). */
  public synchronized void succeeded(String user) {
    failures.remove("u:" + user);
  }

  private void prune(Deque<Instant> times, Instant now) {
    Instant oldest = now.minus(window);
    while (!times.isEmpty() && !times.peekFirst().isAfter(oldest)) {
      times.removeFirst();
    }
  }
}
