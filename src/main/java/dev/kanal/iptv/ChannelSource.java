package dev.kanal.iptv;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One way to watch a channel: a stream URL with the headers it needs and where it came from.
 *
 * @param url the stream URL (EXTINF entry URL, resolved, without Kodi's {@code |} suffix)
 * @param headers the HTTP headers to send: the source's configured headers, overridden by the entry's
 *     own (EXTINF attributes, {@code #EXTVLCOPT}, {@code #KODIPROP}, {@code #EXTHTTP}, {@code |} suffix)
 * @param origin the playlist this entry came from, as configured (URL, file or preset)
 * @param priority the configured priority of that playlist; higher is preferred
 * @param status the last health check's verdict
 * @param checkedAt when the last health check ran, empty before the first
 * @param latencyMs the last health check's latency in milliseconds, empty before the first
 * @param allowPrivate whether its playlist's config lets the relay fetch it from private addresses
 */
public record ChannelSource(String url, Map<String, String> headers, String origin, int priority,
    CheckStatus status, Optional<Instant> checkedAt, OptionalLong latencyMs, boolean allowPrivate) {

  /** Checks for nulls and copies the headers. */
  public ChannelSource {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(checkedAt, "checkedAt");
    Objects.requireNonNull(latencyMs, "latencyMs");
    headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
  }

  /** A source that has not been checked yet, kept off private addresses. */
  public static ChannelSource unchecked(String url, Map<String, String> headers, String origin, int priority) {
    return unchecked(url, headers, origin, priority, false);
  }

  /** A source that has not been checked yet. */
  public static ChannelSource unchecked(String url, Map<String, String> headers, String origin, int priority,
      boolean allowPrivate) {
    return new ChannelSource(url, headers, origin, priority, CheckStatus.UNKNOWN, Optional.empty(), OptionalLong.empty(),
        allowPrivate);
  }

  /** This source with the result of a health check. */
  public ChannelSource withHealth(CheckStatus newStatus, Instant at, OptionalLong latency) {
    return new ChannelSource(url, headers, origin, priority, newStatus, Optional.of(at), latency, allowPrivate);
  }
}
