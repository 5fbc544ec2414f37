package dev.kanal.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The relay's meters (Micrometer; Prometheus names in brackets): viewers per channel
 * ({@code kanal_relay_viewers}), upstream requests by kind ({@code kanal_relay_upstream_requests_total}),
 * bytes in and out ({@code kanal_relay_upstream_bytes_total}, {@code kanal_relay_sent_bytes_total}),
 * cache lookups by kind and result ({@code kanal_relay_cache_requests_total}) and their hit ratio
 * ({@code kanal_relay_cache_hit_ratio}), cache size ({@code kanal_relay_cache_bytes}), segment
 * downloads ({@code kanal_segment_download_seconds{host}}, {@code kanal_segment_downloads_total{host,outcome}},
 * the same meters as the HLS client's) and source switches ({@code kanal_relay_failovers_total{channel}}).
 * Thread-safe.
 */
final class RelayMetrics {

  /** What a cache lookup found. */
  enum Lookup {
    /** A complete, fresh copy. */
    HIT("hit"),
    /** A download already in progress, joined. */
    COALESCED("coalesced"),
    /** Nothing: a new upstream request. */
    MISS("miss");

    final String tag;

    Lookup(String tag) {
      this.tag = tag;
    }
  }

  private final MeterRegistry registry;
  private final Map<String, Counter> upstreamRequests = new ConcurrentHashMap<>();
  private final Map<String, Counter> lookups = new ConcurrentHashMap<>();
  private final Map<String, Counter> failovers = new ConcurrentHashMap<>();
  private final Counter sentBytes;
  private final Counter upstreamBytes;
  private final LongAdder served = new LongAdder();
  private final LongAdder servedFromCache = new LongAdder();

  RelayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.sentBytes = Counter.builder("kanal.relay.sent.bytes")
        .description("Bytes of relayed segments, keys and playlists sent to viewers").register(registry);
    this.upstreamBytes = Counter.builder("kanal.relay.upstream.bytes")
        .description("Bytes the relay received from upstreams").register(registry);
    Gauge.builder("kanal.relay.cache.hit.ratio", this, m -> {
      long all = m.served.sum();
      return all == 0 ? 0 : (double) m.servedFromCache.sum() / all;
    }).description("Share of relay lookups (playlists, segments, keys) answered without a new upstream request")
        .register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  /** A gauge read from {@code object}, with optional tags as key/value pairs. */
  <T> void gauge(String name, String description, T object, ToDoubleFunction<T> value, String... tags) {
    Gauge.builder(name, object, value).description(description).tags(tags).register(registry);
  }

  void upstreamRequest(String kind) {
    upstreamRequests.computeIfAbsent(kind, k -> Counter.builder("kanal.relay.upstream.requests")
        .description("HTTP requests the relay sent upstream, by kind (playlist, segment, key)")
        .tag("kind", k).register(registry)).increment();
  }

  void lookup(String kind, Lookup result) {
    served.increment();
    if (result != Lookup.MISS) {
      servedFromCache.increment();
    }
    lookups.computeIfAbsent(kind + '/' + result.tag, k -> Counter.builder("kanal.relay.cache.requests")
        .description("Relay cache lookups by kind and result (hit, coalesced: joined a download in progress, miss)")
        .tag("kind", kind).tag("result", result.tag).register(registry)).increment();
  }

  void sent(long bytes) {
    sentBytes.increment(bytes);
  }

  void received(long bytes) {
    upstreamBytes.increment(bytes);
  }

  void segmentDownload(String host, long nanos, boolean ok) {
    if (ok) {
      Timer.builder("kanal.segment.download")
          .description("Time to download one HLS segment, body included")
          .tag("host", host)
          .publishPercentileHistogram()
          .register(registry)
          .record(nanos, TimeUnit.NANOSECONDS);
    }
    Counter.builder("kanal.segment.downloads")
        .description("HLS segment download attempts by upstream host and outcome (ok, retry, failed)")
        .tag("host", host)
        .tag("outcome", ok ? "ok" : "failed")
        .register(registry)
        .increment();
  }

  void failover(String channel) {
    failovers.computeIfAbsent(channel, c -> Counter.builder("kanal.relay.failovers")
        .description("Switches of a relayed channel to its next source").tag("channel", c).register(registry))
        .increment();
  }
}
