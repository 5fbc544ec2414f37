package dev.kanal.library;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Which file names are videos, and the media type each is served with. */
final class VideoTypes {

  /** Extension (lower case, no dot) to media type; what browsers and players expect (nginx mime.types where it has one). */
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("mp4", "video/mp4"),
      Map.entry("m4v", "video/mp4"),
      Map.entry("mkv", "video/x-matroska"),
      Map.entry("webm", "video/webm"),
      Map.entry("mov", "video/quicktime"),
      Map.entry("ts", "video/mp2t"),
      Map.entry("m2ts", "video/mp2t"),
      Map.entry("mts", "video/mp2t"),
      Map.entry("avi", "video/x-msvideo"),
      Map.entry("wmv", "video/x-ms-wmv"),
      Map.entry("asf", "video/x-ms-asf"),
      Map.entry("flv", "video/x-flv"),
      Map.entry("mpg", "video/mpeg"),
      Map.entry("mpeg", "video/mpeg"),
      Map.entry("ogv", "video/ogg"),
      Map.entry("3gp", "video/3gpp"));

  private VideoTypes() {}

  /** The media type of a video file name, or empty when the name is not a video (or a hidden file). */
  static Optional<String> of(String fileName) {
    if (fileName.startsWith(".")) {
      return Optional.empty();
    }
    int dot = fileName.lastIndexOf('.');
    if (dot <= 0 || dot == fileName.length() - 1) {
      return Optional.empty();
    }
    return Optional.ofNullable(TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }
}
