package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.FakeIptvUpstream;
import dev.kanal.testing.HlsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker against the faults of the shared fault-injecting upstream ({@link HlsTestServer}) that
 * {@link HealthCheckerTest}'s matrix does not have: resets, truncated bodies, Content-Lengths that lie,
 * 5xx bursts, delays and endless bodies. Every check ends within its deadline with a status that
 * says what happened, and a fault never leaks into the next check of the same upstream.
 */
class HealthCheckerFaultsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir
  static Path dir;

  static HlsTestServer upstream;
  static HealthChecker checker;

  @BeforeAll
  static void start() throws Exception {
    Files.writeString(dir.resolve("master.m3u8"), FakeIptvUpstream.master("low.m3u8", "high.m3u8"));
    String media = FakeIptvUpstream.media("seg.ts") + "#EXTINF:6.0,\n" + "a".repeat(400) + ".ts\n";
    Files.writeString(dir.resolve("low.m3u8"), media);
    Files.writeString(dir.resolve("high.m3u8"), media);
    Files.write(dir.resolve("seg.ts"), FakeIptvUpstream.tsBytes());
    upstream = HlsTestServer.start(dir);
    checker = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(TIMEOUT));
  }

  @AfterAll
  static void stop() {
    checker.close();
    upstream.close();
  }

  @AfterEach
  void clear() {
    upstream.clearFaults();
  }

  private static CheckResult check(String path) {
    CheckResult r = checker.check(new CheckTarget("ch", "Channel", upstream.uri(path).toString(), Map.of()));
    System.out.println("HealthCheckerFaultsTest: " + path + " -> " + r);
    assertThat(r.latencyMs()).as(r.toString()).isLessThan(TIMEOUT.toMillis() + 700);
    assertThat(r.detail()).as(r.toString()).isNotBlank();
    return r;
  }

  /** After a fault, the same upstream checks alive again: nothing of the fault stayed on a pooled connection. */
  private static void nextCheckIsAlive() {
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.ALIVE);
  }

  @Test
  void playlistResetMidBody_isDeadNamingTheConnection() {
    upstream.reset("/master\\.m3u8", 1);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isIn(CheckStatus.DEAD, CheckStatus.INVALID);
    nextCheckIsAlive();
  }

  @Test
  void playlistTruncated_contentLengthTooLongThenClosed_isNotAlive() {
    upstream.truncate("/low\\.m3u8", 1);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isIn(CheckStatus.DEAD, CheckStatus.INVALID);
    nextCheckIsAlive();
  }

  @Test
  void playlistContentLengthTooLong_connectionLeftOpen_isTimeoutAtTheDeadline() {
    upstream.lieAboutLength("/master\\.m3u8", 1, 500);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.TIMEOUT);
    assertThat(r.latencyMs()).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + 700);
    nextCheckIsAlive();
  }

  @Test
  void playlistContentLengthTooShort_endsTheCheckInTime_andTheRestDoesNotPoisonTheNextCheck() {
    // The variant playlist is cut inside its long last URI; the extra bytes stay on the connection.
    upstream.lieAboutLength("/low\\.m3u8", 1, -200);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isIn(CheckStatus.ALIVE, CheckStatus.INVALID);
    nextCheckIsAlive();
    nextCheckIsAlive();
  }

  @Test
  void segmentResetMidBody_stillAliveWhenTheFirstBytesArrived_orDead() {
    upstream.reset("/seg\\.ts", 1);
    CheckResult r = check("/master.m3u8");
    // The check needs only the first bytes of the first segment: half a segment is enough.
    assertThat(r.status()).as(r.toString()).isIn(CheckStatus.ALIVE, CheckStatus.DEAD);
    nextCheckIsAlive();
  }

  @Test
  void burstOf503_isReportedDeadWithTheStatus_andTheNextCheckAfterTheBurstIsAlive() {
    upstream.statusBursts("/master\\.m3u8", 503, 1, 2);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.DEAD);
    assertThat(r.httpStatus()).hasValue(503);
    nextCheckIsAlive();
  }

  @Test
  void delayShorterThanTheDeadline_isAliveWithTheLatency() {
    upstream.delay("/master\\.m3u8", 1, Duration.ofMillis(800));
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.ALIVE);
    assertThat(r.latencyMs()).isGreaterThanOrEqualTo(800);
  }

  @Test
  void endlessSegment_isAliveAtItsFirstBytes_andReadsOnlyALittle() {
    upstream.endless("/seg\\.ts", 1);
    long before = upstream.endlessBytesSent();
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.ALIVE);
    assertThat(r.latencyMs()).isLessThan(1500);
    sleepQuietly(300);
    // The client stops reading at once; only what fits the socket buffers has been written.
    assertThat(upstream.endlessBytesSent() - before).isLessThan(64L * 1024 * 1024);
  }

  @Test
  void endlessBodyWherePlaylistWasExpected_isAnAliveTsStream_readBriefly() {
    upstream.endless("/master\\.m3u8", 1);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.ALIVE);
    assertThat(r.detail()).contains("stream");
    nextCheckIsAlive();
  }

  /** Found by this test: the HTML page was parsed leniently as a channel list ("a channel list (2 entries)"). */
  @Test
  void finding_htmlInsteadOfTheVariantPlaylist_isInvalidNamingHtml_notAChannelList() {
    upstream.html("/low\\.m3u8", 1);
    CheckResult r = check("/master.m3u8");
    assertThat(r.status()).as(r.toString()).isEqualTo(CheckStatus.INVALID);
    assertThat(r.detail()).contains("HTML").doesNotContain("channel list");
    nextCheckIsAlive();
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
