package dev.kanal.library;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the library current in the background: a first scan at start, a scan shortly after the file
 * system reports a change in a library folder (debounced: a copy of a large file produces many events),
 * and a full rescan at a fixed interval, which also catches what notifications miss (network shares,
 * an overflowed event queue). Scans are incremental: files whose size and modification time did not
 * change cost one {@code stat}.
 */
public final class LibraryWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LibraryWatcher.class);

  private final Library library;
  private final Duration debounce;
  private final ScheduledExecutorService scheduler;
  private final WatchService watcher;
  private final Set<Path> registered = new HashSet<>();
  private final Thread watchThread;
  private ScheduledFuture<?> pending;
  private volatile ScanReport lastReport;

  private LibraryWatcher(Library library, Duration debounce, WatchService watcher) {
    this.library = library;
    this.debounce = debounce;
    this.watcher = watcher;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kanal-library");
      t.setDaemon(true);
      return t;
    });
    this.watchThread = watcher == null ? null : Thread.ofPlatform().daemon().name("kanal-library-watch").unstarted(this::watchLoop);
  }

  /**
   * Starts background scanning: now, every {@code rescanInterval}, and {@code debounce} after a
   * change when {@code watch} is on.
   */
  public static LibraryWatcher start(Library library, Duration rescanInterval, boolean watch, Duration debounce) {
    WatchService service = null;
    if (watch && !library.roots().isEmpty()) {
      try {
        service = FileSystems.getDefault().newWatchService();
      } catch (IOException | UnsupportedOperationException e) {
        log.warn("event=library.watch_unavailable error=\"{}\" fallback=\"rescan every {}\"", e.getMessage(), rescanInterval);
      }
    }
    LibraryWatcher w = new LibraryWatcher(library, debounce, service);
    if (w.watchThread != null) {
      w.watchThread.start();
    }
    w.scheduler.schedule(w::scanNow, 0, TimeUnit.MILLISECONDS);
    long every = rescanInterval.toMillis();
    w.scheduler.scheduleWithFixedDelay(w::scanNow, every, every, TimeUnit.MILLISECONDS);
    return w;
  }

  /** The report of the last finished scan, or null before the first one ends. */
  public ScanReport lastReport() {
    return lastReport;
  }

  /** Asks for a scan soon (after the debounce delay); calls within that delay share one scan. */
  public synchronized void requestScan() {
    if (pending != null && !pending.isDone()) {
      return;
    }
    pending = scheduler.schedule(this::scanNow, debounce.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void scanNow() {
    try {
      lastReport = library.scan();
      register(library.directories());
    } catch (Exception e) {
      // A failed scan must not stop the schedule: log it, try again at the next trigger.
      log.error("event=library.scan_failed error=\"{}\"", e.toString(), e);
    }
  }

  private synchronized void register(Set<Path> directories) {
    if (watcher == null) {
      return;
    }
    registered.retainAll(directories);
    for (Path dir : directories) {
      if (registered.contains(dir)) {
        continue;
      }
      try {
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
            StandardWatchEventKinds.ENTRY_MODIFY);
        registered.add(dir);
      } catch (IOException e) {
        log.warn("event=library.watch_failed dir=\"{}\" error=\"{}\"", dir, e.getMessage());
      }
    }
  }

  private void watchLoop() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        key.pollEvents();
        key.reset();
        requestScan();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closing
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // best effort
      }
    }
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
