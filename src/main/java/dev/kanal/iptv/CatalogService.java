package dev.kanal.iptv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kanal.config.KanalConfig.IptvConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.net.HttpFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live TV catalog's entry point: reads the configured sources (through {@link SourceFetcher}),
 * builds the {@link ChannelCatalog}, and on refresh compares it with the last refresh's snapshot
 * ({@code dataDir/iptv/catalog.json}). Blocking: call it from a virtual thread.
 */
public final class CatalogService {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Connect timeout for playlist sources. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Whole-request timeout for playlist sources (a 10 MB index on a slow link). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** A temporary file this old is no write in progress (a write lasts milliseconds). */
  static final Duration STALE_TEMPORARY = Duration.ofMinutes(1);

  private final IptvConfig config;
  private final SourceFetcher fetcher;
  private final Path snapshotFile;
  private final AddedSources added;
  private final Clock clock;
  private final AtomicBoolean cleaned = new AtomicBoolean();

  /**
   * A service.
   *
   * @param config the iptv config
   * @param dataDir Kanal's data folder: caches go to {@code iptv/sources}, the snapshot to {@code iptv/catalog.json}
   * @param http the HTTP client
   * @param clock the clock
   */
  public CatalogService(IptvConfig config, Path dataDir, HttpFetcher http, Clock clock) {
    this.config = config;
    this.fetcher = new SourceFetcher(http, dataDir.resolve("iptv").resolve("sources"), SourceFetcher.DEFAULT_MAX_BYTES, clock);
    this.snapshotFile = dataDir.resolve("iptv").resolve("catalog.json");
    this.added = new AddedSources(dataDir);
    this.clock = clock;
  }

  /** A service with a default HTTP client (10 s connect, 60 s request) and the system clock. */
  public static CatalogService create(IptvConfig config, Path dataDir) {
    return new CatalogService(config, dataDir, HttpFetcher.create(CONNECT_TIMEOUT, REQUEST_TIMEOUT), Clock.systemUTC());
  }

  /**
   * A built catalog and how each source was read.
   *
   * @param catalog the channels of every source that gave a playlist
   * @param results one per enabled source, in config order
   */
  public record Load(ChannelCatalog catalog, List<SourceFetcher.Result> results) {
    /** Copies the list. */
    public Load {
      results = List.copyOf(results);
    }

    /** Warnings: sources served from their last good copy. */
    public List<String> warnings() {
      return results.stream().filter(r -> r.outcome() == SourceFetcher.Outcome.STALE_CACHE)
          .map(r -> r.message().orElse("")).toList();
    }

    /** Errors: sources that gave nothing at all. */
    public List<String> errors() {
      return results.stream().filter(r -> !r.ok()).map(r -> r.message().orElse("")).toList();
    }
  }

  /**
   * A refresh: the new catalog and what changed since the last one.
   *
   * @param load the catalog and source results
   * @param diff the change from the last refresh's snapshot (everything added on the first refresh)
   * @param previousAt when the previous snapshot was taken, empty on the first refresh
   */
  public record Refresh(Load load, CatalogDiff diff, Optional<Instant> previousAt) {}

  /** The sources added from the web UI or the API. */
  public AddedSources added() {
    return added;
  }

  /** The enabled sources of the config, then those added from the web UI or API ({@link AddedSources}). */
  public List<SourceConfig> sources() {
    List<SourceConfig> all = new java.util.ArrayList<>(config.sources().stream().filter(SourceConfig::enabled).toList());
    java.util.Set<String> seen = new java.util.HashSet<>(all.stream().map(SourceConfig::url).toList());
    added.sources().stream().filter(s -> seen.add(s.url())).forEach(all::add);
    return List.copyOf(all);
  }

  /**
   * Builds the catalog, using cached copies younger than {@code iptv.refreshInterval} without asking
   * the sources again.
   *
   * @throws IllegalArgumentException when a configured group rule is invalid
   */
  public Load load() {
    return load(config.refreshInterval());
  }

  /**
   * Fetches every source (conditionally), builds the catalog, compares it with the previous
   * refresh and saves it as the new snapshot; when no source gave anything the snapshot is kept.
   */
  public Refresh refresh() throws IOException {
    if (cleaned.compareAndSet(false, true)) {
      // What a run killed while writing left: temporary files only (each write is a rename into place).
      SourceFetcher.removeStaleTemporaries(snapshotFile.getParent(), STALE_TEMPORARY, clock.instant());
      SourceFetcher.removeStaleTemporaries(snapshotFile.getParent().resolve("sources"), STALE_TEMPORARY, clock.instant());
    }
    Load load = load(Duration.ZERO);
    Optional<Snapshot> previous = readSnapshot();
    List<CatalogDiff.Item> after = load.catalog().channels().stream().map(CatalogDiff.Item::of).toList();
    CatalogDiff diff = CatalogDiff.between(previous.map(Snapshot::items).orElse(List.of()), after);
    if (load.results().stream().anyMatch(SourceFetcher.Result::ok)) {
      writeSnapshot(load.catalog());
    }
    load.warnings().forEach(w -> LOG.warn("event=iptv.source.stale {}", w));
    load.errors().forEach(e -> LOG.warn("event=iptv.source.failed {}", e));
    LOG.info("event=iptv.refresh channels={} added={} removed={} changed={}", after.size(), diff.added().size(),
        diff.removed().size(), diff.changed().size());
    return new Refresh(load, diff, previous.map(Snapshot::takenAt));
  }

  private Load load(Duration maxAge) {
    List<SourceConfig> sources = sources();
    List<SourceFetcher.Result> results = new ArrayList<>(sources.size());
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<SourceFetcher.Result>> futures = new ArrayList<>();
      for (SourceConfig s : sources) {
        futures.add(pool.submit(() -> fetcher.fetch(s, maxAge)));
      }
      for (Future<SourceFetcher.Result> f : futures) {
        results.add(f.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading playlist sources", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("reading a playlist source failed: " + e.getCause(), e.getCause());
    }
    List<CatalogBuilder.Input> inputs = new ArrayList<>();
    for (SourceFetcher.Result r : results) {
      r.playlist().ifPresent(p -> inputs.add(new CatalogBuilder.Input(r.source(), p)));
    }
    ChannelCatalog catalog = CatalogBuilder.build(inputs, config.groups());
    List<String> unknown = catalog.setFavourites(config.favourites());
    if (!unknown.isEmpty() && !inputs.isEmpty()) {
      LOG.warn("event=iptv.favourites.unknown entries=\"{}\" effect=\"no channel has these ids or names\"", String.join(", ", unknown));
    }
    return new Load(catalog, results);
  }

  /**
   * The last refresh's catalog as the diff sees it.
   *
   * @param takenAt when it was saved
   * @param items its channels
   */
  record Snapshot(Instant takenAt, List<CatalogDiff.Item> items) {}

  Optional<Snapshot> readSnapshot() {
    if (!Files.isRegularFile(snapshotFile)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(snapshotFile.toFile());
      List<CatalogDiff.Item> items = new ArrayList<>();
      for (JsonNode c : root.path("channels")) {
        List<String> urls = new ArrayList<>();
        c.path("sources").forEach(s -> urls.add(s.path("url").asText("")));
        items.add(new CatalogDiff.Item(c.path("id").asText(""), c.path("name").asText(""), c.path("group").asText(""),
            c.path("logo").asText(""), c.path("country").asText(""), c.path("language").asText(""), urls));
      }
      return Optional.of(new Snapshot(Instant.parse(root.path("refreshedAt").asText()), items));
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=iptv.snapshot.unreadable file={} reason=\"{}\"", snapshotFile, e.getMessage());
      return Optional.empty();
    }
  }

  private void writeSnapshot(ChannelCatalog catalog) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", 1);
    root.put("refreshedAt", clock.instant().toString());
    root.put("channels", ChannelJson.channels(catalog.channels()));
    SourceFetcher.writeAtomically(snapshotFile, JSON.writeValueAsBytes(root));
  }
}
