package dev.kanal.library;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.media.MediaInfo;
import dev.kanal.media.MediaToolException;
import dev.kanal.media.Prober;
import dev.kanal.store.Database;
import dev.kanal.store.StoreException;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The video library: folders of videos, scanned into the embedded database, probed with ffprobe,
 * and looked up by id to be served.
 *
 * <p>Ids are derived from a content fingerprint the first time a file is seen and stored; a file
 * moved or renamed keeps its id (same size and fingerprint), a file changed in place keeps its id
 * and is probed again. Files are only ever found by id: nothing here turns request text into a path,
 * and {@link #file} re-checks that the file still resolves inside a library folder (a symlink swapped
 * in after the scan is refused).
 *
 * <p>Everything here blocks (file system, database, ffprobe): never call it from an event loop.
 */
public final class Library implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Library.class);
  private static final int MAX_DEPTH = 64;
  private static final int MAX_LISTED = 200;
  private static final int WRITE_BATCH = 500;
  /** How long one ffprobe may take (a slow network disk, a huge file with a bad index). */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

  /**
   * What the server needs to send a video's bytes: kept in memory for every video, small on purpose.
   *
   * @param id the video id
   * @param path the file
   * @param contentType its media type
   * @param fileName its base name
   * @param size its size when catalogued
   * @param modified its modification time when catalogued
   */
  public record FileEntry(String id, Path path, String contentType, String fileName, long size, Instant modified) {}

  private final List<Path> roots;
  private final Database db;
  private final boolean ownsDatabase;
  private final LibraryStore store;
  private final Prober prober;
  private final int probeConcurrency;
  private final Map<String, FileEntry> files = new ConcurrentHashMap<>();
  private volatile Set<Path> lastDirectories = Set.of();

  private Library(List<Path> roots, Database db, boolean ownsDatabase, Prober prober, int probeConcurrency) {
    this.roots = roots;
    this.db = db;
    this.ownsDatabase = ownsDatabase;
    this.store = new LibraryStore(db);
    this.prober = prober;
    this.probeConcurrency = probeConcurrency;
  }

  /**
   * Opens the library catalogue in its own database file (created when missing), closed with the
   * library; what was catalogued before is servable at once, before any scan.
   */
  public static Library open(LibraryConfig config, Path database, Prober prober) throws StoreException {
    Database db = Database.open(database);
    try {
      return open(config, db, true, prober);
    } catch (StoreException | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /** Opens the library catalogue in a shared database, which the caller closes after the library. */
  public static Library open(LibraryConfig config, Database db, Prober prober) throws StoreException {
    return open(config, db, false, prober);
  }

  private static Library open(LibraryConfig config, Database db, boolean owns, Prober prober) throws StoreException {
    db.migrate("library", LibraryStore.MIGRATIONS);
    List<Path> roots = config.folders().stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    Library library = new Library(roots, db, owns, prober, config.probeConcurrency());
    try {
      for (Video v : library.store.all()) {
        if (library.roots.contains(v.root())) {
          library.files.put(v.id(), entry(v));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the library catalogue in " + db.file() + ": " + e.getMessage(), e);
    }
    return library;
  }

  /** The library folders, absolute. */
  public List<Path> roots() {
    return roots;
  }

  /** How many videos are servable now. */
  public int size() {
    return files.size();
  }

  /**
   * The file behind {@code id}, if the id is catalogued and its file still resolves (symlinks
   * followed) to a regular file inside one of the library folders.
   */
  public Optional<FileEntry> file(String id) {
    FileEntry entry = files.get(id);
    if (entry == null) {
      return Optional.empty();
    }
    try {
      Path real = entry.path().toRealPath();
      for (Path root : roots) {
        if (real.startsWith(root.toRealPath()) && Files.isRegularFile(real)) {
          return Optional.of(entry);
        }
      }
      log.warn("event=library.refused id={} reason=\"resolves outside the library folders\"", id);
    } catch (IOException e) {
      log.debug("event=library.missing id={} error=\"{}\"", id, e.toString());
    }
    return Optional.empty();
  }

  /** The full record of a video in the configured folders. */
  public Optional<Video> get(String id) throws SQLException {
    if (!files.containsKey(id)) {
      return Optional.empty();
    }
    return store.get(id);
  }

  /** A page of videos, filtered by a search text and status, sorted. */
  public Page list(String query, Video.Status status, Sort sort, boolean descending, int offset, int limit)
      throws SQLException {
    return store.list(query, status, sort.sort, descending, offset, limit, roots);
  }

  /**
   * A page of a listing.
   *
   * @param items the videos on this page
   * @param total how many videos match, on all pages
   */
  public record Page(List<Video> items, int total) {}

  /** How a listing is sorted. */
  public enum Sort {
    TITLE(LibraryStore.Sort.TITLE), ADDED(LibraryStore.Sort.ADDED), DURATION(LibraryStore.Sort.DURATION),
    SIZE(LibraryStore.Sort.SIZE);

    private final LibraryStore.Sort sort;

    Sort(LibraryStore.Sort sort) {
      this.sort = sort;
    }
  }

  /** The directories the last scan walked (for file-system watching). */
  Set<Path> directories() {
    return lastDirectories;
  }

  private record Found(Path path, Path root, long size, Instant modified, String contentType) {}

  /**
   * Walks every folder, catalogues new, changed, moved and removed files, then probes what is new
   * or changed. One scan runs at a time. A folder that cannot be read is reported and its videos are
   * kept: an unmounted disk does not empty the catalogue.
   */
  public synchronized ScanReport scan() throws SQLException {
    long start = System.nanoTime();
    List<String> skipped = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    Set<Path> walkedRoots = new HashSet<>();
    Set<Path> directories = new LinkedHashSet<>();
    List<Path> realRoots = new ArrayList<>();
    for (Path root : roots) {
      try {
        realRoots.add(root.toRealPath());
      } catch (IOException e) {
        // reported below when walked
      }
    }
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        problems.add("folder not found or not a folder: " + root);
        continue;
      }
      try {
        walk(root, realRoots, found, directories, skipped);
        walkedRoots.add(root);
      } catch (IOException e) {
        problems.add("cannot read " + root + ": " + e.getMessage());
      }
    }
    lastDirectories = Set.copyOf(directories);

    List<Video> known = store.all();
    Map<Path, Video> byPath = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Video v : known) {
      byPath.put(v.path(), v);
      ids.add(v.id());
    }
    Set<Path> foundPaths = new HashSet<>();
    found.forEach(f -> foundPaths.add(f.path()));
    // Videos whose file is gone from a folder that was walked: removed, unless found again elsewhere (moved).
    Map<String, List<Video>> goneByFingerprint = new HashMap<>();
    for (Video v : known) {
      if (walkedRoots.contains(v.root()) && !foundPaths.contains(v.path())) {
        goneByFingerprint.computeIfAbsent(v.fingerprint(), k -> new ArrayList<>()).add(v);
      }
    }

    List<Video> upserts = new ArrayList<>();
    List<Video> toProbe = new ArrayList<>();
    int added = 0;
    int changed = 0;
    int moved = 0;
    int unchanged = 0;
    List<Found> fresh = new ArrayList<>();
    for (Found f : found) {
      Video old = byPath.get(f.path());
      if (old == null) {
        fresh.add(f);
      } else if (old.size() == f.size() && old.modified().equals(f.modified()) && old.root().equals(f.root())) {
        unchanged++;
        if (old.status() == Video.Status.PENDING) {
          toProbe.add(old);
        }
      } else {
        Optional<String> fingerprint = fingerprint(f, skipped);
        if (fingerprint.isEmpty()) {
          continue;
        }
        Video v = video(old.id(), f, fingerprint.get(), old.added(), Video.Status.PENDING, null, null);
        upserts.add(v);
        toProbe.add(v);
        changed++;
      }
    }
    fresh.sort(Comparator.comparing(Found::path));
    Instant now = Instant.now();
    for (Found f : fresh) {
      Optional<String> fingerprint = fingerprint(f, skipped);
      if (fingerprint.isEmpty()) {
        continue;
      }
      List<Video> candidates = goneByFingerprint.getOrDefault(fingerprint.get(), List.of());
      Optional<Video> source = candidates.stream().filter(v -> v.size() == f.size()).findFirst();
      if (source.isPresent()) {
        Video old = source.get();
        candidates.remove(old);
        Video v = video(old.id(), f, old.fingerprint(), old.added(), old.status(), old.reason(), old.info());
        upserts.add(v);
        if (v.status() == Video.Status.PENDING) {
          toProbe.add(v);
        }
        moved++;
        continue;
      }
      String base = Fingerprint.id(fingerprint.get());
      String id = base;
      for (int n = 2; ids.contains(id); n++) {
        id = base + "-" + n;
      }
      ids.add(id);
      Video v = video(id, f, fingerprint.get(), now, Video.Status.PENDING, null, null);
      upserts.add(v);
      toProbe.add(v);
      added++;
    }
    List<String> removed = new ArrayList<>();
    goneByFingerprint.values().forEach(list -> list.forEach(v -> removed.add(v.id())));

    store.write(upserts, removed);
    removed.forEach(files::remove);
    for (Video v : upserts) {
      files.put(v.id(), entry(v));
    }
    int[] probeCounts = probeAll(toProbe);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    ScanReport report = new ScanReport(found.size(), added, changed, moved, removed.size(), unchanged, probeCounts[0],
        probeCounts[1], skipped, problems, elapsed);
    log.info("event=library.scan files={} added={} changed={} moved={} removed={} probed={} broken={} skipped={} problems={} ms={}",
        report.files(), added, changed, moved, removed.size(), probeCounts[0], probeCounts[1], skipped.size(),
        problems.size(), elapsed.toMillis());
    return report;
  }

  private void walk(Path root, List<Path> realRoots, List<Found> found, Set<Path> directories, List<String> skipped)
      throws IOException {
    Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), MAX_DEPTH, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (!insideLibrary(dir, realRoots)) {
          note(skipped, "folder links out of the library folders: " + dir);
          return FileVisitResult.SKIP_SUBTREE;
        }
        directories.add(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (!attrs.isRegularFile()) {
          return FileVisitResult.CONTINUE;
        }
        Optional<String> type = VideoTypes.of(file.getFileName().toString());
        if (type.isEmpty()) {
          return FileVisitResult.CONTINUE;
        }
        if (!insideLibrary(file, realRoots)) {
          note(skipped, "file links out of the library folders: " + file);
          return FileVisitResult.CONTINUE;
        }
        found.add(new Found(file.toAbsolutePath().normalize(), root, attrs.size(),
            attrs.lastModifiedTime().toInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), type.get()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        if (e instanceof FileSystemLoopException) {
          note(skipped, "folder loop (a link to a parent folder): " + file);
        } else if (!file.equals(root)) {
          note(skipped, "cannot read " + file + ": " + e.getMessage());
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static boolean insideLibrary(Path path, List<Path> realRoots) {
    try {
      Path real = path.toRealPath();
      return realRoots.stream().anyMatch(real::startsWith);
    } catch (IOException e) {
      return false;
    }
  }

  private static void note(List<String> list, String message) {
    if (list.size() < MAX_LISTED) {
      list.add(message);
    }
    log.debug("event=library.skip reason=\"{}\"", message);
  }

  private static Optional<String> fingerprint(Found f, List<String> skipped) {
    try {
      return Optional.of(Fingerprint.of(f.path(), f.size()));
    } catch (IOException e) {
      note(skipped, "cannot read " + f.path() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Video video(String id, Found f, String fingerprint, Instant added, Video.Status status, String reason,
      MediaInfo info) {
    Path parent = f.root().relativize(f.path()).getParent();
    String collection = parent == null ? "" : parent.toString().replace(java.io.File.separatorChar, '/');
    String fileName = f.path().getFileName().toString();
    return new Video(id, f.path(), f.root(), collection, fileName, Titles.fromFileName(fileName), f.contentType(),
        f.size(), f.modified(), fingerprint, added, status, reason, info);
  }

  private static FileEntry entry(Video v) {
    return new FileEntry(v.id(), v.path(), v.contentType(), v.fileName(), v.size(), v.modified());
  }

  /** Probes videos with bounded concurrency, writing results in batches; returns {probed, broken}. */
  private int[] probeAll(List<Video> videos) throws SQLException {
    if (videos.isEmpty()) {
      return new int[] {0, 0};
    }
    Semaphore slots = new Semaphore(probeConcurrency);
    int probed = 0;
    int broken = 0;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Video>> results = new ArrayList<>(videos.size());
      for (Video v : videos) {
        results.add(pool.submit(() -> {
          slots.acquire();
          try {
            return probe(v);
          } finally {
            slots.release();
          }
        }));
      }
      List<Video> batch = new ArrayList<>();
      for (Future<Video> result : results) {
        Video v;
        try {
          v = result.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          pool.shutdownNow();
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("probe task failed", e.getCause());
        }
        if (v.status() == Video.Status.PENDING) {
          continue;
        }
        probed++;
        if (v.status() == Video.Status.BROKEN) {
          broken++;
        }
        batch.add(v);
        if (batch.size() >= WRITE_BATCH) {
          store.write(batch, List.of());
          batch.clear();
        }
      }
      store.write(batch, List.of());
    }
    return new int[] {probed, broken};
  }

  /** Probes one video; stays PENDING when ffprobe itself failed (tried again on the next scan). */
  private Video probe(Video v) {
    try {
      MediaInfo info = prober.probe(v.path());
      return v.probed(Video.Status.OK, null, info);
    } catch (Prober.BrokenMediaException e) {
      log.debug("event=library.broken id={} file=\"{}\" reason=\"{}\"", v.id(), v.fileName(), e.getMessage());
      return v.probed(Video.Status.BROKEN, e.getMessage(), null);
    } catch (IOException e) {
      return v.probed(Video.Status.BROKEN, "cannot read the file (" + e.getClass().getSimpleName() + ")", null);
    } catch (MediaToolException e) {
      log.warn("event=library.probe_failed id={} error=\"{}\"", v.id(), e.getMessage());
      return v;
    }
  }

  @Override
  public void close() {
    if (ownsDatabase) {
      db.close();
    }
  }
}
