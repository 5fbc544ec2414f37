package dev.kanal.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On-demand segments on disk ({@code root/<stream>/<n>.ts}), bounded in bytes: when a new segment
 * pushes the total over the limit, the least recently used segments are deleted. The index of what
 * is there lives in memory and is rebuilt from the folder (oldest modification first) at start, so
 * the cache survives restarts. Thread-safe; every method touches the disk only briefly.
 */
final class SegmentCache {

  private static final Logger log = LoggerFactory.getLogger(SegmentCache.class);

  private final Path root;
  private final long maxBytes;
  /** Segment file -> size, in access order (eldest first). */
  private final LinkedHashMap<Path, Long> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long totalBytes;
  private long evictions;

  SegmentCache(Path root, long maxBytes) throws IOException {
    this.root = root;
    this.maxBytes = maxBytes;
    Files.createDirectories(root);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root, 2)) {
      walk.filter(p -> p.getFileName().toString().endsWith(".ts") && Files.isRegularFile(p)
          && !p.getParent().getFileName().toString().startsWith("job-")).forEach(found::add);
    }
    found.sort(Comparator.comparing(SegmentCache::modified));
    synchronized (this) {
      for (Path p : found) {
        long size = Files.size(p);
        entries.put(p, size);
        totalBytes += size;
      }
      evict();
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** The folder of one stream's segments. */
  Path streamDir(String stream) {
    return root.resolve(stream);
  }

  /** Segment {@code n} of {@code stream}, when cached (and marks it used). */
  synchronized Optional<Path> get(String stream, int n) {
    Path p = root.resolve(stream).resolve(n + ".ts");
    if (entries.get(p) == null) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(p)) {
      totalBytes -= entries.remove(p);
      return Optional.empty();
    }
    return Optional.of(p);
  }

  /** Moves a finished segment file into the cache (atomically) and evicts what no longer fits. */
  Path put(String stream, int n, Path finished) throws IOException {
    Path dir = root.resolve(stream);
    Files.createDirectories(dir);
    Path target = dir.resolve(n + ".ts");
    long size = Files.size(finished);
    try {
      Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(finished, target, StandardCopyOption.REPLACE_EXISTING);
    }
    synchronized (this) {
      Long old = entries.put(target, size);
      totalBytes += size - (old == null ? 0 : old);
      evict();
    }
    return target;
  }

  /** Bytes cached now. */
  synchronized long totalBytes() {
    return totalBytes;
  }

  /** Segments deleted to stay within the limit so far. */
  synchronized long evictions() {
    return evictions;
  }

  private void evict() {
    Iterator<Map.Entry<Path, Long>> it = entries.entrySet().iterator();
    while (totalBytes > maxBytes && it.hasNext()) {
      Map.Entry<Path, Long> eldest = it.next();
      it.remove();
      totalBytes -= eldest.getValue();
      evictions++;
      try {
        Files.deleteIfExists(eldest.getKey());
      } catch (IOException e) {
        log.warn("event=vod.cache.delete_failed file={} error=\"{}\"", root.relativize(eldest.getKey()), e.toString());
      }
    }
  }

  /** Deletes leftovers of jobs that were running when the process stopped. */
  void removeStaleJobDirs() {
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path stream : dirs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> jobs = Files.list(stream)) {
          for (Path job : jobs.filter(p -> p.getFileName().toString().startsWith("job-")).toList()) {
            deleteTree(job);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a later start removes it
    }
  }
}
