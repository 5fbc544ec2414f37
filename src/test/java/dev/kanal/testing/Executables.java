package dev.kanal.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the peer programs tests run (nginx, redis-server): the Debian path, else PATH. */
final class Executables {

  private Executables() {}

  /** {@code standard} when executable, else {@code name} on PATH; fails saying how to install it. */
  static Path find(Path standard, String name, String install) {
    if (Files.isExecutable(standard)) {
      return standard;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (!dir.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(name + " is not installed; install it with '" + install + "'");
  }
}
