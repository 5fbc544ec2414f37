package dev.kanal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the server derived from one session's player events. Times from events are on the player's
 * clock and only ever subtracted from each other, so a player whose clock is off still gets right
 * durations.
 *
 * @param sessionId the session
 * @param userId whose playback it is
 * @param kind what is watched
 * @param targetId the video or channel id
 * @param clientStartedAt when the player started (its clock)
 * @param lastSeen when the server last received events (or created the session), server clock
 * @param startup first frame minus start, from the first {@code startup} event
 * @param firstFrameAt the {@code startup} event's time: watched time counts from here
 * @param lastEventAt the latest event time seen: watched time counts to here
 * @param stalls the stalls
 * @param levelSwitches {@code level_switch} events
 * @param errors {@code error} events
 * @param seeks {@code seek} events
 * @param ended whether an {@code ended} event came (or the session was deleted); later events are ignored
 */
public record QoeStats(String sessionId, String userId, PlaybackSession.Kind kind, String targetId,
    Instant clientStartedAt, Instant lastSeen, Optional<Duration> startup, Optional<Instant> firstFrameAt,
    Optional<Instant> lastEventAt, Stalls stalls, int levelSwitches, int errors, int seeks, boolean ended) {

  /** A startup longer than this (or negative: clocks disagree) is not recorded as a startup time. */
  static final Duration MAX_STARTUP = Duration.ofMinutes(10);

  /**
   * The stalls of a session.
   *
   * @param count {@code stall_start} events that began a stall
   * @param total time spent in stalls that ended
   * @param openSince the start of a stall still going on
   */
  public record Stalls(int count, Duration total, Optional<Instant> openSince) {
    static final Stalls NONE = new Stalls(0, Duration.ZERO, Optional.empty());
  }

  public QoeStats {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(stalls, "stalls");
  }

  /** The stats of a session that has just started. */
  public static QoeStats start(PlaybackSession.Start start, Instant now) {
    return new QoeStats(start.id(), start.userId(), start.kind(), start.targetId(), start.clientStartedAt(), now,
        Optional.empty(), Optional.empty(), Optional.empty(), Stalls.NONE, 0, 0, 0, false);
  }

  /** Time from the first frame to the last event, stalls included; zero before the first frame. */
  public Duration watched() {
    if (firstFrameAt.isEmpty() || lastEventAt.isEmpty() || lastEventAt.get().isBefore(firstFrameAt.get())) {
      return Duration.ZERO;
    }
    return Duration.between(firstFrameAt.get(), lastEventAt.get());
  }

  /** Time spent stalled, a stall still going on counted up to the last event. */
  public Duration stalled() {
    Duration open = stalls.openSince()
        .flatMap(since -> lastEventAt.filter(last -> !last.isBefore(since)).map(last -> Duration.between(since, last)))
        .orElse(Duration.ZERO);
    return stalls.total().plus(open);
  }

  /** Stalled time over watched time (0 to 1), empty before anything was watched. */
  public OptionalDouble stallRatio() {
    long watched = watched().toMillis();
    if (watched <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(Math.min(1.0, (double) stalled().toMillis() / watched));
  }

  /**
   * A session's stats with {@code events} applied, in the order of their times.
   *
   * @param stats the new stats
   * @param delta what changed, for metrics
   */
  public record Applied(QoeStats stats, QoeDelta delta) {}

  /** Applies {@code events} (received at {@code now}). */
  public Applied apply(List<QoeEvent> events, Instant now) {
    List<QoeEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(QoeEvent::at));
    Optional<Duration> startup = this.startup;
    Optional<Instant> firstFrame = this.firstFrameAt;
    Optional<Instant> last = this.lastEventAt;
    int stallCount = stalls.count();
    Duration stallTotal = stalls.total();
    Optional<Instant> open = stalls.openSince();
    int switches = levelSwitches;
    int errorCount = errors;
    int seekCount = seeks;
    boolean done = ended;
    Optional<Duration> newStartup = Optional.empty();
    int newStalls = 0;
    int newSwitches = 0;
    List<String> newErrors = new ArrayList<>();
    int ignored = 0;
    for (QoeEvent e : sorted) {
      if (done) {
        ignored++;
        continue;
      }
      Instant at = e.at();
      if (last.isEmpty() || at.isAfter(last.get())) {
        last = Optional.of(at);
      }
      switch (e.type()) {
        case STARTUP -> {
          if (firstFrame.isPresent()) {
            ignored++;
          } else {
            firstFrame = Optional.of(at);
            Duration d = Duration.between(clientStartedAt, at);
            if (!d.isNegative() && d.compareTo(MAX_STARTUP) <= 0) {
              startup = Optional.of(d);
              newStartup = startup;
            }
          }
        }
        case STALL_START -> {
          if (open.isPresent()) {
            ignored++;
          } else {
            open = Optional.of(at);
            stallCount++;
            newStalls++;
          }
        }
        case STALL_END -> {
          if (open.isEmpty() || at.isBefore(open.get())) {
            ignored++;
          } else {
            stallTotal = stallTotal.plus(Duration.between(open.get(), at));
            open = Optional.empty();
          }
        }
        case LEVEL_SWITCH -> {
          switches++;
          newSwitches++;
        }
        case ERROR -> {
          errorCount++;
          newErrors.add(e.detail());
        }
        case SEEK -> seekCount++;
        case ENDED -> {
          if (open.isPresent() && !at.isBefore(open.get())) {
            stallTotal = stallTotal.plus(Duration.between(open.get(), at));
          }
          open = Optional.empty();
          done = true;
        }
      }
    }
    QoeStats next = new QoeStats(sessionId, userId, kind, targetId, clientStartedAt, now, startup, firstFrame, last,
        new Stalls(stallCount, stallTotal, open), switches, errorCount, seekCount, done);
    OptionalDouble ratio = done && !ended ? next.stallRatio() : OptionalDouble.empty();
    return new Applied(next, new QoeDelta(newStartup, newStalls, newSwitches, newErrors, ratio, ignored));
  }

  /**
   * Ends the session without an {@code ended} event (it was deleted): a stall still going on ends at
   * the last event.
   */
  public Applied finish(Instant now) {
    if (ended) {
      return new Applied(this, new QoeDelta(Optional.empty(), 0, 0, List.of(), OptionalDouble.empty(), 0));
    }
    Duration total = stalled();
    QoeStats next = new QoeStats(sessionId, userId, kind, targetId, clientStartedAt, now, startup, firstFrameAt,
        lastEventAt, new Stalls(stalls.count(), total, Optional.empty()), levelSwitches, errors, seeks, true);
    return new Applied(next, new QoeDelta(Optional.empty(), 0, 0, List.of(), next.stallRatio(), 0));
  }
}
