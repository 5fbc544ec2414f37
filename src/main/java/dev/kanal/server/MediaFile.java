package dev.kanal.server;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One servable media file as the catalog knows it. The server re-reads size and modification time
 * from the file system on every request (as nginx does), so a file changed since the last scan is
 * still served with a correct length and fresh validators.
 *
 * @param path the file on disk; never shown to clients
 * @param size the size in bytes, as catalogued
 * @param lastModified the modification time, as catalogued
 * @param contentType the media type sent as {@code Content-Type} (RFC 9110 section 8.3), e.g. {@code video/mp4}
 * @param fileName the original base name, sent in {@code Content-Disposition} on {@code ?download=1} (RFC 6266)
 */
public record MediaFile(Path path, long size, Instant lastModified, String contentType, String fileName) {

  /** Checks that every component is present and the size is not negative. */
  public MediaFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(lastModified, "lastModified");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(fileName, "fileName");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    if (contentType.isBlank()) {
      throw new IllegalArgumentException("contentType must not be blank");
    }
  }
}
