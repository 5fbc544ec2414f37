package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.FakeIptvUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --probe}: after the HTTP check, a real ffprobe (from PATH) reads the stream with the channel's headers. */
class HealthCheckerProbeTest {

  @TempDir
  Path dir;

  @Test
  void probe_realStreamIsAlive_fakeBytesAreInvalid() throws Exception {
    Path ts = dir.resolve("real.ts");
    Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
        "testsrc=size=160x90:rate=10", "-t", "1", "-c:v", "mpeg2video", "-f", "mpegts", ts.toString())
        .redirectErrorStream(true).start();
    assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(ffmpeg.exitValue()).isZero();
    try (FakeIptvUpstream upstream = new FakeIptvUpstream();
        HealthChecker checker = HealthChecker.create(CheckOptions.DEFAULTS.withTimeout(Duration.ofSeconds(10))
            .withFfprobe(Path.of("ffprobe")))) {
      upstream.serve("ref/real.ts", "video/mp2t", Files.readAllBytes(ts));
      CheckResult real = checker.check(new CheckTarget("r", "Real", upstream.url("ref/real.ts"),
          Map.of("Referer", FakeIptvUpstream.REFERER)));
      // ffprobe got the Referer too: without it, the upstream answers 403.
      assertThat(real.status()).as(real.toString()).isEqualTo(CheckStatus.ALIVE);

      CheckResult fake = checker.check(new CheckTarget("f", "Fake", upstream.url("good/stream.ts"), Map.of()));
      assertThat(fake.status()).as(fake.toString()).isEqualTo(CheckStatus.INVALID);
      assertThat(fake.detail()).startsWith("ffprobe");
    }
  }
}
