package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.PlaybackConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PlaybackStore} has, whatever backs it: run by {@link SqlitePlaybackStoreTest}
 * and {@link RedisPlaybackStoreTest} (a real redis-server).
 */
abstract class PlaybackStoreContract {

  static final PlaybackConfig DEFAULTS = new PlaybackConfig(Duration.ofSeconds(90), 100, Duration.ofDays(7));
  static final Instant T0 = Instant.parse("2026-03-01T20:00:00Z");

  private final List<PlaybackStore> opened = new ArrayList<>();

  /** A new, empty store with {@code config}. */
  abstract PlaybackStore create(PlaybackConfig config) throws Exception;

  PlaybackStore store(PlaybackConfig config) throws Exception {
    PlaybackStore s = create(config);
    opened.add(s);
    return s;
  }

  PlaybackStore store() throws Exception {
    return store(DEFAULTS);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(PlaybackStore::close);
  }

  static ProgressEntry entry(String video, String device, double position, double duration, Instant updatedAt,
      Instant receivedAt) {
    return new ProgressEntry(video, device, Duration.ofMillis((long) (position * 1000)),
        Duration.ofMillis((long) (duration * 1000)), updatedAt, receivedAt);
  }

  static ProgressEntry entry(String video, String device, double position, Instant at) {
    return entry(video, device, position, 3600, at, at);
  }

  // ---- progress

  @Test
  void putProgress_firstWrite_isTheLatestAndIsApplied() throws Exception {
    PlaybackStore store = store();
    ProgressUpdate update = store.putProgress("default", entry("v1", "tv", 120.5, T0));
    assertThat(update.applied()).isTrue();
    VideoProgress p = store.progress("default", "v1").orElseThrow();
    assertThat(p.latest().position()).isEqualTo(Duration.ofMillis(120_500));
    assertThat(p.latest().duration()).isEqualTo(Duration.ofHours(1));
    assertThat(p.latest().deviceId()).isEqualTo("tv");
    assertThat(p.latest().updatedAt()).isEqualTo(T0);
    assertThat(p.devices()).hasSize(1);
  }

  @Test
  void progress_unknownVideoOrOtherUser_isEmpty() throws Exception {
    PlaybackStore store = store();
    store.putProgress("alice", entry("v1", "tv", 10, T0));
    assertThat(store.progress("default", "v1")).isEmpty();
    assertThat(store.progress("alice", "v2")).isEmpty();
    assertThat(store.progress("alice", "v1")).isPresent();
    assertThat(store.continueWatching("default", 10)).isEmpty();
  }

  @Test
  void putProgress_staleWriteFromAnOfflineDevice_keepsTheNewerPositionOfTheOtherDevice() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("v1", "tv", 1800, 3600, T0.plusSeconds(600), T0.plusSeconds(600)));
    // The phone was offline: it saw position 300 before the TV's write, and sends it only now.
    ProgressUpdate late = store.putProgress("default", entry("v1", "phone", 300, 3600, T0, T0.plusSeconds(700)));
    assertThat(late.applied()).as("the phone's own entry is recorded").isTrue();
    VideoProgress p = store.progress("default", "v1").orElseThrow();
    assertThat(p.latest().deviceId()).isEqualTo("tv");
    assertThat(p.latest().position()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(p.devices()).extracting(ProgressEntry::deviceId).containsExactly("tv", "phone");
    // A newer write from the phone wins again.
    store.putProgress("default", entry("v1", "phone", 2000, T0.plusSeconds(800)));
    assertThat(store.progress("default", "v1").orElseThrow().latest().deviceId()).isEqualTo("phone");
  }

  @Test
  void putProgress_olderWriteFromTheSameDevice_isNotApplied() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("v1", "tv", 900, T0.plusSeconds(60)));
    ProgressUpdate stale = store.putProgress("default", entry("v1", "tv", 100, T0));
    assertThat(stale.applied()).isFalse();
    assertThat(stale.progress().latest().position()).isEqualTo(Duration.ofSeconds(900));
    assertThat(store.progress("default", "v1").orElseThrow().latest().position()).isEqualTo(Duration.ofSeconds(900));
  }

  @Test
  void putProgress_sameUpdatedAtOnTwoDevices_laterReceiveTimeWins() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("v1", "a", 100, 3600, T0, T0.plusSeconds(1)));
    store.putProgress("default", entry("v1", "b", 200, 3600, T0, T0.plusSeconds(2)));
    assertThat(store.progress("default", "v1").orElseThrow().latest().deviceId()).isEqualTo("b");
  }

  @Test
  void putProgress_updatedAtAfterReceipt_isClampedToTheReceiveTime() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("v1", "fast-clock", 100, 3600, T0.plusSeconds(3600), T0));
    store.putProgress("default", entry("v1", "tv", 200, 3600, T0.plusSeconds(1), T0.plusSeconds(1)));
    // A device whose clock runs an hour ahead cannot win over later writes.
    assertThat(store.progress("default", "v1").orElseThrow().latest().deviceId()).isEqualTo("tv");
  }

  @Test
  void putProgress_moreDevicesThanTheLimit_dropsTheOldest() throws Exception {
    PlaybackStore store = store();
    for (int i = 0; i <= ProgressMerge.MAX_DEVICES; i++) {
      store.putProgress("default", entry("v1", "d" + i, i, T0.plusSeconds(i)));
    }
    VideoProgress p = store.progress("default", "v1").orElseThrow();
    assertThat(p.devices()).hasSize(ProgressMerge.MAX_DEVICES);
    assertThat(p.devices()).extracting(ProgressEntry::deviceId).doesNotContain("d0").contains("d1", "d32");
  }

  @Test
  void continueWatching_listsUnfinishedVideosMostRecentFirst() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("old", "tv", 600, T0));
    store.putProgress("default", entry("new", "tv", 60, T0.plusSeconds(20)));
    store.putProgress("default", entry("middle", "tv", 60, T0.plusSeconds(10)));
    store.putProgress("default", entry("ninety-six", "tv", 3456, T0.plusSeconds(30))); // > 95 % of 3600
    // 50 s left of 15 minutes, 94.4 %: finished by the last-minute rule (which needs 10 minutes or more)
    store.putProgress("default", entry("last-minute", "tv", 850, 900, T0.plusSeconds(40), T0.plusSeconds(40)));
    store.putProgress("default", entry("short-clip", "tv", 30, 80, T0.plusSeconds(45), T0.plusSeconds(45))); // 50 s left of 80
    store.putProgress("default", entry("credits", "tv", 3300, T0.plusSeconds(50))); // 300 s left, 91.7 %: unfinished
    assertThat(store.continueWatching("default", 10)).extracting(ProgressEntry::videoId)
        .containsExactly("credits", "short-clip", "new", "middle", "old");
    assertThat(store.continueWatching("default", 2)).extracting(ProgressEntry::videoId).containsExactly("credits", "short-clip");
  }

  @Test
  void continueWatching_finishedThenRewatchedOnAnotherDevice_comesBack() throws Exception {
    PlaybackStore store = store();
    store.putProgress("default", entry("v1", "tv", 3590, T0));
    assertThat(store.continueWatching("default", 10)).isEmpty();
    store.putProgress("default", entry("v1", "phone", 120, T0.plusSeconds(60)));
    assertThat(store.continueWatching("default", 10)).singleElement()
        .satisfies(e -> assertThat(e.deviceId()).isEqualTo("phone"));
    // An old write of an unfinished position from a third device changes nothing: the latest is the phone's.
    store.putProgress("default", entry("v1", "tablet", 3599, T0.plusSeconds(30)));
    assertThat(store.continueWatching("default", 10)).singleElement()
        .satisfies(e -> assertThat(e.deviceId()).isEqualTo("phone"));
  }

  @Test
  void putProgress_concurrentWritersOnOneVideo_loseNothing() throws Exception {
    PlaybackStore store = store();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        String device = "device-" + t;
        done.add(pool.submit(() -> {
          for (int i = 1; i <= 20; i++) {
            store.putProgress("default", entry("v1", device, i, T0.plusMillis(i)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    VideoProgress p = store.progress("default", "v1").orElseThrow();
    assertThat(p.devices()).hasSize(6).allSatisfy(e -> assertThat(e.position()).isEqualTo(Duration.ofSeconds(20)));
  }

  // ---- sessions

  static PlaybackSession.Start start(String id, PlaybackSession.Kind kind, String target) {
    return new PlaybackSession.Start(id, "default", kind, target, "tv", T0);
  }

  @Test
  void sessions_startHeartbeatEnd() throws Exception {
    PlaybackStore store = store();
    PlaybackSession s = store.startSession(start("s1", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    store.startSession(start("s2", PlaybackSession.Kind.CHANNEL, "arte.fr")).orElseThrow();
    assertThat(s.expiresAt()).isAfter(s.startedAt());
    assertThat(Duration.between(s.startedAt(), s.expiresAt())).isEqualTo(Duration.ofSeconds(90));
    assertThat(store.activeSessions(10)).extracting(PlaybackSession::id).containsExactlyInAnyOrder("s1", "s2");
    assertThat(store.activeCounts()).isEqualTo(Map.of(PlaybackSession.Kind.VIDEO, 1L, PlaybackSession.Kind.CHANNEL, 1L));

    Thread.sleep(5);
    PlaybackSession beat = store.heartbeat("s1", new PlaybackSession.Heartbeat(Optional.of(Duration.ofSeconds(42)),
        OptionalLong.of(3_000_000))).orElseThrow();
    assertThat(beat.position()).contains(Duration.ofSeconds(42));
    assertThat(beat.bitrate()).hasValue(3_000_000);
    assertThat(beat.expiresAt()).isAfter(s.expiresAt());
    assertThat(beat.targetId()).isEqualTo("v1");
    PlaybackSession listed = store.activeSessions(10).stream().filter(x -> x.id().equals("s1")).findFirst().orElseThrow();
    assertThat(listed.position()).contains(Duration.ofSeconds(42));
    // A heartbeat that reports nothing keeps what the last one said.
    assertThat(store.heartbeat("s1", PlaybackSession.Heartbeat.empty()).orElseThrow().bitrate()).hasValue(3_000_000);

    assertThat(store.endSession("s1")).isTrue();
    assertThat(store.endSession("s1")).isFalse();
    assertThat(store.heartbeat("s1", PlaybackSession.Heartbeat.empty())).isEmpty();
    assertThat(store.heartbeat("nope", PlaybackSession.Heartbeat.empty())).isEmpty();
    assertThat(store.activeSessions(10)).extracting(PlaybackSession::id).containsExactly("s2");
    assertThat(store.activeCounts()).isEqualTo(Map.of(PlaybackSession.Kind.VIDEO, 0L, PlaybackSession.Kind.CHANNEL, 1L));
  }

  @Test
  void startSession_atTheLimit_isRefused() throws Exception {
    PlaybackStore store = store(new PlaybackConfig(Duration.ofSeconds(90), 2, Duration.ofDays(7)));
    assertThat(store.startSession(start("a", PlaybackSession.Kind.VIDEO, "v1"))).isPresent();
    assertThat(store.startSession(start("b", PlaybackSession.Kind.CHANNEL, "c1"))).isPresent();
    assertThat(store.startSession(start("c", PlaybackSession.Kind.VIDEO, "v1"))).isEmpty();
    store.endSession("a");
    assertThat(store.startSession(start("c", PlaybackSession.Kind.VIDEO, "v1"))).isPresent();
  }

  @Test
  void sessionWithoutHeartbeat_expiresAfterItsTtl_whileOneWithHeartbeatsStays() throws Exception {
    PlaybackStore store = store(new PlaybackConfig(Duration.ofMillis(1000), 100, Duration.ofDays(7)));
    store.startSession(start("quiet", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    store.startSession(start("alive", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    long deadline = System.nanoTime() + Duration.ofMillis(1600).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(store.heartbeat("alive", PlaybackSession.Heartbeat.empty())).isPresent();
      Thread.sleep(250);
    }
    assertThat(store.activeSessions(10)).extracting(PlaybackSession::id).containsExactly("alive");
    assertThat(store.activeCounts().get(PlaybackSession.Kind.VIDEO)).isEqualTo(1L);
    assertThat(store.heartbeat("quiet", PlaybackSession.Heartbeat.empty())).as("an expired session cannot be revived").isEmpty();
    assertThat(store.endSession("quiet")).isFalse();
    store.sweep();
    assertThat(store.activeSessions(10)).extracting(PlaybackSession::id).containsExactly("alive");
    // Its QoE outlives it, for the summary.
    assertThat(store.hasQoe("quiet")).isTrue();
  }

  // ---- QoE

  static List<QoeEvent> events(String session, Object... typeAndOffsetMs) {
    List<QoeEvent> out = new ArrayList<>();
    for (int i = 0; i < typeAndOffsetMs.length; i += 2) {
      out.add(QoeEvent.of(session, (QoeEvent.Type) typeAndOffsetMs[i], T0.plusMillis(((Number) typeAndOffsetMs[i + 1]).longValue())));
    }
    return out;
  }

  @Test
  void applyQoe_scriptedSession_derivesStartupStallsAndSwitches() throws Exception {
    PlaybackStore store = store();
    store.startSession(start("s1", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    QoeDelta first = store.applyQoe("s1", events("s1",
        QoeEvent.Type.STARTUP, 1500, QoeEvent.Type.LEVEL_SWITCH, 5000, QoeEvent.Type.STALL_START, 10_000)).orElseThrow();
    assertThat(first.startup()).contains(Duration.ofMillis(1500));
    assertThat(first.stalls()).isEqualTo(1);
    assertThat(first.levelSwitches()).isEqualTo(1);
    assertThat(first.stallRatio()).isEmpty();
    // The stall ends in the next batch; events in a batch may come out of order.
    QoeDelta second = store.applyQoe("s1", events("s1",
        QoeEvent.Type.LEVEL_SWITCH, 20_000, QoeEvent.Type.STALL_END, 12_000, QoeEvent.Type.LEVEL_SWITCH, 30_000,
        QoeEvent.Type.ENDED, 41_500, QoeEvent.Type.LEVEL_SWITCH, 50_000)).orElseThrow();
    assertThat(second.startup()).isEmpty();
    assertThat(second.levelSwitches()).isEqualTo(2);
    assertThat(second.ignored()).as("the switch after the end").isEqualTo(1);
    assertThat(second.stallRatio()).hasValue(0.05); // 2 s stalled of 40 s watched

    QoeStats stats = store.qoeSessions(Instant.EPOCH, Optional.empty(), Optional.empty(), 10).getFirst();
    assertThat(stats.startup()).contains(Duration.ofMillis(1500));
    assertThat(stats.stalls().count()).isEqualTo(1);
    assertThat(stats.stalled()).isEqualTo(Duration.ofSeconds(2));
    assertThat(stats.watched()).isEqualTo(Duration.ofSeconds(40));
    assertThat(stats.levelSwitches()).isEqualTo(3);
    assertThat(stats.ended()).isTrue();
    assertThat(stats.kind()).isEqualTo(PlaybackSession.Kind.VIDEO);
    assertThat(stats.targetId()).isEqualTo("v1");
    // Ending it again (DELETE after the ended event) records nothing more.
    assertThat(store.finishQoe("s1").orElseThrow().stallRatio()).isEmpty();
  }

  @Test
  void finishQoe_sessionDeletedDuringAStall_countsTheStallToTheLastEvent() throws Exception {
    PlaybackStore store = store();
    store.startSession(start("s1", PlaybackSession.Kind.CHANNEL, "arte.fr")).orElseThrow();
    store.applyQoe("s1", events("s1", QoeEvent.Type.STARTUP, 1000, QoeEvent.Type.STALL_START, 6000,
        QoeEvent.Type.ERROR, 11_000)).orElseThrow();
    QoeDelta end = store.finishQoe("s1").orElseThrow();
    assertThat(end.stallRatio()).hasValue(0.5); // 5 s stalled of 10 s watched
    QoeStats stats = store.qoeSessions(Instant.EPOCH, Optional.of(PlaybackSession.Kind.CHANNEL), Optional.of("arte.fr"), 10)
        .getFirst();
    assertThat(stats.errors()).isEqualTo(1);
    assertThat(stats.ended()).isTrue();
    assertThat(stats.stalled()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void qoeSessions_filtersByTargetAndTime() throws Exception {
    PlaybackStore store = store();
    store.startSession(start("a", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    store.startSession(start("b", PlaybackSession.Kind.VIDEO, "v2")).orElseThrow();
    store.startSession(start("c", PlaybackSession.Kind.CHANNEL, "v1")).orElseThrow();
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.empty(), Optional.empty(), 10))
        .extracting(QoeStats::sessionId).containsExactlyInAnyOrder("a", "b", "c");
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.of(PlaybackSession.Kind.VIDEO), Optional.of("v1"), 10))
        .extracting(QoeStats::sessionId).containsExactly("a");
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.of(PlaybackSession.Kind.CHANNEL), Optional.of("v1"), 10))
        .extracting(QoeStats::sessionId).containsExactly("c");
    assertThat(store.qoeSessions(Instant.now().plusSeconds(60), Optional.empty(), Optional.empty(), 10)).isEmpty();
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.empty(), Optional.empty(), 2)).hasSize(2);
  }

  @Test
  void applyQoe_unknownSession_isEmpty() throws Exception {
    PlaybackStore store = store();
    assertThat(store.hasQoe("nope")).isFalse();
    assertThat(store.applyQoe("nope", events("nope", QoeEvent.Type.STARTUP, 1))).isEmpty();
    assertThat(store.finishQoe("nope")).isEmpty();
  }

  @Test
  void applyQoe_concurrentBatchesForOneSession_countEveryEvent() throws Exception {
    PlaybackStore store = store();
    store.startSession(start("s1", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 10; i++) {
            store.applyQoe("s1", events("s1", QoeEvent.Type.LEVEL_SWITCH, thread * 100 + i));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.empty(), Optional.empty(), 1).getFirst().levelSwitches())
        .isEqualTo(40);
  }

  @Test
  void sweep_dropsQoeOlderThanTheRetention() throws Exception {
    PlaybackStore store = store(new PlaybackConfig(Duration.ofSeconds(90), 100, Duration.ofMillis(700)));
    store.startSession(start("old", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    Thread.sleep(1000);
    store.startSession(start("new", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    store.sweep();
    assertThat(store.hasQoe("old")).isFalse();
    assertThat(store.hasQoe("new")).isTrue();
    assertThat(store.qoeSessions(Instant.EPOCH, Optional.empty(), Optional.empty(), 10))
        .extracting(QoeStats::sessionId).containsExactly("new");
  }
}
