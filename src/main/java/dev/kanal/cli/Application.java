package dev.kanal.cli;

import dev.kanal.auth.Accounts;
import dev.kanal.auth.AuthMode;
import dev.kanal.config.KanalConfig;
import dev.kanal.discovery.Announcement;
import dev.kanal.discovery.Discovery;
import dev.kanal.server.AuthSetup;
import dev.kanal.server.DiscoverySetup;
import dev.kanal.iptv.LiveTv;
import dev.kanal.library.LibraryWatcher;
import dev.kanal.server.KanalServer;
import dev.kanal.server.LiveSetup;
import dev.kanal.server.PlaybackSetup;
import dev.kanal.server.VideoLibrary;
import dev.kanal.server.VodSetup;
import dev.kanal.store.PlaybackStore;
import dev.kanal.store.StoreException;
import dev.kanal.store.UserStore;
import dev.kanal.server.Metrics;
import dev.kanal.server.ServerStartException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where Kanal's components are built from the configuration and wired together;
 * {@code serve} and {@code demo} both run through it.
 */
final class Application implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Application.class);
  /** How long after a file-system change the library is scanned (a file being copied changes often). */
  private static final java.time.Duration WATCH_DEBOUNCE = java.time.Duration.ofSeconds(2);

  private final Metrics metrics;
  private final LibrarySetup.Parts library;
  private final LibraryWatcher watcher;
  private final LiveTv live;
  private final PlaybackStore playback;
  /** Users, logins and tokens (issue #13); closed after the server. */
  private volatile UserStore users;
  /** What to tell the operator when access control is on and no user exists yet. */
  private volatile Optional<String> firstRunHint = Optional.empty();
  private final KanalServer server;
  private final Discovery discovery;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Full packaging jobs (#8); set once started, closed before the library. */
  private volatile dev.kanal.media.PackageQueue packaging;

  private Application(Metrics metrics, LibrarySetup.Parts library, LibraryWatcher watcher, LiveTv live,
      PlaybackStore playback, KanalServer server, Discovery discovery) {
    this.metrics = metrics;
    this.library = library;
    this.watcher = watcher;
    this.live = live;
    this.playback = playback;
    this.server = server;
    this.discovery = discovery;
  }

  /** Starts every component; on failure, closes what was started. */
  static Application start(KanalConfig config, Optional<Path> demoDir)
      throws ServerStartException, StoreException, CommandException {
    boolean authRequired;
    try {
      authRequired = AuthMode.required(config.server());
    } catch (IllegalStateException e) {
      throw new CommandException(e.getMessage());
    }
    Metrics metrics = Metrics.create(Version.current());
    LibrarySetup.Parts library = null;
    LibraryWatcher watcher = null;
    LiveTv live = null;
    PlaybackStore playback = null;
    UserStore users = null;
    dev.kanal.media.PackageQueue packaging = null;
    try {
      library = LibrarySetup.open(config);
      watcher = LibraryWatcher.start(library.library(), config.library().rescanInterval(), config.library().watch(),
          WATCH_DEBOUNCE);
      VideoLibrary videos = new VideoLibrary(library.library(), library.thumbnails(), watcher::requestScan);
      live = LiveTv.start(config.iptv(), config.storage().dataDir(), Optional.of(library.database()), Clock.systemUTC());
      byte[] relayKey = RelayKey.load(config);
      LiveSetup liveSetup = new LiveSetup(live, config.relay(), relayKey, library.ffmpeg());
      // Progress, sessions and QoE: Redis when store.redis.url is set (several nodes), else kanal.db.
      playback = PlaybackStore.open(config.store(), config.playback(), library.database(), Clock.systemUTC());
      log.info("event=playback.store store={} sessionTtl={}", playback.description(),
          dev.kanal.config.Durations.format(config.playback().sessionTtl()));
      PlaybackSetup playbackSetup = new PlaybackSetup(playback, config.playback(), Clock.systemUTC());
      // Users, logins and tokens: in the same store as playback state, so several nodes share them.
      users = UserStore.open(config.store(), library.database());
      Accounts accounts = Accounts.create(users, config.server().auth().sessionTtl(), Clock.systemUTC());
      AuthSetup authSetup = new AuthSetup(accounts, config.server().auth(), authRequired);
      Optional<String> hint = authRequired && !accounts.hasUsers() ? Optional.of(firstRunHint(config)) : Optional.empty();
      log.info("event=auth.mode required={} store={}", authRequired, users.description());
      hint.ifPresent(h -> log.warn("event=auth.no_users host={} hint=\"{}\"", config.server().host(), h));
      String deviceId = DiscoverySetup.deviceId(relayKey);
      java.util.concurrent.atomic.AtomicReference<Discovery> discovery = new java.util.concurrent.atomic.AtomicReference<>();
      DiscoverySetup discoverySetup = new DiscoverySetup(
          () -> discovery.get() == null ? java.util.List.of() : discovery.get().nearby(),
          () -> discovery.get() == null ? new Discovery.Status(false, false, java.util.List.of()) : discovery.get().status(),
          config.discovery().friendlyName(), deviceId);
      packaging = PackagingSetup.open(config, library);
      KanalServer server = KanalServer.start(new KanalServer.Options(config.server().host(), config.server().port(),
          Version.current(), config.server().shutdownTimeout(), demoDir,
          Optional.of(LibrarySetup.mediaFiles(library.library())), Optional.of(videos)).withLive(liveSetup)
          .withPlayback(playbackSetup).withDiscovery(discoverySetup).withVod(vodSetup(config, packaging)), metrics,
          config.server().limits(), Optional.of(authSetup));
      packaging.start();
      // LAN discovery starts once the port is bound: its announcements carry it.
      Discovery started = Discovery.start(config.discovery(), new Announcement(deviceId,
          config.discovery().friendlyName(), Version.current(), config.server().host(), server.port(),
          capabilities(config)));
      discovery.set(started);
      Application app = new Application(metrics, library, watcher, live, playback, server, started);
      app.packaging = packaging;
      app.users = users;
      app.firstRunHint = hint;
      return app;
    } catch (ServerStartException | StoreException | RuntimeException e) {
      if (packaging != null) {
        packaging.close();
      }
      if (playback != null) {
        playback.close();
      }
      if (users != null) {
        users.close();
      }
      if (live != null) {
        live.close();
      }
      if (watcher != null) {
        watcher.close();
      }
      if (library != null) {
        library.close();
      }
      metrics.close();
      throw e;
    }
  }

  /**
   * VOD HLS ({@code /vod/{id}/...}): on-demand segments and key-frame indexes cached in
   * {@code dataDir/cache/vod}. Without ffmpeg the routes answer with ffmpeg's absence per request.
   */
  private static VodSetup vodSetup(KanalConfig config, dev.kanal.media.Packages packages) {
    Path data = config.storage().dataDir();
    Path ffmpeg = Path.of("ffmpeg");
    Path ffprobe = Path.of("ffprobe");
    try {
      dev.kanal.media.Ffmpeg found = dev.kanal.media.FfmpegLocator.locate(config.ffmpeg(), data, System.getenv("PATH"));
      ffmpeg = found.ffmpeg();
      ffprobe = dev.kanal.media.FfmpegLocator.ffprobeForScanning(config.ffmpeg(), data, found);
    } catch (dev.kanal.media.MediaToolException e) {
      log.warn("event=vod.no_ffmpeg reason=\"{}\" effect=\"on-demand HLS cannot make segments\"", e.getMessage());
    }
    return new VodSetup(config.vod(), data.resolve("cache").resolve("vod"), ffmpeg, ffprobe, packages);
  }

  /** The DNS-SD TXT flags: what this server offers. */
  private static java.util.Map<String, String> capabilities(KanalConfig config) {
    java.util.Map<String, String> caps = new java.util.TreeMap<>();
    caps.put("live", "1"); // the catalog may be empty, but the routes are there
    caps.put("hdhr", "1");
    caps.put("vod", config.library().folders().isEmpty() ? "0" : "1");
    return caps;
  }

  /** How to make the first admin, for a server that requires logins and has no user. */
  private static String firstRunHint(KanalConfig config) {
    return "Kanal listens on " + config.server().host() + ", so it requires a login, and no user exists yet."
        + " Create the admin with: kanal user add admin --admin (with the same --config/--data as this server;"
        + " in Docker: docker compose exec kanal kanal user add admin --admin), then log in at the web page.";
  }

  /** When logins are required and no user exists: the sentence that says how to create the admin. */
  Optional<String> firstRunHint() {
    return firstRunHint;
  }

  /** The server's base URL. */
  String url() {
    return server.url();
  }

  /** Blocks until SIGTERM/SIGINT (or {@link #close}) has stopped everything gracefully. */
  void awaitShutdown() throws InterruptedException {
    Thread hook = new Thread(this::close, "kanal-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopped.await();
  }

  @Override
  public synchronized void close() {
    if (stopped.getCount() == 0) {
      return;
    }
    log.info("event=shutdown.begin");
    try {
      discovery.close(); // goodbye and byebye while the server still answers
      watcher.close();
      if (packaging != null) {
        packaging.close(); // stops ffmpeg; running jobs resume at the next start
      }
      live.close();
      server.close();
      playback.close();
      users.close();
      library.close();
      metrics.close();
    } finally {
      stopped.countDown();
    }
  }
}
