package dev.kanal.iptv;

import dev.kanal.config.KanalConfig.IptvConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.net.HttpFetcher;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live TV catalog as the server sees it: the current {@link ChannelCatalog} and programme guide,
 * replaced as a whole on every refresh (readers never see a half-built one). The server's
 * {@link #start} refreshes the sources at start and every {@code iptv.refreshInterval}, applies the
 * health history of {@code channels check}, then loads the guides (config {@code iptv.epg} and the
 * playlists' {@code x-tvg-url}); {@link #of} makes a fixed one for tests.
 */
public final class LiveTv implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LiveTv.class);

  /**
   * What readers see at one moment.
   *
   * @param catalog the channels
   * @param epg the programme guide (empty when there is none)
   * @param refreshedAt when the catalog was built; empty before the first refresh finished
   */
  public record Snapshot(ChannelCatalog catalog, Epg epg, Optional<Instant> refreshedAt) {
    public Snapshot {
      Objects.requireNonNull(catalog, "catalog");
      Objects.requireNonNull(epg, "epg");
    }
  }

  /**
   * A playlist source as the settings page shows it.
   *
   * @param url the configured URL, file or preset
   * @param priority higher wins when a channel comes from several sources
   * @param enabled whether it is read
   * @param allowPrivate whether the relay may fetch its streams from LAN and loopback addresses
   * @param added added from the web UI or the API (removable there); false: from the config file
   */
  public record SourceView(String url, int priority, boolean enabled, boolean allowPrivate, boolean added) {}

  private volatile Snapshot snapshot;
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final RefreshScheduler scheduler;
  private final List<SourceConfig> configured;
  private final Optional<AddedSources> added;
  /** Where checks are recorded; set by {@link #start}. */
  private volatile Optional<Database> database = Optional.empty();
  private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();

  private LiveTv(Snapshot initial, RefreshScheduler scheduler, IptvConfig config, Optional<AddedSources> added) {
    this.snapshot = initial;
    this.scheduler = scheduler;
    this.configured = config == null ? List.of() : config.sources();
    this.added = added;
  }

  /** The configured sources, then the added ones. */
  public List<SourceView> sources() {
    List<SourceView> all = new ArrayList<>();
    configured.forEach(c -> all.add(new SourceView(c.url(), c.priority(), c.enabled(), c.allowPrivate(), false)));
    added.ifPresent(a -> a.entries().forEach(e -> all.add(new SourceView(e.url(), e.priority(), true, e.allowPrivate(), true))));
    return all;
  }

  /**
   * Adds a remote playlist source and refreshes.
   *
   * @throws IllegalArgumentException with a sentence for the user when it cannot be added
   * @throws UnsupportedOperationException when this catalog is fixed ({@link #of})
   */
  public SourceView addSource(String url, int priority, boolean allowPrivate) throws java.io.IOException {
    AddedSources a = added.orElseThrow(() -> new UnsupportedOperationException("this catalog's sources are fixed"));
    if (configured.stream().anyMatch(c -> c.url().equals(url.strip()))) {
      throw new IllegalArgumentException("this source is already in the config file");
    }
    AddedSources.Entry e = a.add(url, priority, allowPrivate);
    refreshNow();
    return new SourceView(e.url(), e.priority(), true, e.allowPrivate(), true);
  }

  /** Removes an added source and refreshes; false when no added source has that URL. */
  public boolean removeSource(String url) throws java.io.IOException {
    if (added.isEmpty() || !added.get().remove(url)) {
      return false;
    }
    refreshNow();
    return true;
  }

  /** A fixed catalog and guide that never refreshes (tests, tools). */
  public static LiveTv of(ChannelCatalog catalog, Epg epg) {
    return new LiveTv(new Snapshot(catalog, epg, Optional.of(Instant.now())), null, null, Optional.empty());
  }

  /**
   * Starts refreshing: at once (on a background thread, so the server answers meanwhile with an
   * empty catalog) and then every {@code config.refreshInterval()}.
   *
   * @param database the store with the health history, when there is one
   */
  public static LiveTv start(IptvConfig config, java.nio.file.Path dataDir, Optional<Database> database, Clock clock) {
    HttpFetcher http = HttpFetcher.create(CatalogService.CONNECT_TIMEOUT, CatalogService.REQUEST_TIMEOUT);
    CatalogService service = new CatalogService(config, dataDir, http, clock);
    Holder holder = new Holder();
    RefreshScheduler scheduler = RefreshScheduler.start(service, config.refreshInterval(),
        refresh -> holder.live.publish(build(refresh, config, database, http, clock)));
    LiveTv live = new LiveTv(new Snapshot(ChannelCatalog.of(List.of()), Epg.builder().build(), Optional.empty()), scheduler,
        config, Optional.of(service.added()));
    live.database = database;
    holder.live = live;
    return live;
  }

  /** Lets the refresh callback reach the instance built after the scheduler starts. */
  private static final class Holder {
    volatile LiveTv live;
  }

  private static Snapshot build(CatalogService.Refresh refresh, IptvConfig config, Optional<Database> database,
      HttpFetcher http, Clock clock) {
    ChannelCatalog catalog = refresh.load().catalog();
    database.ifPresent(db -> {
      try {
        catalog.updateHealth(HealthHistory.open(db).latest(catalog.urls()));
      } catch (Exception e) {
        LOG.warn("event=iptv.health.unreadable reason=\"{}\"", e.getMessage());
      }
    });
    Set<String> guides = new LinkedHashSet<>(config.epg());
    for (SourceFetcher.Result r : refresh.load().results()) {
      r.playlist().map(IptvPlaylist::guideUrls).ifPresent(guides::addAll);
    }
    Epg epg = Epg.builder().build();
    if (!guides.isEmpty()) {
      EpgSources.Loaded loaded = EpgSources.load(new ArrayList<>(guides), XmltvParser.around(clock.instant()), http,
          EpgSources.DEFAULT_MAX_DOWNLOAD_BYTES);
      loaded.failures().forEach(f -> LOG.warn("event=iptv.epg.failed source=\"{}\" reason=\"{}\"", f.source(), f.message()));
      epg = loaded.epg();
      LOG.info("event=iptv.epg.loaded guides={} channels={} programmes={}", loaded.stats().size(), epg.channels().size(),
          epg.programmeCount());
    }
    return new Snapshot(catalog, epg, Optional.of(clock.instant()));
  }

  private void publish(Snapshot next) {
    snapshot = next;
    listeners.forEach(l -> {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        LOG.warn("event=iptv.listener.failed reason=\"{}\"", e.toString());
      }
    });
  }

  /** The current catalog, guide and refresh time, as one consistent value. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The current catalog. */
  public ChannelCatalog catalog() {
    return snapshot.catalog();
  }

  /** The current programme guide. */
  public Epg epg() {
    return snapshot.epg();
  }

  /** Calls {@code listener} with every new snapshot (after each refresh). */
  public void onRefresh(Consumer<Snapshot> listener) {
    listeners.add(listener);
  }

  /**
   * Checks every stream of the current catalog now, on a background thread, as {@code kanal channels
   * check} does (default options), then shows the results in the catalog and records them in the
   * health history. One run at a time: false when one is running already or the catalog is fixed.
   */
  public boolean checkNow() {
    if (scheduler == null || !checking.compareAndSet(false, true)) {
      return false;
    }
    ChannelCatalog catalog = snapshot.catalog();
    List<CheckTarget> targets = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (Channel c : catalog.channels()) {
      for (ChannelSource s : c.sources()) {
        if (seen.add(s.url())) {
          targets.add(new CheckTarget(c.id(), c.name(), s.url(), s.headers()));
        }
      }
    }
    Thread.ofVirtual().name("iptv-check-now").start(() -> {
      try (HealthChecker checker = HealthChecker.create(CheckOptions.DEFAULTS)) {
        List<CheckResult> results = checker.checkAll(targets, (r, done, total) -> { });
        catalog.updateHealth(results);
        database.ifPresent(db -> {
          try {
            HealthHistory.open(db).record(results);
          } catch (Exception e) {
            LOG.warn("event=iptv.check.unrecorded reason=\"{}\"", e.getMessage());
          }
        });
        LOG.info("event=iptv.check.done streams={}", results.size());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("event=iptv.check.failed reason=\"{}\"", e.toString());
      } finally {
        checking.set(false);
      }
    });
    return true;
  }

  /** Whether a {@link #checkNow} run is going on. */
  public boolean isChecking() {
    return checking.get();
  }

  /** Asks for a refresh now; it runs after the one in progress, if any. A fixed catalog ignores it. */
  public void refreshNow() {
    if (scheduler != null) {
      scheduler.refreshNow();
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.close();
    }
  }
}
