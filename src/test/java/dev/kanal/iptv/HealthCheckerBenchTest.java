package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The exact shape of {@code bench/check-1000.sh} and of the target: 1,000 channels, 10%
 * hanging, with the real defaults (concurrency 32, timeout 10 s), in under 30 s. Holding a slot for
 * the whole timeout, the hangs alone would need 100 x 10 s / 32 = 31.25 s; silent checks give their
 * slot back after 1.5 s, so the run takes about the time to start every check plus one timeout.
 * It waits out at least one full 10 s timeout (about 15 s in all here), short enough for the quick suite.
 */
class HealthCheckerBenchTest {

  @Test
  void checkAll_1000ChannelsWith10PercentHangingAndDefaults_finishesUnder30sClassifiedCorrectly() throws Exception {
    CheckOptions defaults = CheckOptions.DEFAULTS;
    assertThat(defaults.concurrency()).isEqualTo(32);
    assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
    CheckBenchMain.Outcome o = CheckBenchMain.run(1000, 10, defaults.concurrency(), defaults.timeout());
    System.out.printf("HealthCheckerBenchTest: %d channels in %d ms (%.0f checks/s)%n", o.channels(),
        o.elapsed().toMillis(), o.checksPerSecond());
    assertThat(o.correct()).isTrue();
    assertThat(o.hangs()).isEqualTo(100);
    assertThat(o.counts()[CheckStatus.ALIVE.ordinal()]).isEqualTo(900);
    assertThat(o.counts()[CheckStatus.TIMEOUT.ordinal()]).isEqualTo(100);
    assertThat(o.elapsed()).isLessThan(Duration.ofSeconds(30));
  }
}
