package dev.kanal.testing;

import dev.kanal.server.MediaFile;
import dev.kanal.server.MediaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A {@link MediaFiles} over a fixed map of ids to files, standing in for the library in server tests. */
public final class TestMediaFiles implements MediaFiles {

  private final Map<String, Path> files;

  private TestMediaFiles(Map<String, Path> files) {
    this.files = Map.copyOf(files);
  }

  /** Serves each file under its id. */
  public static TestMediaFiles of(Map<String, Path> files) {
    return new TestMediaFiles(files);
  }

  /** Serves every regular file in {@code dir} under its name without extension (other characters as {@code -}). */
  public static TestMediaFiles folder(Path dir) throws IOException {
    Map<String, Path> files = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(Files::isRegularFile).sorted().forEach(p -> {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        files.put((dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_-]", "-"), p);
      });
    }
    return new TestMediaFiles(files);
  }

  /** The ids served, with their files. */
  public Map<String, Path> files() {
    return files;
  }

  @Override
  public Optional<MediaFile> find(String id) {
    Path path = files.get(id);
    if (path == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new MediaFile(path, Files.size(path), Files.getLastModifiedTime(path).toInstant(),
          contentType(path), path.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The media type for a file name, as the nginx fixture's {@code types} block maps it. */
  public static String contentType(Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "mp4", "m4v" -> "video/mp4";
      case "mkv" -> "video/x-matroska";
      case "webm" -> "video/webm";
      case "ts" -> "video/mp2t";
      case "txt" -> "text/plain";
      default -> "application/octet-stream";
    };
  }
}
