package dev.kanal.iptv;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes the catalog on a schedule ({@code iptv.refreshInterval}, default 6 h) and on demand,
 * on one named thread, so refreshes never overlap. The server starts it and closes it on shutdown.
 */
public final class RefreshScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RefreshScheduler.class);

  private final CatalogService service;
  private final Consumer<CatalogService.Refresh> listener;
  private final ScheduledExecutorService executor;

  private RefreshScheduler(CatalogService service, Consumer<CatalogService.Refresh> listener) {
    this.service = service;
    this.listener = listener;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kanal-iptv-refresh");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts refreshing now and then every {@code interval}.
   *
   * @param listener gets each refresh (publish the new catalog there)
   */
  public static RefreshScheduler start(CatalogService service, Duration interval, Consumer<CatalogService.Refresh> listener) {
    Objects.requireNonNull(interval, "interval");
    RefreshScheduler s = new RefreshScheduler(service, listener);
    s.executor.scheduleWithFixedDelay(s::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return s;
  }

  /** Asks for a refresh now (queued behind one that is running). */
  public void refreshNow() {
    executor.execute(this::runOnce);
  }

  private void runOnce() {
    try {
      listener.accept(service.refresh());
    } catch (Exception e) {
      LOG.warn("event=iptv.refresh.failed reason=\"{}\"", e.getMessage());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
