package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure rules both stores share: QoE derivation, the summary's percentiles, "finished". */
class QoeStatsTest {

  static final Instant T0 = Instant.parse("2026-03-01T20:00:00Z");
  static final Instant NOW = T0.plusSeconds(3600);

  static QoeStats fresh(Instant clientStart) {
    return QoeStats.start(new PlaybackSession.Start("s", "default", PlaybackSession.Kind.VIDEO, "v", "tv", clientStart), NOW);
  }

  static QoeEvent ev(QoeEvent.Type type, long ms) {
    return QoeEvent.of("s", type, T0.plusMillis(ms));
  }

  @Test
  void apply_startupBeforeTheClientStart_isNotAStartupTime() {
    // The player's clock and the "at" of the session disagree: no negative startup is recorded.
    QoeStats.Applied a = fresh(T0.plusSeconds(5)).apply(List.of(ev(QoeEvent.Type.STARTUP, 1000)), NOW);
    assertThat(a.delta().startup()).isEmpty();
    assertThat(a.stats().startup()).isEmpty();
    assertThat(a.stats().firstFrameAt()).contains(T0.plusMillis(1000));
  }

  @Test
  void apply_startupLongerThanTenMinutes_isNotRecorded() {
    QoeStats.Applied a = fresh(T0).apply(List.of(ev(QoeEvent.Type.STARTUP, 11 * 60_000)), NOW);
    assertThat(a.delta().startup()).isEmpty();
  }

  @Test
  void apply_secondStartupAndUnmatchedStallEnd_areIgnored() {
    QoeStats.Applied a = fresh(T0).apply(List.of(ev(QoeEvent.Type.STARTUP, 800), ev(QoeEvent.Type.STARTUP, 900),
        ev(QoeEvent.Type.STALL_END, 1000), ev(QoeEvent.Type.STALL_START, 2000), ev(QoeEvent.Type.STALL_START, 2500)), NOW);
    assertThat(a.delta().ignored()).isEqualTo(3);
    assertThat(a.stats().startup()).contains(Duration.ofMillis(800));
    assertThat(a.stats().stalls().count()).isEqualTo(1);
    assertThat(a.stats().stalls().openSince()).contains(T0.plusMillis(2000));
  }

  @Test
  void stalled_countsAnOpenStallUpToTheLastEvent() {
    QoeStats s = fresh(T0).apply(List.of(ev(QoeEvent.Type.STARTUP, 1000), ev(QoeEvent.Type.STALL_START, 3000),
        ev(QoeEvent.Type.SEEK, 5000)), NOW).stats();
    assertThat(s.stalled()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.watched()).isEqualTo(Duration.ofSeconds(4));
    assertThat(s.stallRatio()).hasValue(0.5);
    assertThat(s.seeks()).isEqualTo(1);
  }

  @Test
  void stallRatio_beforeTheFirstFrame_isEmpty() {
    QoeStats s = fresh(T0).apply(List.of(ev(QoeEvent.Type.STALL_START, 1000), ev(QoeEvent.Type.STALL_END, 3000)), NOW).stats();
    assertThat(s.stallRatio()).isEmpty();
    assertThat(QoeSummary.of(List.of(s)).stallRatio()).isZero();
  }

  @Test
  void apply_endedOnce_ratioIsReportedOnceOnly() {
    QoeStats.Applied first = fresh(T0).apply(List.of(ev(QoeEvent.Type.STARTUP, 0), ev(QoeEvent.Type.ENDED, 10_000)), NOW);
    assertThat(first.delta().stallRatio()).hasValue(0.0);
    QoeStats.Applied again = first.stats().apply(List.of(ev(QoeEvent.Type.ENDED, 12_000)), NOW);
    assertThat(again.delta().stallRatio()).isEmpty();
    assertThat(again.delta().ignored()).isEqualTo(1);
    assertThat(again.stats().finish(NOW).delta().stallRatio()).isEmpty();
  }

  @Test
  void summary_percentilesAreNearestRank() {
    List<Duration> sorted = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10).stream().map(Duration::ofSeconds).toList();
    assertThat(QoeSummary.percentile(sorted, 0.5)).contains(Duration.ofSeconds(5));
    assertThat(QoeSummary.percentile(sorted, 0.95)).contains(Duration.ofSeconds(10));
    assertThat(QoeSummary.percentile(sorted.subList(0, 1), 0.95)).contains(Duration.ofSeconds(1));
    assertThat(QoeSummary.percentile(List.of(), 0.5)).isEmpty();
    QoeSummary empty = QoeSummary.of(List.of());
    assertThat(empty.sessions()).isZero();
    assertThat(empty.startupP50()).isEqualTo(Optional.empty());
    assertThat(empty.errorRate()).isZero();
  }

  @Test
  void finished_isMoreThan95PercentOrTheLastMinuteOfALongVideo() {
    assertThat(entry(3420, 3600).finished()).as("95 % exactly, 180 s left").isFalse();
    assertThat(entry(3421, 3600).finished()).as("just past 95 %").isTrue();
    assertThat(entry(541, 600).finished()).as("59 s left").isTrue();
    assertThat(entry(540, 600).finished()).as("60 s left, 90 %").isFalse();
    assertThat(entry(11, 20).finished()).as("a 20 s clip at 11 s: the minute rule is for credits").isFalse();
    assertThat(entry(19.5, 20).finished()).as("a 20 s clip past 95 %").isTrue();
    assertThat(entry(530, 590).finished()).as("60 s left of under 10 minutes, 89.8 %").isFalse();
    assertThat(entry(10, 30).finished()).as("a 30 s clip at a third: the minute rule is for credits").isFalse();
    assertThat(entry(700, 600).position()).as("clamped to the duration").isEqualTo(Duration.ofSeconds(600));
  }

  static ProgressEntry entry(double position, long duration) {
    return new ProgressEntry("v", "tv", Duration.ofMillis(Math.round(position * 1000)), Duration.ofSeconds(duration),
        T0, T0);
  }
}
