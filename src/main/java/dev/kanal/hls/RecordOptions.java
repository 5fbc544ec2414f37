package dev.kanal.hls;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to fetch an HLS stream: which variant, how many segments at once, where to start, which
 * headers, and how hard to try. Built with {@link #builder()}; every field has a default.
 *
 * @param quality the variant to pick: {@code best}, {@code worst}, {@code 720p}, {@code 720p60} or {@code 3000k}
 * @param threads how many segments download at once at the start (latency, not bandwidth, is the usual limit)
 * @param maxThreads how many at most: above {@code threads}, the number grows while more at once
 *     downloads faster and shrinks when the server struggles ({@link DownloadLimit}); equal: fixed
 * @param maxDuration stop after this much media time has been queued (live streams); empty: until the end
 * @param liveEdge how many segments from the end of a live playlist to start at
 * @param fromStart start a live playlist at its first segment instead of the live edge
 * @param headers extra request headers for playlists, keys and segments (User-Agent and Referer included)
 * @param throttle the minimum interval between two requests to one host (zero: none)
 * @param attempts how many times a segment, key or playlist request is tried
 * @param backoff the first retry delay; it doubles on each retry, with jitter
 * @param playlistErrorWindow how long a live playlist may keep failing before the recording stops
 * @param memoryBudget bytes of downloaded segments that may wait for an earlier one before fetches pause
 * @param connectTimeout the TCP/TLS connect timeout
 * @param requestTimeout the deadline for one whole request, body included
 * @param includeAudio download an alternative audio rendition (EXT-X-MEDIA TYPE=AUDIO with a URI) too
 */
public record RecordOptions(String quality, int threads, int maxThreads, Optional<Duration> maxDuration, int liveEdge,
    boolean fromStart, Map<String, String> headers, Duration throttle, int attempts, Duration backoff,
    Duration playlistErrorWindow, long memoryBudget, Duration connectTimeout, Duration requestTimeout,
    boolean includeAudio) {

  /** Copies the headers and checks the ranges. */
  public RecordOptions {
    Objects.requireNonNull(quality, "quality");
    Objects.requireNonNull(maxDuration, "maxDuration");
    headers = Map.copyOf(headers);
    requireArgument(threads >= 1 && threads <= 256, "threads must be between 1 and 256, was %s", threads);
    requireArgument(maxThreads >= threads && maxThreads <= 256,
        "the most threads must be between threads and 256, was %s", maxThreads);
    requireArgument(liveEdge >= 1, "live edge must be at least 1, was %s", liveEdge);
    requireArgument(attempts >= 1, "attempts must be at least 1, was %s", attempts);
    requireArgument(memoryBudget > 0, "memory budget must be positive, was %s", memoryBudget);
    requireArgument(!throttle.isNegative(), "throttle must not be negative, was %s", throttle);
  }

  /** A builder holding the defaults: best, 16 threads growing to 32, live edge 3, 3 attempts, 120 s playlist error window. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.quality = quality;
    b.threads = threads;
    b.maxThreads = maxThreads;
    b.maxDuration = maxDuration;
    b.liveEdge = liveEdge;
    b.fromStart = fromStart;
    b.headers = new LinkedHashMap<>(headers);
    b.throttle = throttle;
    b.attempts = attempts;
    b.backoff = backoff;
    b.playlistErrorWindow = playlistErrorWindow;
    b.memoryBudget = memoryBudget;
    b.connectTimeout = connectTimeout;
    b.requestTimeout = requestTimeout;
    b.includeAudio = includeAudio;
    return b;
  }

  private static void requireArgument(boolean ok, String format, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(String.format(format, value));
    }
  }

  /** Collects options; {@link #build()} validates them. */
  public static final class Builder {
    private String quality = "best";
    private int threads = 16;
    private int maxThreads = 32;
    private Optional<Duration> maxDuration = Optional.empty();
    private int liveEdge = 3;
    private boolean fromStart;
    private Map<String, String> headers = new LinkedHashMap<>();
    private Duration throttle = Duration.ZERO;
    private int attempts = 3;
    private Duration backoff = Duration.ofMillis(500);
    private Duration playlistErrorWindow = Duration.ofSeconds(120);
    private long memoryBudget = 256L * 1024 * 1024;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private boolean includeAudio = true;

    private Builder() {}

    /** The variant name: best, worst, 720p, 720p60 or a bitrate like 3000k. */
    public Builder quality(String value) {
      quality = value;
      return this;
    }

    /** Concurrent segment downloads, always this many (no adapting). */
    public Builder threads(int value) {
      threads = value;
      maxThreads = value;
      return this;
    }

    /** Concurrent segment downloads: {@code initial} at first, adapted up to {@code max}. */
    public Builder threads(int initial, int max) {
      threads = initial;
      maxThreads = max;
      return this;
    }

    /** Stop after this much media time. */
    public Builder maxDuration(Duration value) {
      maxDuration = Optional.ofNullable(value);
      return this;
    }

    /** Segments from the end of a live playlist to start at. */
    public Builder liveEdge(int value) {
      liveEdge = value;
      return this;
    }

    /** Start live playlists at their first segment. */
    public Builder fromStart(boolean value) {
      fromStart = value;
      return this;
    }

    /** Adds a request header, replacing one of the same name (case-insensitive). */
    public Builder header(String name, String value) {
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      headers.put(name, value);
      return this;
    }

    /** Minimum interval between requests to one host. */
    public Builder throttle(Duration value) {
      throttle = value;
      return this;
    }

    /** Attempts per request. */
    public Builder attempts(int value) {
      attempts = value;
      return this;
    }

    /** First retry delay. */
    public Builder backoff(Duration value) {
      backoff = value;
      return this;
    }

    /** How long live playlist errors are tolerated. */
    public Builder playlistErrorWindow(Duration value) {
      playlistErrorWindow = value;
      return this;
    }

    /** Bytes of out-of-order segments held at most (about; the next segment to write always proceeds). */
    public Builder memoryBudget(long value) {
      memoryBudget = value;
      return this;
    }

    /** Connect timeout. */
    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    /** Whole-request timeout, body included. */
    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    /** Whether to fetch an alternative audio rendition. */
    public Builder includeAudio(boolean value) {
      includeAudio = value;
      return this;
    }

    /** Validates and builds. */
    public RecordOptions build() {
      return new RecordOptions(quality, threads, maxThreads, maxDuration, liveEdge, fromStart, headers, throttle, attempts,
          backoff, playlistErrorWindow, memoryBudget, connectTimeout, requestTimeout, includeAudio);
    }
  }
}
