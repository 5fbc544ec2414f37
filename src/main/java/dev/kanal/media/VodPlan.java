package dev.kanal.media;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The segments of an on-demand HLS stream, fixed before any of them is made so the media playlist
 * is a complete VOD playlist from the first request. Times are microseconds of playlist time: 0 is
 * the first segment's start, and segment N starts at the sum of the durations before it, which is
 * also the presentation time its first frame carries.
 *
 * @param starts each segment's start in playlist time, ascending, the first 0
 * @param endMicros the end of the last segment in playlist time
 * @param originMicros the source time (its own timeline) at playlist time 0
 * @param sourceStartMicros the container's start time, which ffmpeg's {@code -ss} counts from
 */
public record VodPlan(long[] starts, long endMicros, long originMicros, long sourceStartMicros) {

  /**
   * Cuts at key frames (for streams that are copied): a segment ends at the first key frame at least
   * {@code segmentMicros} after its start, so segments are as long as the grid or a little longer.
   */
  public static VodPlan keyframes(KeyframeIndex index, long segmentMicros) {
    long[] keys = index.keyframes();
    long origin = keys[0];
    long end = Math.max(index.endMicros() - origin, 1);
    List<Long> starts = new ArrayList<>();
    starts.add(0L);
    long current = 0;
    for (long k : keys) {
      long t = k - origin;
      // A last segment shorter than a quarter of the grid is folded into the one before.
      if (t - current >= segmentMicros && end - t >= segmentMicros / 4) {
        starts.add(t);
        current = t;
      }
    }
    return new VodPlan(starts.stream().mapToLong(Long::longValue).toArray(), end, origin, index.startMicros());
  }

  /** A fixed grid (for re-encoded video, whose key frames are forced at the boundaries). */
  public static VodPlan grid(long durationMicros, long segmentMicros, long sourceStartMicros) {
    int n = (int) Math.max(1, (durationMicros + segmentMicros - 1) / segmentMicros);
    // A last sliver shorter than a quarter of the grid is folded into the segment before it.
    if (n > 1 && durationMicros - (n - 1) * segmentMicros < segmentMicros / 4) {
      n--;
    }
    long[] starts = new long[n];
    for (int i = 0; i < n; i++) {
      starts[i] = i * segmentMicros;
    }
    return new VodPlan(starts, durationMicros, sourceStartMicros, sourceStartMicros);
  }

  /** How many segments. */
  public int size() {
    return starts.length;
  }

  /** Segment {@code n}'s start in playlist time. */
  public long start(int n) {
    return starts[n];
  }

  /** Segment {@code n}'s end in playlist time. */
  public long end(int n) {
    return n + 1 < starts.length ? starts[n + 1] : endMicros;
  }

  /** Segment {@code n}'s duration. */
  public long duration(int n) {
    return end(n) - start(n);
  }

  /** EXT-X-TARGETDURATION: every EXTINF rounded to the nearest integer is at most this (RFC 8216 4.3.3.1). */
  public int targetDuration() {
    long max = 0;
    for (int i = 0; i < starts.length; i++) {
      max = Math.max(max, duration(i));
    }
    return Math.max(1, seconds(max).setScale(0, RoundingMode.HALF_UP).intValueExact());
  }

  /** The largest segment duration in seconds. */
  public double maxSegmentSeconds() {
    long max = 0;
    for (int i = 0; i < starts.length; i++) {
      max = Math.max(max, duration(i));
    }
    return max / 1e6;
  }

  /** The segment that contains playlist time {@code micros} (the last one for times past the end). */
  public int segmentAt(long micros) {
    int lo = 0;
    int hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= micros) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * The complete VOD media playlist (RFC 8216 4.3.3: EXT-X-PLAYLIST-TYPE:VOD and EXT-X-ENDLIST from
   * the start), segment N as {@code N.ts} relative to the playlist.
   */
  public String mediaPlaylist() {
    StringBuilder b = new StringBuilder(64 + starts.length * 24);
    b.append("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:").append(targetDuration())
        .append("\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    for (int i = 0; i < starts.length; i++) {
      b.append("#EXTINF:").append(seconds(duration(i)).toPlainString()).append(",\n").append(i).append(".ts\n");
    }
    return b.append("#EXT-X-ENDLIST\n").toString();
  }

  /** Microseconds as seconds with six decimals. */
  static BigDecimal seconds(long micros) {
    return BigDecimal.valueOf(micros, 6);
  }
}
