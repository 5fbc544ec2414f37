package dev.kanal.media;

import java.util.Optional;

/**
 * The state of one video's packaging.
 *
 * @param videoId the video
 * @param state {@code none}, {@code queued}, {@code running}, {@code published}, {@code failed} or {@code cancelled}
 * @param progress 0 to 100
 * @param error for {@code failed}: why, with ffmpeg's last stderr lines
 */
public record PackageStatus(String videoId, String state, double progress, Optional<String> error) {

  /** Never packaged. */
  public static PackageStatus none(String videoId) {
    return new PackageStatus(videoId, "none", 0, Optional.empty());
  }
}
