package dev.kanal.hls;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.OptionalLong;

/** Progress of a recording, delivered to a {@link RecordListener} from the recording's threads. */
public sealed interface RecordEvent {

  /**
   * The media playlist was chosen and loaded.
   *
   * @param variant its URL
   * @param quality the name of the chosen variant (720p, 3000k) or "media" for a media playlist URL
   * @param live whether it is live
   * @param totalSegments how many segments a VOD recording will write
   * @param audio the URL of the alternative audio rendition also recorded, or empty
   */
  record Started(String variant, String quality, boolean live, OptionalLong totalSegments, String audio)
      implements RecordEvent {}

  /**
   * A segment was written.
   *
   * @param track "video" or "audio"
   * @param mediaSequence its media sequence number
   * @param bytes its size after decryption
   * @param segments segments written so far (this track)
   * @param totalBytes bytes written so far (all tracks)
   * @param recordedSeconds media time written so far (this track)
   */
  record Segment(String track, long mediaSequence, long bytes, long segments, long totalBytes,
      BigDecimal recordedSeconds) implements RecordEvent {}

  /** Segments were left out. */
  record GapFound(RecordSummary.Gap gap) implements RecordEvent {}

  /** The timeline breaks here. */
  record DiscontinuityFound(RecordSummary.Discontinuity discontinuity) implements RecordEvent {}

  /**
   * A live playlist reload failed; the recording goes on until it has failed for the error window.
   *
   * @param message the error
   * @param failingFor how long reloads have been failing
   */
  record PlaylistError(String message, Duration failingFor) implements RecordEvent {}

  /** The recording ended (also after a failure: the summary says what was written). */
  record Finished(RecordSummary summary) implements RecordEvent {}
}
