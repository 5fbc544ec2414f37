package dev.kanal.relay;

import dev.kanal.playlist.HlsHeader;
import dev.kanal.playlist.HlsWriter;
import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.math.RoundingMode;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The relay's own media playlist of one channel variant (or rendition): upstream segments mapped to
 * relay media sequence numbers that only go up, whichever source they come from. While the same
 * upstream playlist keeps going, new segments are appended in order (relay numbers start equal to
 * the upstream's). When the source changes (failover), the upstream playlist URL changes, or the
 * upstream numbering goes back (an encoder restart), the live edge of the new playlist (its last
 * {@value #LIVE_EDGE} segments) is appended after an EXT-X-DISCONTINUITY; segments skipped unseen
 * also get one. The window keeps as many segments as the latest upstream playlist lists (at least
 * {@value #LIVE_EDGE}); EXT-X-DISCONTINUITY-SEQUENCE counts the discontinuities that slid out
 * (RFC 8216bis 6.2.2), and EXT-X-TARGETDURATION never decreases.
 *
 * <p>Not thread-safe: the relay touches it only on its own context.
 */
final class MediaView {

  /** Segments taken from a new upstream playlist after a switch: the live edge players start at. */
  static final int LIVE_EDGE = 3;

  private record Entry(Segment segment, long sourceId, String playlistUrl, long upstreamSequence, String upstreamKey) {}

  private final ArrayDeque<Entry> window = new ArrayDeque<>();
  private boolean started;
  private long nextSequence;
  private long discontinuitySequence;
  private long lastSourceId;
  private String lastPlaylistUrl;
  private long lastUpstreamSequence;
  private String lastUpstreamKey;
  private long targetDuration;
  private int upstreamVersion;
  private boolean independent;
  private boolean endList;
  private boolean iFramesOnly;
  private String rendered;
  /** The last upstream playlist merged, so the same fetched copy is not merged twice. */
  private Object lastMerged;

  /**
   * Merges one upstream media playlist.
   *
   * @param fetched identifies the fetched copy: merging the same object again changes nothing
   * @return whether the relay playlist changed
   */
  boolean merge(Object fetched, long sourceId, URI playlistUrl, MediaPlaylist p, PlaylistRewriter rewriter) {
    if (fetched == lastMerged) {
      return false;
    }
    lastMerged = fetched;
    List<Segment> upstream = p.segments();
    targetDuration = Math.max(targetDuration, p.targetDurationSeconds().orElse(0));
    upstreamVersion = Math.max(upstreamVersion, p.header().version().orElse(0));
    independent = p.header().independentSegments();
    iFramesOnly = p.iFramesOnly();
    if (upstream.isEmpty()) {
      return false;
    }
    String url = playlistUrl.toString();
    Segment last = upstream.getLast();
    List<Segment> fresh;
    boolean discontinuity = false;
    if (!started) {
      fresh = upstream;
      nextSequence = upstream.getFirst().mediaSequence();
      discontinuitySequence = p.discontinuitySequence();
      started = true;
    } else if (sourceId == lastSourceId && url.equals(lastPlaylistUrl)
        && !(last.mediaSequence() < lastUpstreamSequence && !seen(sourceId, url, last))
        && !(last.mediaSequence() == lastUpstreamSequence && !key(last).equals(lastUpstreamKey))) {
      if (last.mediaSequence() <= lastUpstreamSequence) {
        endList = p.endList();
        return false; // nothing new, or an older copy from a lagging CDN edge
      }
      fresh = upstream.stream().filter(s -> s.mediaSequence() > lastUpstreamSequence).toList();
      discontinuity = fresh.getFirst().mediaSequence() > lastUpstreamSequence + 1;
    } else {
      fresh = upstream.subList(Math.max(0, upstream.size() - LIVE_EDGE), upstream.size());
      discontinuity = true;
    }
    for (Segment s : fresh) {
      try {
        Segment relayed = rewriter.segment(s, nextSequence, s.discontinuity() || discontinuity);
        window.addLast(new Entry(relayed, sourceId, url, s.mediaSequence(), key(s)));
        nextSequence++;
        discontinuity = false;
      } catch (PlaylistRewriter.UnrelayableException e) {
        discontinuity = true; // left out: the next one follows a gap
      }
    }
    lastSourceId = sourceId;
    lastPlaylistUrl = url;
    lastUpstreamSequence = last.mediaSequence();
    lastUpstreamKey = key(last);
    endList = p.endList();
    int limit = Math.max(upstream.size(), LIVE_EDGE);
    while (window.size() > limit) {
      if (window.pollFirst().segment().discontinuity()) {
        discontinuitySequence++;
      }
    }
    rendered = null;
    return true;
  }

  private boolean seen(long sourceId, String url, Segment s) {
    String k = key(s);
    for (Entry e : window) {
      if (e.sourceId() == sourceId && e.playlistUrl().equals(url) && e.upstreamSequence() == s.mediaSequence()
          && e.upstreamKey().equals(k)) {
        return true;
      }
    }
    return false;
  }

  /** A segment's URI without its query: CDNs re-sign query tokens on every reload. */
  private static String key(Segment s) {
    String u = s.uri();
    int q = u.indexOf('?');
    return q < 0 ? u : u.substring(0, q);
  }

  /** Whether no segment has been merged yet. */
  boolean isEmpty() {
    return window.isEmpty();
  }

  /** The target duration in seconds (at least 1). */
  long targetDurationSeconds() {
    return Math.max(1, targetDuration);
  }

  /** The relay media sequence number of the first segment in the window. */
  long mediaSequence() {
    return window.isEmpty() ? nextSequence : window.getFirst().segment().mediaSequence();
  }

  /** The segments of the window, relayed. */
  List<Segment> segments() {
    return window.stream().map(Entry::segment).toList();
  }

  /** The relay's media playlist as text. */
  String render() {
    if (rendered != null) {
      return rendered;
    }
    List<Segment> segments = segments();
    long td = targetDuration;
    int version = Math.max(3, upstreamVersion);
    for (Segment s : segments) {
      td = Math.max(td, s.durationSeconds().setScale(0, RoundingMode.HALF_UP).longValue());
      if (s.byteRange().isPresent()) {
        version = Math.max(version, 4);
      }
      if (s.map().isPresent()) {
        version = Math.max(version, 6);
      }
    }
    targetDuration = Math.max(targetDuration, td);
    HlsHeader header = new HlsHeader(OptionalInt.of(version), independent, Optional.empty(), List.of());
    MediaPlaylist out = new MediaPlaylist(header, OptionalLong.of(Math.max(1, targetDuration)), mediaSequence(),
        discontinuitySequence, Optional.empty(), endList, iFramesOnly, MediaPlaylist.LowLatency.NONE,
        new ArrayList<>(segments), List.of(), List.of());
    rendered = HlsWriter.toString(out);
    return rendered;
  }
}
