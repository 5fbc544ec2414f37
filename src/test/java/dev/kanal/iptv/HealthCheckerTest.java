package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.store.Database;
import dev.kanal.testing.FakeIptvUpstream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The checker against a matrix of misbehaving loopback upstreams ({@link FakeIptvUpstream}). */
class HealthCheckerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  static FakeIptvUpstream upstream;
  static HealthChecker checker;

  @BeforeAll
  static void start() throws Exception {
    upstream = new FakeIptvUpstream();
    checker = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(TIMEOUT));
  }

  @AfterAll
  static void stop() {
    checker.close();
    upstream.close();
  }

  private static CheckResult check(String path, Map<String, String> headers) {
    return checker.check(new CheckTarget("ch." + path, "Channel " + path, upstream.url(path), headers));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "good/master.m3u8,     alive,       200, HLS",
      "good/low.m3u8,        alive,       200, first segment started",
      "good/stream.ts,       alive,       200, stream started",
      "status/404,           dead,        404, HTTP 404",
      "status/500,           dead,        500, HTTP 500",
      "status/403,           geo-blocked, 403, HTTP 403",
      "status/451,           geo-blocked, 451, HTTP 451",
      "html/page.m3u8,       invalid,     200, HTML",
      "junk/garbage,         invalid,     200, neither a playlist nor a media stream",
      "loop/a,               dead,        302, redirect loop",
      "seg404/master.m3u8,   dead,        404, first segment answered HTTP 404",
      "ref/master.m3u8,      geo-blocked, 403, HTTP 403",
  })
  void check_classifiesUpstream(String path, String status, int http, String detail) {
    CheckResult r = check(path, Map.of());
    assertThat(r.status().text()).as(r.toString()).isEqualTo(status);
    assertThat(r.httpStatus()).as(r.toString()).hasValue(http);
    assertThat(r.detail()).as(r.toString()).contains(detail);
    assertThat(r.latencyMs()).isLessThan(TIMEOUT.toMillis());
  }

  @Test
  void check_goodMaster_recordsVariantsResolutionAndBandwidth() {
    CheckResult r = check("good/master.m3u8", Map.of());
    assertThat(r.variants()).isEqualTo(2);
    assertThat(r.maxResolution()).contains(new MasterPlaylist.Resolution(1280, 720));
    assertThat(r.maxBandwidth()).hasValue(2_000_000);
    assertThat(r.channelId()).isEqualTo("ch.good/master.m3u8");
  }

  @Test
  void check_streamNeedingReferer_isAliveOnlyWithTheHeader() {
    assertThat(check("ref/master.m3u8", Map.of()).status()).isEqualTo(CheckStatus.GEO_BLOCKED);
    CheckResult withHeader = check("ref/master.m3u8", Map.of("Referer", FakeIptvUpstream.REFERER));
    // The header must go to the variant playlist and the segment too, which also require it.
    assertThat(withHeader.status()).as(withHeader.toString()).isEqualTo(CheckStatus.ALIVE);
  }

  @Test
  void check_connectionRefused_isDeadAtOnce() throws Exception {
    CheckResult r = checker.check(new CheckTarget("x", "Refused", "http://127.0.0.1:" + FakeIptvUpstream.closedPort() + "/a.m3u8", Map.of()));
    assertThat(r.status()).isEqualTo(CheckStatus.DEAD);
    assertThat(r.detail()).isEqualTo("connection refused");
    assertThat(r.httpStatus()).isEmpty();
    assertThat(r.latencyMs()).isLessThan(1000);
  }

  @Test
  void check_hang_isTimeoutAfterAboutTheTimeout() {
    CheckResult r = check("hang/hang.m3u8", Map.of());
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.TIMEOUT);
    assertThat(r.detail()).isEqualTo("no answer within 2 s");
    assertThat(r.latencyMs()).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 700);
  }

  @Test
  void check_slowDrip_isTimeoutAtTheDeadlineNotWhenTheBodyEnds() {
    // The body trickles in at 4 bytes/s: it would take ~30 s, but the check's deadline is 2 s.
    CheckResult r = check("drip/drip.m3u8", Map.of());
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.TIMEOUT);
    assertThat(r.httpStatus()).hasValue(200);
    assertThat(r.latencyMs()).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 700);
  }

  @Test
  void check_notHttp_isUnknown() {
    CheckResult r = checker.check(new CheckTarget("x", "RTMP", "rtmp://127.0.0.1/live/x", Map.of()));
    assertThat(r.status()).isEqualTo(CheckStatus.UNKNOWN);
    assertThat(r.detail()).contains("rtmp");
  }

  @Test
  void checkAll_matrixAtOnce_keepsOrderReportsProgressAndHangsCostOneTimeout() throws Exception {
    List<CheckTarget> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      targets.add(new CheckTarget("h" + i, "Hang " + i, upstream.url("hang/hang.m3u8?" + i), Map.of()));
      targets.add(new CheckTarget("g" + i, "Good " + i, upstream.url("good/master.m3u8?" + i), Map.of()));
      targets.add(new CheckTarget("d" + i, "Dead " + i, upstream.url("status/404?" + i), Map.of()));
    }
    AtomicInteger reported = new AtomicInteger();
    long start = System.nanoTime();
    List<CheckResult> results = checker.checkAll(targets, (r, done, total) -> {
      assertThat(total).isEqualTo(18);
      reported.incrementAndGet();
    });
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(reported).hasValue(18);
    for (int i = 0; i < targets.size(); i++) {
      CheckResult r = results.get(i);
      assertThat(r.channelId()).isEqualTo(targets.get(i).channelId());
      CheckStatus expected = switch (r.channelId().charAt(0)) {
        case 'h' -> CheckStatus.TIMEOUT;
        case 'g' -> CheckStatus.ALIVE;
        default -> CheckStatus.DEAD;
      };
      assertThat(r.status()).as(r.toString()).isEqualTo(expected);
    }
    // Six hangs at concurrency 32 run side by side: one timeout, not six.
    assertThat(ms).isLessThan(TIMEOUT.toMillis() + 1500);
  }

  @Test
  void checkAll_silentChecks_giveTheirSlotBackAndStillTimeOutAtTheirOwnDeadline() throws Exception {
    // One slot, three hangs and a drip: without parking they would need 4 x 2 s one after another.
    try (HealthChecker one = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(TIMEOUT).withConcurrency(1),
        Duration.ofMillis(300))) {
      List<CheckTarget> targets = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        targets.add(new CheckTarget("h" + i, "Hang " + i, upstream.url("hang/hang.m3u8?p" + i), Map.of()));
      }
      targets.add(new CheckTarget("drip", "Drip", upstream.url("drip/drip.m3u8?p"), Map.of()));
      targets.add(new CheckTarget("good", "Good", upstream.url("good/master.m3u8?p"), Map.of()));
      long start = System.nanoTime();
      List<CheckResult> results = one.checkAll(targets, null);
      long ms = (System.nanoTime() - start) / 1_000_000;
      for (CheckResult r : results.subList(0, 3)) {
        assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.TIMEOUT);
        assertThat(r.latencyMs()).as(r.toString()).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 700);
      }
      // The drip receives a byte every 250 ms: never silent for 300 ms, so it keeps the slot to its deadline.
      assertThat(results.get(3).status()).as(results.get(3).toString()).isEqualTo(CheckStatus.TIMEOUT);
      assertThat(results.get(3).latencyMs()).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 700);
      assertThat(results.get(4).status()).as(results.get(4).toString()).isEqualTo(CheckStatus.ALIVE);
      // Hangs park after 0.3 s each (0.9 s), then the drip holds the slot 2 s, then the good one.
      assertThat(ms).isLessThan(3 * 300 + TIMEOUT.toMillis() + 1500);
    }
  }

  @Test
  void parkedLimit_isFourTimesTheConcurrency() {
    assertThat(HealthChecker.parkedLimit(32)).isEqualTo(128);
    assertThat(HealthChecker.parkedLimit(1)).isEqualTo(4);
  }

  @Test
  void checkAll_totalDeadline_leavesTheRestUnknown() throws Exception {
    try (HealthChecker one = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(TIMEOUT).withConcurrency(1)
        .withTotalDeadline(Duration.ofMillis(1500)))) {
      List<CheckTarget> targets = List.of(
          new CheckTarget("a", "A", upstream.url("hang/hang.m3u8?a"), Map.of()),
          new CheckTarget("b", "B", upstream.url("hang/hang.m3u8?b"), Map.of()));
      long start = System.nanoTime();
      List<CheckResult> results = one.checkAll(targets, null);
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2200);
      // One slot: whichever hang starts first is cut at the total deadline, the other never starts.
      assertThat(results).extracting(CheckResult::status).containsExactlyInAnyOrder(CheckStatus.TIMEOUT, CheckStatus.UNKNOWN);
      assertThat(results).filteredOn(r -> r.status() == CheckStatus.UNKNOWN).singleElement()
          .satisfies(r -> assertThat(r.detail()).contains("total deadline"));
    }
  }

  @Test
  void checkAll_hostInterval_spacesChecksOfOneHost() throws Exception {
    try (HealthChecker throttled = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(TIMEOUT)
        .withHostInterval(Duration.ofMillis(200)))) {
      List<CheckTarget> targets = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        targets.add(new CheckTarget("s" + i, "S", upstream.url("status/404?" + i), Map.of()));
      }
      long start = System.nanoTime();
      throttled.checkAll(targets, null);
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(800);
    }
  }

  @Test
  void history_recordsAndReturnsTheLatestCheckOfAUrl(@TempDir Path dir) throws Exception {
    try (Database db = Database.open(dir.resolve("kanal.db"))) {
      HealthHistory history = HealthHistory.open(db);
      CheckResult dead = check("status/404", Map.of());
      CheckResult alive = check("good/master.m3u8", Map.of());
      history.record(List.of(dead, alive));
      assertThat(history.latest(upstream.url("good/master.m3u8"))).contains(alive);
      CheckResult again = check("status/404", Map.of());
      history.record(List.of(again));
      assertThat(history.latest(upstream.url("status/404")).orElseThrow().checkedAt()).isEqualTo(again.checkedAt());
      assertThat(history.latest("http://never.example/")).isEmpty();
      // Reopening keeps the table (the migration is not re-run).
      assertThat(HealthHistory.open(db).latest(upstream.url("status/404"))).isPresent();
    }
  }
}
