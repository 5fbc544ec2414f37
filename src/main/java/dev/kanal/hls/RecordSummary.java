package dev.kanal.hls;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a recording produced: counts, the gaps (segments that could not be fetched, never skipped
 * silently) and the discontinuities, with where they are in the output.
 *
 * @param variant the media playlist that was recorded
 * @param live whether the playlist was live (no EXT-X-ENDLIST when the recording started)
 * @param segments how many segments were written (main track)
 * @param bytes how many bytes of segments were written (all tracks, after decryption)
 * @param recordedSeconds the sum of the EXTINF durations written (main track)
 * @param gaps the segments that were left out, with their durations
 * @param discontinuities where the output's timeline breaks
 * @param outputs the files written (several with --split-on-discontinuity; none for stdout or a stream)
 * @param stopReason why the recording ended early, if it did (duration reached, stopped, playlist failing)
 */
public record RecordSummary(String variant, boolean live, long segments, long bytes, BigDecimal recordedSeconds,
    List<Gap> gaps, List<Discontinuity> discontinuities, List<Path> outputs, Optional<String> stopReason) {

  /** Copies the lists. */
  public RecordSummary {
    Objects.requireNonNull(variant, "variant");
    gaps = List.copyOf(gaps);
    discontinuities = List.copyOf(discontinuities);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(stopReason, "stopReason");
  }

  /** The total duration of the gaps in seconds. */
  public BigDecimal gapSeconds() {
    return gaps.stream().map(Gap::durationSeconds).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /**
   * Segments that are missing from the output.
   *
   * @param track "video" for the main variant, "audio" for an alternative audio rendition
   * @param mediaSequence the media sequence number of the first missing segment
   * @param count how many consecutive segments are missing
   * @param durationSeconds their duration (EXTINF, or target duration per segment when unknown)
   * @param reason why: the last error, or "fell behind the live window"
   */
  public record Gap(String track, long mediaSequence, long count, BigDecimal durationSeconds, String reason) {}

  /**
   * A break in the timeline.
   *
   * @param track "video" or "audio"
   * @param mediaSequence the media sequence number of the first segment after it
   * @param byteOffset where that segment starts in the track's output (TS output: the file offset)
   * @param reason "EXT-X-DISCONTINUITY" or "media sequence reset"
   */
  public record Discontinuity(String track, long mediaSequence, long byteOffset, String reason) {}
}
