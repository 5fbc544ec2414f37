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
 * @param relay the live relay that re-serves the catalog's streams
 * @param store where playback state lives: the embedded database, or Redis shared by several nodes
 * @param playback resume positions, playback sessions and player analytics (QoE)
 * @param vod VOD HLS: on-demand remux/transcode and packaging into an ABR ladder
 * @param discovery LAN discovery: mDNS/DNS-SD and SSDP announcements, and the list of what answers
 * @param ffmpeg the ffmpeg and ffprobe executables
 * @param log logging
 */
public record KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library,
    IptvConfig iptv, RelayConfig relay, StoreConfig store, PlaybackConfig playback, VodConfig vod,
    DiscoveryConfig discovery, FfmpegConfig ffmpeg, LogConfig log) {

  /** A config with the default LAN discovery settings. */
  public KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library, IptvConfig iptv,
      RelayConfig relay, StoreConfig store, PlaybackConfig playback, VodConfig vod, FfmpegConfig ffmpeg,
      LogConfig log) {
    this(server, storage, library, iptv, relay, store, playback, vod, DiscoveryConfig.defaults(), ffmpeg, log);
  }

  /** A config with the default VOD HLS settings. */
  public KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library, IptvConfig iptv,
      RelayConfig relay, StoreConfig store, PlaybackConfig playback, FfmpegConfig ffmpeg, LogConfig log) {
    this(server, storage, library, iptv, relay, store, playback, VodConfig.defaults(), ffmpeg, log);
  }

  /** A config with the default store, playback and VOD settings. */
  public KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library, IptvConfig iptv,
      RelayConfig relay, FfmpegConfig ffmpeg, LogConfig log) {
    this(server, storage, library, iptv, relay, StoreConfig.defaults(), PlaybackConfig.defaults(), ffmpeg, log);
  }

  /** This config with another library section. */
  public KanalConfig withLibrary(LibraryConfig library) {
    return new KanalConfig(server, storage, library, iptv, relay, store, playback, vod, discovery, ffmpeg, log);
  }

  /** This config with another live TV section. */
  public KanalConfig withIptv(IptvConfig iptv) {
    return new KanalConfig(server, storage, library, iptv, relay, store, playback, vod, discovery, ffmpeg, log);
  }

  /** This config with another VOD HLS section. */
  public KanalConfig withVod(VodConfig vod) {
    return new KanalConfig(server, storage, library, iptv, relay, store, playback, vod, discovery, ffmpeg, log);
  }

  /** This config with another LAN discovery section. */
  public KanalConfig withDiscovery(DiscoveryConfig discovery) {
    return new KanalConfig(server, storage, library, iptv, relay, store, playback, vod, discovery, ffmpeg, log);
  }

  /**
   * LAN discovery (issue #11): DNS-SD over mDNS ({@code _kanal._tcp}, {@code _http._tcp}), SSDP (UPnP
   * MediaServer, as HDHomeRun emulators announce themselves) and the list of what answers.
   *
   * @param mdns {@code auto} (on when the server listens on a LAN address, off on loopback), {@code on} or {@code off}
   * @param ssdp {@code auto}, {@code on} or {@code off}, as for mdns
   * @param interfaces network interfaces (names such as {@code eth0}, or IPv4 addresses) to announce and
   *     browse on; empty: every interface that is up and multicast-capable, loopback excepted; {@code all}:
   *     loopback too
   * @param friendlyName the name shown by other devices (DNS-SD instance name, UPnP friendlyName)
   * @param notifyInterval how often SSDP {@code NOTIFY ssdp:alive} is sent (and the LAN searched again)
   */
  public record DiscoveryConfig(String mdns, String ssdp, List<String> interfaces, String friendlyName,
      Duration notifyInterval) {
    public DiscoveryConfig {
      interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
    }

    /** The defaults: automatic, every LAN interface, "Kanal", NOTIFY every 300 s. */
    public static DiscoveryConfig defaults() {
      return new DiscoveryConfig("auto", "auto", List.of(), "Kanal", Duration.ofSeconds(300));
    }
  }

  /** The values of {@code discovery.mdns} and {@code discovery.ssdp}. */
  public static final Set<String> DISCOVERY_MODES = Set.of("auto", "on", "off");

  /**
   * VOD HLS: the on-demand path (remux or transcode per segment) and full packaging (ABR ladder).
   *
   * @param segmentDuration the fixed segment grid of the transcode path (the remux path follows the
   *     source's key frames, at least this long)
   * @param cacheSize on-demand segments kept on disk ({@code dataDir/cache/vod}), least recently used first out
   * @param runAhead segments an on-demand ffmpeg produces ahead of the newest request before it pauses
   * @param encoder the H.264 encoder: {@code software} (libx264), {@code vaapi}, {@code nvenc}, {@code qsv},
   *     {@code videotoolbox}; a hardware encoder that fails falls back to software
   * @param corsOrigins origins allowed to read the API and media routes from other sites; {@code *} for any
   * @param packaging full packaging into an ABR ladder
   */
  public record VodConfig(Duration segmentDuration, ByteSize cacheSize, int runAhead, String encoder,
      List<String> corsOrigins, PackagingConfig packaging) {
    /** The defaults: 6 s segments, 10 GiB cache, 3 segments ahead, software encoding, no CORS. */
    public static VodConfig defaults() {
      return new VodConfig(Duration.ofSeconds(6), ByteSize.parse("10GiB"), 3, "software", List.of(),
          PackagingConfig.defaults());
    }
  }

  /**
   * Full packaging: the ABR ladder and its job queue.
   *
   * @param ladder the rungs, highest first; rungs above the source's height are left out (never upscaled)
   * @param format {@code auto} (TS for H.264 sources, fMP4 for HEVC and HDR), {@code ts} or {@code fmp4}
   * @param concurrency packaging jobs at once (on this node)
   * @param worker whether this node runs packaging jobs; with {@code store.redis.url} set, jobs go through a
   *     Redis Stream that every worker node takes jobs from, and a node with {@code worker: false} only queues them
   * @param lease with Redis: how long a job stays with a worker that stopped renewing it (a dead node)
   *     before another worker takes it over
   * @param output where packages are published; empty: {@code dataDir/packages}. Nodes sharing Redis must
   *     share this folder (and the media folders)
   */
  public record PackagingConfig(List<RungConfig> ladder, String format, int concurrency, boolean worker,
      Duration lease, Path output) {

    /** Packaging on this node, with the default lease and output folder. */
    public PackagingConfig(List<RungConfig> ladder, String format, int concurrency) {
      this(ladder, format, concurrency, true, Duration.ofSeconds(60), Path.of(""));
    }

    /** 1080p 6 Mbps, 720p 3 Mbps, 480p 1.5 Mbps; automatic format; one job at a time; a worker; 60 s lease. */
    public static PackagingConfig defaults() {
      return new PackagingConfig(List.of(new RungConfig(1080, 6000, 128), new RungConfig(720, 3000, 128),
          new RungConfig(480, 1500, 96)), "auto", 1);
    }
  }

  /**
   * One rung of the ladder.
   *
   * @param height the picture height; the width follows the source's aspect ratio
   * @param videoKbps the video bit rate in kbit/s
   * @param audioKbps the AAC bit rate in kbit/s
   */
  public record RungConfig(int height, int videoKbps, int audioKbps) {}

  /**
   * Where playback state (progress, sessions, QoE) lives.
   *
   * @param redis a Redis server shared by several Kanal nodes; without a URL, the embedded SQLite database
   */
  public record StoreConfig(RedisConfig redis) {
    /** The defaults: no Redis. */
    public static StoreConfig defaults() {
      return new StoreConfig(new RedisConfig("", Duration.ofSeconds(2)));
    }
  }

  /**
   * A Redis server.
   *
   * @param url {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} (TLS); empty: no Redis
   * @param timeout connect and command timeout
   */
  public record RedisConfig(String url, Duration timeout) {}

  /**
   * Playback state and player analytics.
   *
   * @param sessionTtl a playback session without a heartbeat for this long ends
   * @param maxSessions active sessions at most; more are refused with 503
   * @param qoeRetention how long per-session QoE is kept for {@code /api/qoe/summary}
   */
  public record PlaybackConfig(Duration sessionTtl, int maxSessions, Duration qoeRetention) {
    /** The defaults: 90 s, 10,000 sessions, 7 days. */
    public static PlaybackConfig defaults() {
      return new PlaybackConfig(Duration.ofSeconds(90), 10_000, Duration.ofDays(7));
    }
  }

  /** A config with the default relay settings. */
  public KanalConfig(ServerConfig server, StorageConfig storage, LibraryConfig library, IptvConfig iptv,
      FfmpegConfig ffmpeg, LogConfig log) {
    this(server, storage, library, iptv, RelayConfig.defaults(), ffmpeg, log);
  }

  /**
   * The live relay ({@code /live/...}, {@code /iptv/...}, HDHomeRun).
   *
   * @param cacheSize bytes of segments kept in memory for viewers of the same channel
   * @param gracePeriod how long a channel's shared ffmpeg ({@code /live/{id}.ts}) outlives its last viewer
   * @param failAfter playlist (or segment) failures in a row after which the relay switches to the channel's next source
   * @param tuners how many channels may stream at once through {@code /live/{id}.ts} (HDHomeRun TunerCount); 0: no limit
   * @param secret the key relay URLs are signed with; empty: a random one kept in {@code dataDir/relay.key}
   */
  public record RelayConfig(ByteSize cacheSize, Duration gracePeriod, int failAfter, int tuners, String secret) {
    /** The defaults: 256 MiB, 30 s, 3 failures, 4 tuners, a generated secret. */
    public static RelayConfig defaults() {
      return new RelayConfig(ByteSize.parse("256MiB"), Duration.ofSeconds(30), 3, 4, "");
    }
  }

  /** The HTTP server. */
  public record ServerConfig(String host, int port, Duration shutdownTimeout, LimitsConfig limits, AuthConfig auth) {

    /** A server section with the default limits and authentication. */
    public ServerConfig(String host, int port, Duration shutdownTimeout) {
      this(host, port, shutdownTimeout, LimitsConfig.defaults(), AuthConfig.defaults());
    }
  }

  /**
   * What one client may send or hold (issue #13): every value bounds memory or time a hostile client
   * could otherwise take.
   *
   * @param maxBodySize request bodies of the API (JSON); larger is 413
   * @param maxUrlLength characters of the request line (method, URL, version); longer is 414
   * @param maxHeaderSize bytes of all request headers; more is 431
   * @param maxJsonDepth nesting of JSON bodies; deeper is 400
   * @param maxRanges ranges in one {@code Range} header (guard against multi-range amplification);
   *     more is answered with the whole file (200), as nginx's {@code max_ranges} does
   * @param headerTimeout time a client has to send its request line and headers (slowloris); then the
   *     connection is closed
   * @param idleTimeout a connection with no traffic either way is closed after this
   * @param maxConnections open connections at once over all event loops; beyond it new connections are
   *     closed at once
   */
  public record LimitsConfig(ByteSize maxBodySize, int maxUrlLength, ByteSize maxHeaderSize, int maxJsonDepth,
      int maxRanges, Duration headerTimeout, Duration idleTimeout, int maxConnections) {

    /** The defaults: 1 MiB bodies, 8 KiB URLs, 16 KiB headers, depth 32, 16 ranges, 10 s, 120 s, 4096. */
    public static LimitsConfig defaults() {
      return new LimitsConfig(ByteSize.parse("1MiB"), 8192, ByteSize.parse("16KiB"), 32, 16, Duration.ofSeconds(10),
          Duration.ofSeconds(120), 4096);
    }
  }

  /**
   * Access control (issue #13).
   *
   * @param mode {@code auto} (required when {@code server.host} is not a loopback address), {@code on}
   *     (always required) or {@code off} (never; refused at start on a non-loopback address unless
   *     {@code allowOpen} is set)
   * @param allowOpen lets {@code mode: off} serve a non-loopback address without authentication (a
   *     trusted LAN, or a proxy in front that authenticates)
   * @param sessionTtl how long a login lasts without being used
   * @param loginAttempts failed logins allowed per client address and per user name within
   *     {@code loginWindow}; more are answered 429
   * @param loginWindow the window of {@code loginAttempts}
   * @param secureCookies mark the session cookie {@code Secure} ({@code auto}: when the request came
   *     over HTTPS, directly or as {@code X-Forwarded-Proto: https} from a trusted proxy), {@code on}, {@code off}
   */
  public record AuthConfig(String mode, boolean allowOpen, Duration sessionTtl, int loginAttempts,
      Duration loginWindow, String secureCookies) {

    /** The defaults: automatic, 30-day sessions, 10 failed logins per 15 minutes. */
    public static AuthConfig defaults() {
      return new AuthConfig("auto", false, Duration.ofDays(30), 10, Duration.ofMinutes(15), "auto");
    }
  }

  /** The values of {@code server.auth.mode}. */
  public static final Set<String> AUTH_MODES = Set.of("auto", "on", "off");
  /** The values of {@code server.auth.secureCookies}. */
  public static final Set<String> SECURE_COOKIE_MODES = Set.of("auto", "on", "off");

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

  /**
   * The live TV catalog.
   *
   * @param sources the playlists the catalog is built from
   * @param refreshInterval how often sources are fetched again
   * @param groups channel groups with rules, priority and numbering; empty: the playlists' group-title
   * @param epg XMLTV guides (URLs or files, plain or gzipped), besides the playlists' {@code x-tvg-url}
   * @param favourites channel ids or names that search ranks first
   */
  public record IptvConfig(List<SourceConfig> sources, Duration refreshInterval, List<GroupConfig> groups,
      List<String> epg, List<String> favourites) {
    public IptvConfig {
      sources = List.copyOf(sources);
      groups = groups == null ? List.of() : List.copyOf(groups);
      epg = epg == null ? List.of() : List.copyOf(epg);
      favourites = favourites == null ? List.of() : List.copyOf(favourites);
    }

    /** Sources, refresh interval and groups, without guides or favourites. */
    public IptvConfig(List<SourceConfig> sources, Duration refreshInterval, List<GroupConfig> groups) {
      this(sources, refreshInterval, groups, List.of(), List.of());
    }

    /** Sources and refresh interval, without configured groups. */
    public IptvConfig(List<SourceConfig> sources, Duration refreshInterval) {
      this(sources, refreshInterval, List.of());
    }
  }

  /**
   * A channel group: channels matching any {@code include} rule and no {@code exclude} rule.
   * A rule is {@code field:value} with field {@code group} (group-title), {@code name} (a regular
   * expression), {@code country}, {@code language} or {@code tvg-id}; values other than regexes match
   * case-insensitively, with {@code *} as a wildcard.
   *
   * @param name the group's name as shown
   * @param include rules that put a channel in the group (empty: none)
   * @param exclude rules that keep a channel out even when an include rule matches
   * @param priority groups with a higher priority come first
   * @param startNumber the first channel number in the group (0: continue after the previous group);
   *     a channel's own {@code tvg-chno} wins
   */
  public record GroupConfig(String name, List<String> include, List<String> exclude, int priority, int startNumber) {
    public GroupConfig {
      include = include == null ? List.of() : List.copyOf(include);
      exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** A group with default settings, for filling in keys a config object omits. */
    public static GroupConfig of(String name) {
      return new GroupConfig(name, List.of(), List.of(), 0, 0);
    }
  }

  /** The fields a group rule may test, as written before the colon. */
  public static final Set<String> GROUP_RULE_FIELDS = Set.of("group", "name", "country", "language", "tvg-id");

  /**
   * One playlist source.
   *
   * @param url an http(s) URL, a local file, or an {@code iptv-org:...} preset
   * @param priority higher wins when the same channel comes from several sources
   * @param headers extra HTTP headers sent to this source's hosts
   * @param throttle minimum interval between two requests to this source's hosts
   * @param enabled a disabled source is kept in the config but not fetched
   * @param allowPrivate whether the relay may fetch this source's streams from loopback, link-local and
   *     private addresses (refused otherwise, so a playlist cannot turn the relay against the LAN)
   */
  public record SourceConfig(String url, int priority, Map<String, String> headers, Duration throttle,
      boolean enabled, boolean allowPrivate) {
    public SourceConfig {
      headers = Map.copyOf(headers);
    }

    /** A source that keeps the relay off private addresses. */
    public SourceConfig(String url, int priority, Map<String, String> headers, Duration throttle, boolean enabled) {
      this(url, priority, headers, throttle, enabled, false);
    }

    /** A source with default settings, as written in a plain list of URLs. */
    public static SourceConfig of(String url) {
      return new SourceConfig(url, 0, Map.of(), Duration.ZERO, true, false);
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
        new IptvConfig(List.of(), Duration.ofHours(6), List.of()),
        RelayConfig.defaults(),
        StoreConfig.defaults(),
        PlaybackConfig.defaults(),
        VodConfig.defaults(),
        DiscoveryConfig.defaults(),
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
    validateLimits(problems, server.limits());
    validateAuth(problems, server.auth());
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
    for (int i = 0; i < iptv.groups().size(); i++) {
      GroupConfig group = iptv.groups().get(i);
      String key = "iptv.groups[" + i + "]";
      if (group.name() == null || group.name().isBlank()) {
        problems.add(new ConfigProblem(key + ".name", "must not be empty"));
      }
      if (group.startNumber() < 0) {
        problems.add(new ConfigProblem(key + ".startNumber", "must not be negative"));
      }
      validateRules(problems, key + ".include", group.include());
      validateRules(problems, key + ".exclude", group.exclude());
    }
    validateStore(problems);
    validateDiscovery(problems);
    validatePackaging(problems);
    validateVod(problems);
    if (!LOG_FORMATS.contains(log.format().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("log.format", "must be one of auto, text, json; was '" + log.format() + "'"));
    }
    if (!LOG_LEVELS.contains(log.level().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("log.level",
          "must be one of trace, debug, info, warn, error; was '" + log.level() + "'"));
    }
    return problems;
  }

  /** {@code vod.packaging}: the ladder (issue #8), its format and job concurrency. */
  private void validatePackaging(List<ConfigProblem> problems) {
    PackagingConfig p = vod.packaging();
    String format = p.format() == null ? "" : p.format().toLowerCase(Locale.ROOT);
    if (!Set.of("auto", "ts", "fmp4").contains(format)) {
      problems.add(new ConfigProblem("vod.packaging.format", "must be one of auto, ts, fmp4; was '" + p.format() + "'"));
    }
    if (p.concurrency() < 1 || p.concurrency() > 16) {
      problems.add(new ConfigProblem("vod.packaging.concurrency", "must be between 1 and 16, was " + p.concurrency()));
    }
    requireBetween(problems, "vod.packaging.lease", p.lease(), Duration.ofSeconds(1), Duration.ofHours(1));
    if (p.ladder() == null || p.ladder().isEmpty()) {
      problems.add(new ConfigProblem("vod.packaging.ladder", "must have at least one rung"));
      return;
    }
    Set<Integer> heights = new java.util.HashSet<>();
    for (int i = 0; i < p.ladder().size(); i++) {
      RungConfig r = p.ladder().get(i);
      String key = "vod.packaging.ladder[" + i + "]";
      if (r == null) {
        problems.add(new ConfigProblem(key, "must be { height, videoKbps, audioKbps }"));
        continue;
      }
      if (r.height() < 144 || r.height() > 4320) {
        problems.add(new ConfigProblem(key + ".height", "must be between 144 and 4320, was " + r.height()));
      } else if (!heights.add(r.height())) {
        problems.add(new ConfigProblem(key + ".height", "another rung has height " + r.height()));
      }
      if (r.videoKbps() <= 0) {
        problems.add(new ConfigProblem(key + ".videoKbps", "must be more than 0, was " + r.videoKbps()));
      }
      if (r.audioKbps() <= 0) {
        problems.add(new ConfigProblem(key + ".audioKbps", "must be more than 0, was " + r.audioKbps()));
      }
    }
  }

  private void validateDiscovery(List<ConfigProblem> problems) {
    if (discovery.mdns() == null || !DISCOVERY_MODES.contains(discovery.mdns().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("discovery.mdns", "must be one of auto, on, off; was '" + discovery.mdns() + "'"));
    }
    if (discovery.ssdp() == null || !DISCOVERY_MODES.contains(discovery.ssdp().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("discovery.ssdp", "must be one of auto, on, off; was '" + discovery.ssdp() + "'"));
    }
    for (int i = 0; i < discovery.interfaces().size(); i++) {
      String name = discovery.interfaces().get(i);
      if (name == null || !name.matches("[A-Za-z0-9_.:@-]{1,64}")) {
        problems.add(new ConfigProblem("discovery.interfaces[" + i + "]",
            "must be an interface name such as eth0, an IPv4 address, or all"));
      }
    }
    String name = discovery.friendlyName() == null ? "" : discovery.friendlyName();
    if (name.isBlank() || name.length() > 63 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      // 63 bytes is the DNS label limit of a DNS-SD instance name.
      problems.add(new ConfigProblem("discovery.friendlyName",
          "must be 1 to 63 characters without control characters"));
    } else if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63) {
      problems.add(new ConfigProblem("discovery.friendlyName", "must be at most 63 bytes in UTF-8"));
    }
    requireBetween(problems, "discovery.notifyInterval", discovery.notifyInterval(), Duration.ofSeconds(1),
        Duration.ofSeconds(900));
  }

  /** The on-demand VOD keys ({@code vod.packaging} is checked with the packaging rules). */
  private void validateVod(List<ConfigProblem> problems) {
    if (vod == null) {
      return;
    }
    requireBetween(problems, "vod.segmentDuration", vod.segmentDuration(), Duration.ofSeconds(1), Duration.ofSeconds(60));
    if (vod.runAhead() < 1 || vod.runAhead() > 20) {
      problems.add(new ConfigProblem("vod.runAhead", "must be between 1 and 20, was " + vod.runAhead()));
    }
    if (vod.encoder() == null || !VOD_ENCODERS.contains(vod.encoder().toLowerCase(Locale.ROOT))) {
      problems.add(new ConfigProblem("vod.encoder",
          "must be one of software, vaapi, nvenc, qsv, videotoolbox; was '" + vod.encoder() + "'"));
    }
    if (vod.cacheSize() == null || vod.cacheSize().bytes() < 64L * 1024 * 1024) {
      problems.add(new ConfigProblem("vod.cacheSize", "must be at least 64MiB"));
    }
    List<String> origins = vod.corsOrigins() == null ? List.of() : vod.corsOrigins();
    for (int i = 0; i < origins.size(); i++) {
      String origin = origins.get(i);
      if (origin == null || !(origin.equals("*") || origin.matches("https?://[A-Za-z0-9.\\[\\]:-]+"))) {
        problems.add(new ConfigProblem("vod.corsOrigins[" + i + "]",
            "must be * or an origin such as https://example.com (scheme, host, optional port; no path)"));
      }
    }
  }

  /** The values of {@code vod.encoder}. */
  private static final Set<String> VOD_ENCODERS = Set.of("software", "vaapi", "nvenc", "qsv", "videotoolbox");

  private void validateStore(List<ConfigProblem> problems) {
    String url = store.redis().url() == null ? "" : store.redis().url().strip();
    if (!url.isEmpty()) {
      java.net.URI uri = null;
      try {
        uri = new java.net.URI(url);
      } catch (java.net.URISyntaxException e) {
        // reported below
      }
      if (uri == null || !("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
          || uri.getHost() == null || uri.getHost().isEmpty()) {
        // The value may hold a password: the message does not repeat it.
        problems.add(new ConfigProblem("store.redis.url",
            "must be redis://[user:password@]host[:port][/db] or rediss://... (or empty for the embedded database)"));
      }
    }
    requireBetween(problems, "store.redis.timeout", store.redis().timeout(), Duration.ofMillis(100), Duration.ofMinutes(1));
    requireBetween(problems, "playback.sessionTtl", playback.sessionTtl(), Duration.ofSeconds(1), Duration.ofDays(1));
    if (playback.maxSessions() < 1 || playback.maxSessions() > 1_000_000) {
      problems.add(new ConfigProblem("playback.maxSessions", "must be between 1 and 1000000, was " + playback.maxSessions()));
    }
    requireBetween(problems, "playback.qoeRetention", playback.qoeRetention(), Duration.ofMinutes(1), Duration.ofDays(90));
  }

  private static void requireBetween(List<ConfigProblem> problems, String key, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      problems.add(new ConfigProblem(key, "must be a duration between " + Durations.format(min) + " and "
          + Durations.format(max)));
    }
  }

  private static void validateRules(List<ConfigProblem> problems, String key, List<String> rules) {
    for (int i = 0; i < rules.size(); i++) {
      String rule = rules.get(i) == null ? "" : rules.get(i);
      int colon = rule.indexOf(':');
      String field = colon < 0 ? "" : rule.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (!GROUP_RULE_FIELDS.contains(field)) {
        problems.add(new ConfigProblem(key + "[" + i + "]",
            "must be field:value with field one of country, group, language, name, tvg-id; was '" + rule + "'"));
      } else if (rule.length() > 1024) {
        problems.add(new ConfigProblem(key + "[" + i + "]", "must be at most 1024 characters"));
      } else if (field.equals("name")) {
        try {
          java.util.regex.Pattern.compile(rule.substring(colon + 1).strip());
        } catch (java.util.regex.PatternSyntaxException e) {
          problems.add(new ConfigProblem(key + "[" + i + "]", "invalid regular expression: " + e.getDescription()));
        }
      }
    }
  }

  private static void validateLimits(List<ConfigProblem> problems, LimitsConfig limits) {
    if (limits == null) {
      problems.add(new ConfigProblem("server.limits", "must not be empty"));
      return;
    }
    requireBetween(problems, "server.limits.maxBodySize", limits.maxBodySize(), ByteSize.parse("1KiB"), ByteSize.parse("1GiB"));
    requireBetween(problems, "server.limits.maxHeaderSize", limits.maxHeaderSize(), ByteSize.parse("1KiB"), ByteSize.parse("1MiB"));
    requireBetween(problems, "server.limits.maxUrlLength", limits.maxUrlLength(), 256, 1 << 20);
    requireBetween(problems, "server.limits.maxJsonDepth", limits.maxJsonDepth(), 2, 1000);
    requireBetween(problems, "server.limits.maxRanges", limits.maxRanges(), 1, 1000);
    requireBetween(problems, "server.limits.maxConnections", limits.maxConnections(), 1, 1_000_000);
    requirePositive(problems, "server.limits.headerTimeout", limits.headerTimeout());
    requirePositive(problems, "server.limits.idleTimeout", limits.idleTimeout());
  }

  private static void validateAuth(List<ConfigProblem> problems, AuthConfig auth) {
    if (auth == null) {
      problems.add(new ConfigProblem("server.auth", "must not be empty"));
      return;
    }
    if (auth.mode() == null || !AUTH_MODES.contains(auth.mode())) {
      problems.add(new ConfigProblem("server.auth.mode", "must be auto, on or off, was " + auth.mode()));
    }
    if (auth.secureCookies() == null || !SECURE_COOKIE_MODES.contains(auth.secureCookies())) {
      problems.add(new ConfigProblem("server.auth.secureCookies", "must be auto, on or off, was " + auth.secureCookies()));
    }
    requirePositive(problems, "server.auth.sessionTtl", auth.sessionTtl());
    requirePositive(problems, "server.auth.loginWindow", auth.loginWindow());
    requireBetween(problems, "server.auth.loginAttempts", auth.loginAttempts(), 1, 1000);
  }

  private static void requireBetween(List<ConfigProblem> problems, String key, int value, int min, int max) {
    if (value < min || value > max) {
      problems.add(new ConfigProblem(key, "must be between " + min + " and " + max + ", was " + value));
    }
  }

  private static void requireBetween(List<ConfigProblem> problems, String key, ByteSize value, ByteSize min, ByteSize max) {
    if (value == null || value.bytes() < min.bytes() || value.bytes() > max.bytes()) {
      problems.add(new ConfigProblem(key, "must be between " + min + " and " + max + ", was " + value));
    }
  }

  private static void requirePositive(List<ConfigProblem> problems, String key, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      problems.add(new ConfigProblem(key, "must be a positive duration such as 10s"));
    }
  }
}
