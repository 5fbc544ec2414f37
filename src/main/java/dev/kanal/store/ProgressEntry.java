package dev.kanal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one device of one user got to in one video.
 *
 * @param videoId the video (a library id, or any id when no library is configured)
 * @param deviceId the device that reported it
 * @param position how far into the video, from its start
 * @param duration the video's length as the player knows it
 * @param updatedAt when the device saw this position (its own clock, never later than {@code receivedAt});
 *     the newest {@code updatedAt} wins, so a device that was offline cannot overwrite a newer position
 * @param receivedAt when the server received it; breaks ties between equal {@code updatedAt}
 */
public record ProgressEntry(String videoId, String deviceId, Duration position, Duration duration,
    Instant updatedAt, Instant receivedAt) {

  /** Videos this close to the end count as watched: less than a minute left (the credits) ... */
  static final Duration FINISHED_REMAINING = Duration.ofSeconds(60);
  /** ... when the video is long enough to have credits (a 20 s clip stopped at 11 s is not watched) ... */
  static final Duration CREDITS_AFTER = Duration.ofMinutes(10);
  /** ... or more than 95 % seen. */
  static final double FINISHED_SHARE = 0.95;

  public ProgressEntry {
    Objects.requireNonNull(videoId, "videoId");
    Objects.requireNonNull(deviceId, "deviceId");
    if (position.isNegative() || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("position must be >= 0 and duration > 0");
    }
    if (position.compareTo(duration) > 0) {
      position = duration;
    }
    updatedAt = updatedAt.isAfter(receivedAt) ? receivedAt : updatedAt;
  }

  /** Whether the video counts as watched: more than 95 % seen, or less than 60 s left of 10 minutes or more. */
  public boolean finished() {
    return position.toMillis() > duration.toMillis() * FINISHED_SHARE
        || (duration.compareTo(CREDITS_AFTER) >= 0 && duration.minus(position).compareTo(FINISHED_REMAINING) < 0);
  }

  /** What is left to watch. */
  public Duration remaining() {
    return duration.minus(position);
  }
}
