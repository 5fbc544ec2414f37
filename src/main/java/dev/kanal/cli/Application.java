package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.iptv.LiveTv;
import dev.kanal.library.LibraryWatcher;
import dev.kanal.server.KanalServer;
import dev.kanal.server.LiveSetup;
import dev.kanal.server.PlaybackSetup;
import dev.kanal.server.VideoLibrary;
import dev.kanal.store.PlaybackStore;
import dev.kanal.store.StoreException;
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
  private final KanalServer server;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Application(Metrics metrics, LibrarySetup.Parts library, LibraryWatcher watcher, LiveTv live,
      PlaybackStore playback, KanalServer server) {
    this.metrics = metrics;
    this.library = library;
    this.watcher = watcher;
    this.live = live;
    this.playback = playback;
    this.server = server;
  }

  /** Starts every component; on failure, closes what was started. */
  static Application start(KanalConfig config, Optional<Path> demoDir) throws ServerStartException, StoreException {
    Metrics metrics = Metrics.create(Version.current());
    LibrarySetup.Parts library = null;
    LibraryWatcher watcher = null;
    LiveTv live = null;
    PlaybackStore playback = null;
    try {
      library = LibrarySetup.open(config);
      watcher = LibraryWatcher.start(library.library(), config.library().rescanInterval(), config.library().watch(),
          WATCH_DEBOUNCE);
      VideoLibrary videos = new VideoLibrary(library.library(), library.thumbnails(), watcher::requestScan);
      live = LiveTv.start(config.iptv(), config.storage().dataDir(), Optional.of(library.database()), Clock.systemUTC());
      LiveSetup liveSetup = new LiveSetup(live, config.relay(), RelayKey.load(config), library.ffmpeg());
      // Progress, sessions and QoE: Redis when store.redis.url is set (several nodes), else kanal.db.
      playback = PlaybackStore.open(config.store(), config.playback(), library.database(), Clock.systemUTC());
      log.info("event=playback.store store={} sessionTtl={}", playback.description(),
          dev.kanal.config.Durations.format(config.playback().sessionTtl()));
      PlaybackSetup playbackSetup = new PlaybackSetup(playback, config.playback(), Clock.systemUTC());
      KanalServer server = KanalServer.start(new KanalServer.Options(config.server().host(), config.server().port(),
          Version.current(), config.server().shutdownTimeout(), demoDir,
          Optional.of(LibrarySetup.mediaFiles(library.library())), Optional.of(videos)).withLive(liveSetup)
          .withPlayback(playbackSetup), metrics);
      return new Application(metrics, library, watcher, live, playback, server);
    } catch (ServerStartException | StoreException | RuntimeException e) {
      if (playback != null) {
        playback.close();
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
      watcher.close();
      live.close();
      server.close();
      playback.close();
      library.close();
      metrics.close();
    } finally {
      stopped.countDown();
    }
  }
}
