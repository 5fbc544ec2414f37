package dev.kanal.library;

import dev.kanal.media.MediaInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * A catalogued video.
 *
 * @param id the stable id (derived from the content fingerprint the first time the file was seen)
 * @param path the file on disk; never shown to clients
 * @param root the library folder it was found under
 * @param collection the folder it is in, relative to {@code root} with "/" separators ("" at the top)
 * @param fileName the base name
 * @param title the title, cleaned from the file name
 * @param contentType its media type, from the extension
 * @param size its size in bytes
 * @param modified its modification time
 * @param fingerprint the content fingerprint ({@link Fingerprint})
 * @param added when it was first catalogued
 * @param status whether it was probed, and how that went
 * @param reason why it is broken, or null
 * @param info what ffprobe said, or null while pending or when broken
 */
public record Video(String id, Path path, Path root, String collection, String fileName, String title,
    String contentType, long size, Instant modified, String fingerprint, Instant added, Status status,
    String reason, MediaInfo info) {

  /** Probe state. */
  public enum Status {
    /** Found, not probed yet. */
    PENDING,
    /** Probed: a playable video or audio file. */
    OK,
    /** Not playable; {@link Video#reason} says why. */
    BROKEN;

    /** The lower-case name used in JSON and the database. */
    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Video {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(status, "status");
  }

  /** This video with a probe outcome. */
  Video probed(Status newStatus, String newReason, MediaInfo newInfo) {
    return new Video(id, path, root, collection, fileName, title, contentType, size, modified, fingerprint, added,
        newStatus, newReason, newInfo);
  }

  /** Duration in seconds, or null. */
  public Double duration() {
    return info == null ? null : info.duration();
  }
}
