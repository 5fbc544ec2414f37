package dev.kanal.discovery;

import dev.kanal.config.KanalConfig.DiscoveryConfig;
import java.io.IOException;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery for a running server (issue #11): announces it over mDNS/DNS-SD and SSDP on the
 * chosen interface addresses, keeps the list of what else answers ({@link #nearby()}, served as
 * {@code GET /api/discovery}), re-announces when the addresses change (checked every
 * {@link #ADDRESS_CHECK}), and says goodbye (mDNS TTL 0, SSDP {@code ssdp:byebye}) on {@link #close}.
 * Start it after the HTTP server is bound: announcements carry its port.
 */
public final class Discovery implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Discovery.class);
  static final Duration ADDRESS_CHECK = Duration.ofSeconds(30);

  /**
   * What discovery does.
   *
   * @param mdns whether mDNS/DNS-SD is on
   * @param ssdp whether SSDP is on
   * @param addresses the interface addresses it announces on, e.g. {@code eth0/192.168.1.5}
   */
  public record Status(boolean mdns, boolean ssdp, List<String> addresses) {
    public Status {
      addresses = List.copyOf(addresses);
    }
  }

  private final DiscoveryConfig config;
  private final Announcement self;
  private final Nearby nearby;
  private final boolean mdnsOn;
  private final boolean ssdpOn;
  private final ExecutorService fetchThreads = Executors.newThreadPerTaskExecutor(
      Thread.ofVirtual().name("kanal-discovery-fetch-", 0).factory());
  private final LanHttp http = new LanHttp();
  private final ScheduledExecutorService watcher;
  private List<Interfaces.Local> locals = List.of();
  private Optional<Mdns> mdns = Optional.empty();
  private Optional<Ssdp> ssdp = Optional.empty();
  private boolean closed;
  /** What {@link #status()} answers; replaced after each (re)start, read without the lock (HTTP event loops). */
  private volatile Status status = new Status(false, false, List.of());

  private Discovery(DiscoveryConfig config, Announcement self, boolean mdnsOn, boolean ssdpOn) {
    this.config = config;
    this.self = self;
    this.mdnsOn = mdnsOn;
    this.ssdpOn = ssdpOn;
    this.nearby = new Nearby(Clock.systemUTC(), self.id());
    this.watcher = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("kanal-discovery-watch").daemon(true).factory());
  }

  /**
   * Starts announcing {@code self} as {@code config} says: each protocol {@code on}, {@code off}, or
   * {@code auto} (on unless the server is bound to loopback). mDNS registration runs in the
   * background (JmDNS probes the LAN first), so this returns at once. A protocol that cannot start
   * (e.g. no multicast-capable interface) is logged, never fatal.
   */
  public static Discovery start(DiscoveryConfig config, Announcement self) {
    boolean loopback = Interfaces.isLoopback(self.host());
    boolean mdnsOn = enabled(config.mdns(), loopback);
    boolean ssdpOn = enabled(config.ssdp(), loopback);
    Discovery d = new Discovery(config, self, mdnsOn, ssdpOn);
    if (!mdnsOn && !ssdpOn) {
      log.info("event=discovery.off mdns={} ssdp={} host={}", config.mdns(), config.ssdp(), self.host());
      return d;
    }
    d.watcher.execute(d::refresh);
    long every = ADDRESS_CHECK.toMillis();
    d.watcher.scheduleWithFixedDelay(d::refresh, every, every, TimeUnit.MILLISECONDS);
    return d;
  }

  static boolean enabled(String mode, boolean loopback) {
    return switch (mode.toLowerCase(Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> !loopback;
    };
  }

  /** Starts (or restarts, when the addresses changed) mDNS and SSDP on the current addresses. */
  private synchronized void refresh() {
    if (closed) {
      return;
    }
    List<Interfaces.Local> now;
    try {
      now = Interfaces.forServer(Interfaces.candidates(), self.host(), config.interfaces());
    } catch (SocketException | RuntimeException e) {
      log.warn("event=discovery.interfaces.failed error=\"{}\"", e.toString());
      return;
    }
    if (now.equals(locals) && (mdns.isPresent() || !mdnsOn) && (ssdp.isPresent() || !ssdpOn)) {
      return;
    }
    if (!locals.isEmpty()) {
      log.info("event=discovery.addresses.changed before={} after={}", locals, now);
    }
    stopProtocols();
    locals = now;
    if (now.isEmpty()) {
      log.warn("event=discovery.no_interface host={} interfaces={} hint=\"no multicast-capable IPv4 interface matches;"
          + " set discovery.interfaces or server.host\"", self.host(), config.interfaces());
      return;
    }
    if (ssdpOn) {
      try {
        SsdpBrowser browser = new SsdpBrowser(nearby, http, fetchThreads);
        ssdp = Optional.of(Ssdp.start(Optional.of(self), now, Optional.of(browser), config.notifyInterval(),
            self.version()));
      } catch (IOException | RuntimeException e) {
        log.warn("event=ssdp.failed addresses={} error=\"{}\"", now, e.toString());
      }
    }
    if (mdnsOn) {
      try {
        mdns = Optional.of(Mdns.start(Optional.of(self), now, nearby));
      } catch (IOException | RuntimeException e) {
        log.warn("event=mdns.failed addresses={} error=\"{}\"", now, e.toString());
      }
    }
    status = new Status(mdns.isPresent(), ssdp.isPresent(), now.stream().map(Interfaces.Local::toString).toList());
  }

  private void stopProtocols() {
    status = new Status(false, false, List.of());
    // SSDP first: its byebye is quick; JmDNS takes a few seconds to send its goodbyes.
    ssdp.ifPresent(Ssdp::close);
    ssdp = Optional.empty();
    mdns.ifPresent(Mdns::close);
    mdns = Optional.empty();
  }

  /** What answers on the LAN now (this server excepted). */
  public List<Neighbour> nearby() {
    return nearby.list();
  }

  /** Which protocols are on, and where (never waits for a restart in progress). */
  public Status status() {
    return status;
  }

  /** Says goodbye (mDNS) and byebye (SSDP), then stops. */
  @Override
  public void close() {
    watcher.shutdownNow();
    try {
      watcher.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closed = true;
      stopProtocols();
    }
    fetchThreads.shutdownNow();
    http.close();
  }
}
