package dev.kanal.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * QoE over a set of sessions, for {@code GET /api/qoe/summary}.
 *
 * @param sessions sessions counted
 * @param startupP50 median startup time of the sessions that started (nearest rank)
 * @param startupP95 95th percentile startup time (nearest rank)
 * @param stallRatio stalled time over watched time, summed over the sessions (time-weighted)
 * @param stalls stalls in all
 * @param levelSwitches level switches in all
 * @param switchesPerMinute level switches per minute watched
 * @param errors error events in all
 * @param errorRate the share of sessions with at least one error
 * @param watched watched time in all
 */
public record QoeSummary(int sessions, Optional<Duration> startupP50, Optional<Duration> startupP95,
    double stallRatio, int stalls, int levelSwitches, double switchesPerMinute, int errors, double errorRate,
    Duration watched) {

  /** The summary of {@code stats}. */
  public static QoeSummary of(Collection<QoeStats> stats) {
    List<Duration> startups = new ArrayList<>();
    long watchedMs = 0;
    long stalledMs = 0;
    int stalls = 0;
    int switches = 0;
    int errors = 0;
    int withErrors = 0;
    for (QoeStats s : stats) {
      s.startup().ifPresent(startups::add);
      long watched = s.watched().toMillis();
      watchedMs += watched;
      stalledMs += Math.min(watched, s.stalled().toMillis());
      stalls += s.stalls().count();
      switches += s.levelSwitches();
      errors += s.errors();
      withErrors += s.errors() > 0 ? 1 : 0;
    }
    startups.sort(null);
    int n = stats.size();
    return new QoeSummary(n, percentile(startups, 0.50), percentile(startups, 0.95),
        watchedMs == 0 ? 0 : (double) stalledMs / watchedMs, stalls, switches,
        watchedMs == 0 ? 0 : switches / (watchedMs / 60_000.0), errors, n == 0 ? 0 : (double) withErrors / n,
        Duration.ofMillis(watchedMs));
  }

  /** The nearest-rank percentile of sorted values: the smallest value with at least {@code p} of them at or below. */
  static Optional<Duration> percentile(List<Duration> sorted, double p) {
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    int rank = (int) Math.ceil(p * sorted.size());
    return Optional.of(sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1)));
  }
}
