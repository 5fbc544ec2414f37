package dev.kanal.discovery;

import dev.kanal.config.KanalConfig.DiscoveryConfig;
import java.io.IOException;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One look around the LAN, for {@code kanal discover}: browses mDNS/DNS-SD and sends SSDP searches
 * on the configured interfaces (every LAN one by default, loopback when there is nothing else) for
 * {@code timeout}, then lists what answered. Announces nothing and does not listen on port 1900.
 */
public final class DiscoveryScan {

  private DiscoveryScan() {}

  /** A scan failed before it could listen: one sentence for the user. */
  public static final class ScanException extends Exception {
    ScanException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Listens for {@code timeout} and returns what answered, by kind and name. */
  public static List<Neighbour> scan(DiscoveryConfig config, Duration timeout, String version)
      throws ScanException, InterruptedException {
    List<Interfaces.Local> locals;
    try {
      locals = Interfaces.forBrowse(Interfaces.candidates(), config.interfaces());
    } catch (SocketException e) {
      throw new ScanException("cannot list network interfaces: " + e.getMessage(), e);
    }
    if (locals.isEmpty()) {
      throw new ScanException("no network interface to search on (none is up with multicast and IPv4"
          + (config.interfaces().isEmpty() ? "" : " among discovery.interfaces " + config.interfaces()) + ")", null);
    }
    Nearby nearby = new Nearby(Clock.systemUTC(), "");
    ExecutorService fetchThreads = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("kanal-discover-fetch-", 0).factory());
    Mdns mdns = null;
    Ssdp ssdp = null;
    try (LanHttp http = new LanHttp()) {
      boolean ssdpOn = !config.ssdp().equalsIgnoreCase("off");
      boolean mdnsOn = !config.mdns().equalsIgnoreCase("off");
      if (ssdpOn) {
        ssdp = Ssdp.start(Optional.empty(), locals, Optional.of(new SsdpBrowser(nearby, http, fetchThreads)),
            config.notifyInterval(), version);
      }
      if (mdnsOn) {
        mdns = Mdns.start(Optional.empty(), locals, nearby);
      }
      Thread.sleep(timeout.toMillis());
      if (ssdp != null) {
        ssdp.close();
        ssdp = null;
      }
      // Descriptions still being fetched get their own time limit, not the listening time.
      fetchThreads.shutdown();
      fetchThreads.awaitTermination(LanHttp.DEADLINE.toMillis() * 2 + 500, TimeUnit.MILLISECONDS);
      return nearby.list();
    } catch (IOException e) {
      throw new ScanException("cannot listen for announcements on " + locals + ": " + e.getMessage(), e);
    } finally {
      if (ssdp != null) {
        ssdp.close();
      }
      if (mdns != null) {
        // Browsing announced nothing, so there is no goodbye to wait for; JmDNS still takes seconds to close.
        Thread.ofPlatform().name("kanal-mdns-close").daemon(true).start(mdns::close);
      }
      fetchThreads.shutdownNow();
    }
  }
}
