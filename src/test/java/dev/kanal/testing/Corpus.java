package dev.kanal.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared real-world playlist corpus, at {@code ../shared/corpus} beside the repository. */
public final class Corpus {

  private Corpus() {}

  /** The corpus root; tests fail loudly when it is missing rather than pass on nothing. */
  public static Path root() {
    Path root = Path.of(System.getProperty("kanal.corpus", "../shared/corpus")).toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("playlist corpus not found at " + root);
    }
    return root;
  }

  /** A file of the corpus by its relative path, e.g. {@code iptv-org/cn.m3u}. */
  public static Path file(String relative) {
    Path file = root().resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("corpus file not found: " + file);
    }
    return file;
  }
}
