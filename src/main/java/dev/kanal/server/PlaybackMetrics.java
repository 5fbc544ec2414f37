package dev.kanal.server;

import dev.kanal.store.PlaybackSession;
import dev.kanal.store.QoeDelta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The playback meters (Prometheus names): {@code kanal_active_sessions{kind}} (sessions active in the
 * store, the same on every node sharing it: aggregate with {@code max}),
 * {@code kanal_playback_sessions_total{kind}} (sessions started on this node),
 * {@code kanal_playback_startup_seconds} (histogram), {@code kanal_playback_stall_ratio} (summary, one
 * observation per session that ended), {@code kanal_playback_stalls_total},
 * {@code kanal_playback_level_switches_total} and {@code kanal_playback_errors_total{type}}. Labels
 * take a few fixed values only, never ids or URLs. Every meter exists from the start (at 0).
 */
final class PlaybackMetrics {

  /** Error types as players report them (hls.js's {@code ErrorTypes}, lower-cased prefix of {@code detail}). */
  static final List<String> ERROR_TYPES = List.of("network", "media", "key", "mux", "other");
  /** Startup histogram buckets: what viewers feel as instant, fine, slow and broken. */
  private static final Duration[] STARTUP_BUCKETS = {Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofMillis(750), Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2),
      Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(13),
      Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  private final Map<PlaybackSession.Kind, AtomicLong> active = new EnumMap<>(PlaybackSession.Kind.class);
  private final Map<PlaybackSession.Kind, Counter> started = new EnumMap<>(PlaybackSession.Kind.class);
  private final Timer startup;
  private final DistributionSummary stallRatio;
  private final Counter stalls;
  private final Counter levelSwitches;
  private final Map<String, Counter> errors = new LinkedHashMap<>();

  PlaybackMetrics(MeterRegistry registry) {
    for (PlaybackSession.Kind kind : PlaybackSession.Kind.values()) {
      AtomicLong value = new AtomicLong();
      active.put(kind, value);
      Gauge.builder("kanal.active.sessions", value, AtomicLong::get)
          .description("Playback sessions active in the store (shared by every node using the same Redis)")
          .tag("kind", kind.label()).register(registry);
      started.put(kind, Counter.builder("kanal.playback.sessions")
          .description("Playback sessions started through this node").tag("kind", kind.label()).register(registry));
    }
    startup = Timer.builder("kanal.playback.startup")
        .description("Time from the player's start to its first frame, per session")
        .serviceLevelObjectives(STARTUP_BUCKETS)
        .register(registry);
    stallRatio = DistributionSummary.builder("kanal.playback.stall.ratio")
        .description("Stalled time over watched time of each session that ended (0 to 1)")
        .publishPercentiles(0.5, 0.95)
        .register(registry);
    stalls = Counter.builder("kanal.playback.stalls").description("Stalls (rebuffering) reported by players")
        .register(registry);
    levelSwitches = Counter.builder("kanal.playback.level.switches")
        .description("Variant (quality level) switches reported by players").register(registry);
    for (String type : ERROR_TYPES) {
      errors.put(type, Counter.builder("kanal.playback.errors").description("Errors reported by players, by type")
          .tag("type", type).register(registry));
    }
  }

  /** The store's current active-session counts. */
  void active(Map<PlaybackSession.Kind, Long> counts) {
    counts.forEach((kind, n) -> active.get(kind).set(n));
  }

  void started(PlaybackSession.Kind kind) {
    started.get(kind).increment();
  }

  /** Records what a batch of events (or the end of a session) changed. */
  void record(QoeDelta delta) {
    delta.startup().ifPresent(startup::record);
    stalls.increment(delta.stalls());
    levelSwitches.increment(delta.levelSwitches());
    for (String detail : delta.errorDetails()) {
      errors.get(errorType(detail)).increment();
    }
    delta.stallRatio().ifPresent(stallRatio::record);
  }

  /** The label for an error's {@code detail}: its leading word if it is a known type, else {@code other}. */
  static String errorType(String detail) {
    String d = detail.toLowerCase(Locale.ROOT);
    if (d.startsWith("network")) {
      return "network";
    }
    if (d.startsWith("media")) {
      return "media";
    }
    if (d.startsWith("key")) {
      return "key";
    }
    if (d.startsWith("mux")) {
      return "mux";
    }
    return "other";
  }
}
