package dev.kanal.hls;

import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Decides which segments of each (re)loaded media playlist are new: the live edge on the first
 * load, everything after the last queued media sequence number later, a gap when the window moved
 * past segments never seen, and a media-sequence reset when the numbers go back (an encoder restart).
 * Pure logic, no I/O: the worker feeds it playlists.
 */
final class SegmentTracker {

  /** How many recent segment paths are remembered to tell a reset's new segments from old ones. */
  private static final int RECENT = 4096;

  /**
   * A segment to fetch.
   *
   * @param segment the segment
   * @param reset whether it is the first after a media-sequence reset (a break in the timeline)
   */
  record Pick(Segment segment, boolean reset) {}

  /**
   * Skipped segments: the playlist window moved past them between two loads.
   *
   * @param firstSequence the first missing media sequence number
   * @param count how many are missing
   * @param durationSeconds their estimated duration (target duration each)
   */
  record Missed(long firstSequence, long count, BigDecimal durationSeconds) {}

  /** What one playlist load adds. */
  record Update(List<Pick> picks, Optional<Missed> missed) {}

  private final int liveEdge;
  private final boolean fromStart;
  private boolean started;
  private long lastSequence;
  private String lastPath;
  private final ArrayDeque<String> recentOrder = new ArrayDeque<>();
  private final HashSet<String> recent = new HashSet<>();

  SegmentTracker(int liveEdge, boolean fromStart) {
    this.liveEdge = liveEdge;
    this.fromStart = fromStart;
  }

  /** The segments of this playlist not queued before, in order. */
  Update update(MediaPlaylist playlist) {
    List<Segment> segments = playlist.segments();
    if (segments.isEmpty()) {
      return new Update(List.of(), Optional.empty());
    }
    List<Pick> picks = new ArrayList<>();
    Optional<Missed> missed = Optional.empty();
    if (!started) {
      boolean live = !playlist.endList();
      int start = live && !fromStart ? Math.max(0, segments.size() - liveEdge) : 0;
      for (int i = start; i < segments.size(); i++) {
        picks.add(new Pick(segments.get(i), false));
      }
      started = true;
    } else if (isReset(segments)) {
      boolean first = true;
      for (Segment s : segments) {
        if (!recent.contains(path(s.uri()))) {
          picks.add(new Pick(s, first));
          first = false;
        }
      }
    } else {
      long firstSeq = segments.getFirst().mediaSequence();
      if (firstSeq > lastSequence + 1) {
        long count = firstSeq - lastSequence - 1;
        BigDecimal target = BigDecimal.valueOf(playlist.targetDurationSeconds().orElse(0));
        missed = Optional.of(new Missed(lastSequence + 1, count, target.multiply(BigDecimal.valueOf(count))));
      }
      for (Segment s : segments) {
        if (s.mediaSequence() > lastSequence) {
          picks.add(new Pick(s, false));
        }
      }
    }
    for (Pick p : picks) {
      remember(p.segment());
    }
    return new Update(List.copyOf(picks), missed);
  }

  /** Numbers went back, or the segment with the last queued number is another file. */
  private boolean isReset(List<Segment> segments) {
    if (segments.getLast().mediaSequence() < lastSequence) {
      return true;
    }
    for (Segment s : segments) {
      if (s.mediaSequence() == lastSequence) {
        String p = path(s.uri());
        return !p.equals(lastPath) && !recent.contains(p);
      }
    }
    return false;
  }

  private void remember(Segment s) {
    lastSequence = s.mediaSequence();
    lastPath = path(s.uri());
    if (recent.add(lastPath)) {
      recentOrder.addLast(lastPath);
      if (recentOrder.size() > RECENT) {
        recent.remove(recentOrder.removeFirst());
      }
    }
  }

  /** A segment URI without its query: CDNs re-sign query tokens on every reload. */
  static String path(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }
}
