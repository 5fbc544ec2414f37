package dev.kanal.media;

import dev.kanal.config.KanalConfig.FfmpegConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds ffmpeg and ffprobe: the configured paths, else PATH, else the executables bundled by
 * {@code org.bytedeco:ffmpeg} for this platform, extracted once into the data dir.
 */
public final class FfmpegLocator {

  private static final Logger log = LoggerFactory.getLogger(FfmpegLocator.class);

  private FfmpegLocator() {}

  /** Locates both executables or throws {@link MediaToolException} saying what to install. */
  public static Ffmpeg locate(FfmpegConfig config, Path dataDir, String pathEnv) throws MediaToolException {
    boolean configured = !config.ffmpegPath().isBlank() || !config.ffprobePath().isBlank();
    if (configured) {
      Path ffmpeg = configuredOrPath("ffmpeg", config.ffmpegPath(), pathEnv);
      Path ffprobe = configuredOrPath("ffprobe", config.ffprobePath(), pathEnv);
      return new Ffmpeg(ffmpeg, ffprobe, "config");
    }
    Optional<Path> ffmpeg = onPath("ffmpeg", pathEnv);
    Optional<Path> ffprobe = onPath("ffprobe", pathEnv);
    if (ffmpeg.isPresent() && ffprobe.isPresent()) {
      return new Ffmpeg(ffmpeg.get(), ffprobe.get(), "PATH");
    }
    return bundled(dataDir);
  }

  /**
   * The ffprobe for scanning many files: the configured one, else the bundled build, else
   * {@code located}'s. Scans start one ffprobe per file, and start-up dominates: the bundled build
   * starts in 24 ms where Debian's ffprobe, linked against every codec and device library, needs
   * 117 ms (50 probes of a small MP4 on the 2-core test machine), so 10,000 files take 2 minutes
   * instead of 10 with two probes at a time.
   */
  public static Path ffprobeForScanning(FfmpegConfig config, Path dataDir, Ffmpeg located) {
    if (!config.ffprobePath().isBlank() || located.source().equals("bundled")) {
      return located.ffprobe();
    }
    try {
      return bundled(dataDir).ffprobe();
    } catch (MediaToolException e) {
      log.info("event=ffprobe.bundled_unavailable using={} reason=\"{}\"", located.ffprobe(), e.getMessage());
      return located.ffprobe();
    }
  }

  private static Path configuredOrPath(String name, String configured, String pathEnv) throws MediaToolException {
    if (configured.isBlank()) {
      return onPath(name, pathEnv).orElseThrow(() -> new MediaToolException(
          name + " is not on PATH; set ffmpeg." + name + "Path in the config as well"));
    }
    Path path = Path.of(configured);
    if (!Files.isExecutable(path)) {
      throw new MediaToolException("ffmpeg." + name + "Path: " + path + " is not an executable file");
    }
    return path;
  }

  static Optional<Path> onPath(String name, String pathEnv) {
    if (pathEnv == null) {
      return Optional.empty();
    }
    for (String dir : pathEnv.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Where the bundled build is extracted: {@code dataDir/ffmpeg}, unless the JVM was started with
   * {@code -Dorg.bytedeco.javacpp.cachedir}. JavaCPP fixes its cache folder at the first extraction
   * for the life of the JVM, so one JVM extracts into one folder (the test suite sets the property).
   */
  static Path bundledCache(Path dataDir) {
    String preset = System.getProperty("org.bytedeco.javacpp.cachedir");
    return preset != null && !preset.isBlank() ? Path.of(preset) : dataDir.resolve("ffmpeg");
  }

  /** Extracts the bundled executables (once; JavaCPP caches them) into {@code dataDir/ffmpeg}. */
  private static synchronized Ffmpeg bundled(Path dataDir) throws MediaToolException {
    Path cache = bundledCache(dataDir);
    try {
      Files.createDirectories(cache);
      System.setProperty("org.bytedeco.javacpp.cachedir", cache.toString());
      System.setProperty("org.bytedeco.javacpp.logger", "slf4j");
      String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
      String ffprobe = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffprobe.class);
      if (ffmpeg == null || ffprobe == null) {
        throw new MediaToolException("the bundled ffmpeg has no executable for this platform; install ffmpeg (e.g. 'apt-get install ffmpeg')");
      }
      log.info("event=ffmpeg.bundled path={}", ffmpeg);
      return new Ffmpeg(Path.of(ffmpeg), Path.of(ffprobe), "bundled");
    } catch (RuntimeException | LinkageError | java.io.IOException e) {
      throw new MediaToolException("ffmpeg is not installed and the bundled build cannot run here ("
          + e + "); install ffmpeg (e.g. 'apt-get install ffmpeg') or set ffmpeg.ffmpegPath", e);
    }
  }

  /** The first line of {@code ffmpeg -version}, e.g. "ffmpeg version 5.1.6-0+deb12u1 ...". */
  public static String version(Path executable) throws MediaToolException {
    ProcessResult result = Processes.run(List.of(executable.toString(), "-hide_banner", "-version"),
        java.time.Duration.ofSeconds(20), 64 * 1024);
    if (result.exitCode() != 0) {
      throw new MediaToolException(executable + " -version failed with exit code " + result.exitCode());
    }
    return result.output().lines().findFirst().orElse("").strip();
  }
}
