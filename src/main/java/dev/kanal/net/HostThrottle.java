package dev.kanal.net;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A minimum interval between the starts of two requests to one host ({@code --throttle} of
 * {@code kanal record}, the health checker's host interval). Thread-safe; callers block in
 * {@link #await} until their slot, so use it from virtual threads.
 */
public final class HostThrottle {

  private final long intervalNanos;
  private final ConcurrentHashMap<String, long[]> nextSlot = new ConcurrentHashMap<>();

  /** A throttle with this interval; zero or negative never waits. */
  public HostThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Blocks until a request to this host may start, and books the slot after it. */
  public void await(String host) throws InterruptedException {
    if (intervalNanos <= 0) {
      return;
    }
    long[] slot = nextSlot.computeIfAbsent(host, h -> new long[] {Long.MIN_VALUE});
    long startAt;
    synchronized (slot) {
      long now = System.nanoTime();
      startAt = slot[0] == Long.MIN_VALUE ? now : Math.max(now, slot[0]);
      slot[0] = startAt + intervalNanos;
    }
    long wait;
    while ((wait = startAt - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }
}
