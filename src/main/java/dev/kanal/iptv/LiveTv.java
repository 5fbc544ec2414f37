package dev.kanal.iptv;

import dev.kanal.config.KanalConfig.IptvConfig;
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

  private volatile Snapshot snapshot;
  private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
  private final RefreshScheduler scheduler;

  private LiveTv(Snapshot initial, RefreshScheduler scheduler) {
    this.snapshot = initial;
    this.scheduler = scheduler;
  }

  /** A fixed catalog and guide that never refreshes (tests, tools). */
  public static LiveTv of(ChannelCatalog catalog, Epg epg) {
    return new LiveTv(new Snapshot(catalog, epg, Optional.of(Instant.now())), null);
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
    LiveTv live = new LiveTv(new Snapshot(ChannelCatalog.of(List.of()), Epg.builder().build(), Optional.empty()), scheduler);
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
