package dev.kanal.iptv;

import dev.kanal.config.Durations;
import dev.kanal.testing.FakeIptvUpstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checker benchmark ({@code bench/check-1000.sh}): N channels on a loopback upstream, every
 * tenth (by default) hanging (accepts, never answers), the others good HLS (multivariant playlist,
 * media playlist, first segment: three requests each). Prints the time, checks/s, counts per status
 * and the floor the hangs would set if each held its slot for the whole timeout: hangs x timeout /
 * concurrency. A run is correct when every verdict is right and every hang timed out within
 * [timeout - 50 ms, timeout + 2 s].
 * Usage: {@code CheckBenchMain [CHANNELS=1000] [HANG_PERCENT=10] [CONCURRENCY=32] [TIMEOUT=10s]}
 */
public final class CheckBenchMain {

  private CheckBenchMain() {}

  /** What one run measured. */
  record Outcome(int channels, int hangs, Duration elapsed, int[] counts, boolean correct) {
    double checksPerSecond() {
      return channels / (elapsed.toNanos() / 1e9);
    }
  }

  public static void main(String[] args) throws Exception {
    int channels = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int hangPercent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : CheckOptions.DEFAULTS.concurrency();
    Duration timeout = args.length > 3 ? Durations.parse(args[3]) : CheckOptions.DEFAULTS.timeout();
    Outcome o = run(channels, hangPercent, concurrency, timeout);
    double floor = o.hangs() * (timeout.toNanos() / 1e9) / concurrency;
    StringBuilder counts = new StringBuilder();
    for (CheckStatus s : CheckStatus.values()) {
      counts.append(' ').append(s.text()).append('=').append(o.counts()[s.ordinal()]);
    }
    System.out.printf(Locale.ROOT, "checked %d channels (%d hanging) with concurrency %d, timeout %s in %.2f s: "
            + "%.1f checks/s;%s; floor if hangs held their slots %.2f s; classification %s%n",
        o.channels(), o.hangs(), concurrency, Durations.format(timeout), o.elapsed().toMillis() / 1000.0,
        o.checksPerSecond(), counts, floor, o.correct() ? "correct" : "WRONG");
    System.exit(o.correct() ? 0 : 1);
  }

  static Outcome run(int channels, int hangPercent, int concurrency, Duration timeout) throws Exception {
    try (FakeIptvUpstream upstream = new FakeIptvUpstream();
        HealthChecker checker = HealthChecker.create(CheckOptions.DEFAULTS.withConcurrency(concurrency).withTimeout(timeout))) {
      List<CheckTarget> targets = new ArrayList<>();
      int hangs = 0;
      int every = hangPercent <= 0 ? Integer.MAX_VALUE : 100 / hangPercent;
      for (int i = 0; i < channels; i++) {
        boolean hang = i % every == every - 1;
        hangs += hang ? 1 : 0;
        String path = hang ? "c" + i + "/hang.m3u8" : "c" + i + "/master.m3u8";
        targets.add(new CheckTarget((hang ? "hang." : "good.") + i, "Channel " + i, upstream.url(path), Map.of()));
      }
      long start = System.nanoTime();
      List<CheckResult> results = checker.checkAll(targets, null);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      boolean correct = true;
      for (CheckResult r : results) {
        CheckStatus expected = r.channelId().startsWith("hang.") ? CheckStatus.TIMEOUT : CheckStatus.ALIVE;
        if (r.status() != expected) {
          System.err.println("misclassified: " + r);
          correct = false;
        } else if (expected == CheckStatus.TIMEOUT
            && (r.latencyMs() < timeout.toMillis() - 50 || r.latencyMs() > timeout.toMillis() + 2000)) {
          // A hang must be cut at its own deadline, not earlier and not much later.
          System.err.println("timed out at the wrong time: " + r);
          correct = false;
        }
      }
      return new Outcome(channels, hangs, elapsed, HealthChecker.countByStatus(results), correct);
    }
  }
}
