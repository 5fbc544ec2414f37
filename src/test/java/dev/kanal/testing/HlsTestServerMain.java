package dev.kanal.testing;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs {@link HlsTestServer} on its own, for benchmarks: serves a folder on 127.0.0.1 with a fixed
 * latency added to every request. Usage: {@code HlsTestServerMain DIR PORT LATENCY_MS}; prints
 * "ready PORT" and serves until killed.
 */
public final class HlsTestServerMain {

  private HlsTestServerMain() {}

  public static void main(String[] args) throws Exception {
    HlsTestServer server = HlsTestServer.start(Path.of(args[0]).toAbsolutePath(), Integer.parseInt(args[1]));
    server.latency(Duration.ofMillis(Long.parseLong(args[2])));
    System.out.println("ready " + server.port());
    Thread.currentThread().join();
  }
}
