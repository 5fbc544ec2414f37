package dev.kanal.hls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Segment downloads in a Micrometer registry: {@code kanal_segment_download_seconds{host}} (a
 * histogram) and {@code kanal_segment_downloads_total{host,outcome}}.
 */
final class MicrometerDownloadMetrics implements DownloadMetrics {

  private final MeterRegistry registry;

  MicrometerDownloadMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void attempt(URI uri, String outcome) {
    Counter.builder("kanal.segment.downloads")
        .description("HLS segment download attempts by upstream host and outcome (ok, retry, failed)")
        .tag("host", DownloadMetrics.host(uri))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  @Override
  public void downloaded(URI uri, long nanos) {
    Timer.builder("kanal.segment.download")
        .description("Time to download one HLS segment, body included")
        .tag("host", DownloadMetrics.host(uri))
        .publishPercentileHistogram()
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
