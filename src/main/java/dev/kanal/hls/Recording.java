package dev.kanal.hls;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state one recording's threads share: the stop signal, the first fatal error, the fetch
 * pool (virtual threads; {@link DownloadLimit} says how many downloads at once across tracks) and what the
 * summary will say.
 */
final class Recording implements AutoCloseable {

  final RecordListener listener;
  final DownloadLimit downloads;
  final ExecutorService fetchPool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hls-fetch-", 0).factory());
  final AtomicLong totalBytes = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<HlsException> fatal = new AtomicReference<>();
  private final AtomicReference<String> stopReason = new AtomicReference<>();
  private final List<RecordSummary.Gap> gaps = new ArrayList<>();
  private final List<RecordSummary.Discontinuity> discontinuities = new ArrayList<>();
  private long segments;
  private BigDecimal seconds = BigDecimal.ZERO;

  Recording(RecordListener listener, int threads, int maxThreads) {
    this.listener = listener;
    this.downloads = threads == maxThreads ? DownloadLimit.fixed(threads) : DownloadLimit.adaptive(threads, maxThreads);
  }

  /** Asks every thread to stop; the first reason given is kept. */
  void stop(String reason) {
    stopReason.compareAndSet(null, reason);
    stopped.countDown();
  }

  /** Records a fatal error (the first one wins) and stops. */
  void fail(HlsException e) {
    fatal.compareAndSet(null, e);
    stop(e.getMessage());
  }

  boolean isStopped() {
    return stopped.getCount() == 0;
  }

  Optional<HlsException> fatal() {
    return Optional.ofNullable(fatal.get());
  }

  Optional<String> stopReason() {
    return Optional.ofNullable(stopReason.get());
  }

  /** Waits up to {@code nanos}; returns early (true) when the recording is stopped. */
  boolean awaitStop(long nanos) throws InterruptedException {
    return nanos <= 0 ? isStopped() : stopped.await(nanos, TimeUnit.NANOSECONDS);
  }

  synchronized void gap(RecordSummary.Gap gap) {
    gaps.add(gap);
    listener.on(new RecordEvent.GapFound(gap));
  }

  synchronized void discontinuity(RecordSummary.Discontinuity d) {
    discontinuities.add(d);
    listener.on(new RecordEvent.DiscontinuityFound(d));
  }

  /** Counts a written main-track segment. */
  synchronized void mainSegment(BigDecimal duration) {
    segments++;
    seconds = seconds.add(duration);
  }

  synchronized RecordSummary summary(String variant, boolean live, List<java.nio.file.Path> outputs) {
    return new RecordSummary(variant, live, segments, totalBytes.get(), seconds, gaps, discontinuities, outputs,
        stopReason());
  }

  @Override
  public void close() {
    fetchPool.shutdownNow();
  }
}
