package dev.kanal.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration: one record per capability, loaded as defaults, then the file
 * ({@code kanal.yaml} or {@code kanal.toml}), then {@code KANAL_*} environment variables, then flags.
 *
 * @param server the HTTP server
 * @param storage where Kanal keeps its state
 * @param library the video library
 * @param iptv the live TV catalog
 * @param ffmpeg the ffmpeg and ffprobe executables
 * @param log logging
 */
public record KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library,
    IptvConfig iptv, FfmpegConfig ffmpeg, LogConfig log) {

  /** The HTTP server. */
  public record ServerConfig(String host, int port, Duration shutdownTimeout) {}

  /** Kanal's own state: database, caches, generated media. */
  public record StorageConfig(Path dataDir) {}

  /**
   * The video library.
   *
   * @param folders folders scanned (recursively) for videos
   * @param rescanInterval how often every folder is walked again, besides file-system watching
   * @param watch whether changes are picked up at once through file-system notifications
   * @param probeConcurrency how many ffprobe processes run at the same time during a scan
   */
  public record LibraryConfig(List<Path> folders, Duration rescanInterval, boolean watch, int probeConcurrency) {
    public LibraryConfig {
      folders = List.copyOf(folders);
    }

    /** The default settings for these folders. */
    public static LibraryConfig of(List<Path> folders) {
      return new LibraryConfig(folders, Duration.ofMinutes(15), true, 2);
    }
  }

  /** The live TV catalog: playlist sources and how often to refresh them. */
  public record IptvConfig(List<SourceConfig> sources, Duration refreshInterval) {
    public IptvConfig {
      sources = List.copyOf(sources);
    }
  }

  /**
   * One playlist source.
   *
   * @param url an http(s) URL, a local file, or an {@code iptv-org:...} preset
   * @param priority higher wins when the same channel comes from several sources
   * @param headers extra HTTP headers sent to this source's hosts
   * @param throttle minimum interval between two requests to this source's hosts
   * @param enabled a disabled source is kept in the config but not fetched
   */
  public record SourceConfig(String url, int priority, Map<String, String> headers, Duration throttle,
      boolean enabled) {
    public SourceConfig {
      headers = Map.copyOf(headers);
    }

    /** A source with default settings, as written in a plain list of URLs. */
    public static SourceConfig of(String url) {
      return new SourceConfig(url, 0, Map.of(), Duration.ZERO, true);
    }
  }

  /** The ffmpeg and ffprobe executables; empty means PATH, then the bundled build. */
  public record FfmpegConfig(String ffmpegPath, String ffprobePath) {}

  /** Logging: {@code format} is auto, text or json; {@code level} is trace, debug, info, warn or error. */
  public record LogConfig(String format, String level) {}

  private static final Set<String> LOG_FORMATS = Set.of("auto", "text", "json");
  private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  /** The built-in defaults: loopback on port 8080, data in the XDG data folder. */
  public static KanalConfig defaults() {
    return new KanalConfig(
        new ServerConfig("127.0.0.1", 8080, Duration.ofSeconds(10)),
        new StorageConfig(defaultDataDir()),
        LibraryConfig.of(List.of()),
        new IptvConfig(List.of(), Duration.ofHours(6)),
        new FfmpegConfig("", ""),
        new LogConfig("auto", "info"));
  }

  /** {@code $XDG_DATA_HOME/kanal}, else {@code ~/.local/share/kanal}. */
  static Path defaultDataDir() {
    String xdg = System.getenv("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "kanal");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "kanal");
  }

  /** Checks values that the types alone do not; each problem names its key. */
  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    if (server.host() == null || server.host().isBlank()) {
      problems.add(new ConfigProblem("server.host", "must not be empty"));
    }
    if (server.port() < 0 || server.port() > 65535) {
      problems.add(new ConfigProblem("server.port", "must be between 0 and 65535, was " + server.port()));
    }
    requirePositive(problems, "server.shutdownTimeout", server.shutdownTimeout());
    if (storage.dataDir() == null || storage.dataDir().toString().isBlank()) {
      problems.add(new ConfigProblem("storage.dataDir", "must not be empty"));
    }
    requirePositive(problems, "library.rescanInterval", library.rescanInterval());
    if (library.probeConcurrency() < 1 || library.probeConcurrency() > 64) {
      problems.add(new ConfigProblem("library.probeConcurrency", "must be between 1 and 64, was " + library.probeConcurrency()));
    }
    requirePositive(problems, "iptv.refreshInterval", iptv.refreshInterval());
    for (int i = 0; i < iptv.sources().size(); i++) {
      SourceConfig source = iptv.sources().get(i);
      String key = "iptv.sources[" + i + "]";
      if (source.url() == null || source.url().isBlank()) {
        problems.add(new ConfigProblem(key + ".url", "must not be empty"));
      }
      if (source.throttle() != null && source.throttle().isNegative()) {
        problems.add(new ConfigProblem(key + ".throttle", "must not be negative"));
      }
    }
    if (!LOG_FORMATS.contains(log.format().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("log.format", "must be one of auto, text, json; was '" + log.format() + "'"));
    }
    if (!LOG_LEVELS.contains(log.level().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("log.level",
          "must be one of trace, debug, info, warn, error; was '" + log.level() + "'"));
    }
    return problems;
  }

  private static void requirePositive(List<ConfigProblem> problems, String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(new ConfigProblem(key, "must be a positive duration such as 10s"));
    }
  }
}
