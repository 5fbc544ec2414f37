package dev.kanal.media;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where packaging finds a video's source file and what ffprobe said about it; implemented by the
 * wiring over the library (media may not depend on it).
 */
@FunctionalInterface
public interface PackageSources {

  /**
   * A video as packaging needs it.
   *
   * @param videoId the video id
   * @param file the source file, resolved and checked to be inside a library folder; empty when it is gone
   * @param size its size in bytes when catalogued
   * @param modified its modification time when catalogued
   * @param fingerprint its content fingerprint
   * @param info what ffprobe said, or null while it is pending or broken
   * @param problem why it cannot be packaged (broken, not probed yet, no video), or null
   */
  record Source(String videoId, Optional<Path> file, long size, Instant modified, String fingerprint, MediaInfo info,
      String problem) {}

  /** The video with this id, if the library has it. Blocking (database, file system). */
  Optional<Source> find(String videoId) throws Exception;
}
