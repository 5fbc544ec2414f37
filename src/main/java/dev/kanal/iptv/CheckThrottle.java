package dev.kanal.iptv;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/** A minimum interval between the starts of two checks of one host. */
final class CheckThrottle {

  private final long intervalNanos;
  private final ConcurrentHashMap<String, long[]> nextSlot = new ConcurrentHashMap<>();

  CheckThrottle(Duration interval) {
    this.intervalNanos = interval.toNanos();
  }

  /** Blocks until a check of this host may start. */
  void await(String host) throws InterruptedException {
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
