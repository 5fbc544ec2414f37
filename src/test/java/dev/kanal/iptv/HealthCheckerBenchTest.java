package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The shape of {@code bench/check-1000.sh} in the suite: 1,000 channels, 10% hanging, concurrency 32,
 * with a 2 s timeout instead of 10 s so the run stays short. The hangs alone need
 * 100 x 2 s / 32 = 6.25 s of wall-clock time; the run must stay close to that floor.
 */
class HealthCheckerBenchTest {

  @Test
  void checkAll_1000ChannelsWith10PercentHanging_staysNearTheFloorOfTheHangs() throws Exception {
    CheckBenchMain.Outcome o = CheckBenchMain.run(1000, 10, 32, Duration.ofSeconds(2));
    System.out.printf("HealthCheckerBenchTest: %d channels in %d ms (%.0f checks/s)%n", o.channels(),
        o.elapsed().toMillis(), o.checksPerSecond());
    assertThat(o.correct()).isTrue();
    assertThat(o.hangs()).isEqualTo(100);
    assertThat(o.counts()[CheckStatus.ALIVE.ordinal()]).isEqualTo(900);
    assertThat(o.counts()[CheckStatus.TIMEOUT.ordinal()]).isEqualTo(100);
    assertThat(o.elapsed()).isLessThan(Duration.ofMillis(6250 + 5000));
  }
}
