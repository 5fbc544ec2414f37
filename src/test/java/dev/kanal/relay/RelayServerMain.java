package dev.kanal.relay;

import dev.kanal.server.KanalServer;
import dev.kanal.server.Metrics;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs Kanal's server with the HLS relay in its own JVM, for the relay benchmarks:
 * {@code RelayServerMain UPSTREAM_BASE [CACHE_SIZE]} relays two channels, {@code fast}
 * ({@code UPSTREAM_BASE/fast/index.m3u8}) and {@code slow} ({@code UPSTREAM_BASE/slow/index.m3u8}),
 * both allowed private addresses. Prints {@code listening URL} and runs until killed.
 */
public final class RelayServerMain {

  private RelayServerMain() {}

  /** Starts the server; arguments: the upstream's base URL and, optionally, the cache size. */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: RelayServerMain UPSTREAM_BASE [CACHE_SIZE]");
      System.exit(2);
    }
    String base = args[0];
    String cache = args.length > 1 ? args[1] : "512MiB";
    RelayHarness relay = RelayHarness.start(RelayHarness.config(cache, 3),
        RelayHarness.channel("fast", RelayHarness.source(base + "/fast/index.m3u8", 0, true, Map.of())),
        RelayHarness.channel("slow", RelayHarness.source(base + "/slow/index.m3u8", 0, true, Map.of())));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      relay.close();
      stopped.countDown();
    }, "relay-server-shutdown"));
    System.out.println("listening " + relay.server.url());
    System.out.flush();
    stopped.await();
  }
}
