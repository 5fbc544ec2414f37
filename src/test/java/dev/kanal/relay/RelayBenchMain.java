package dev.kanal.relay;

import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.Nginx;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The relay benchmarks (bench/relay-latency.sh, bench/relay-vs-nginx.sh), all on 127.0.0.1: an
 * upstream ({@link HlsTestServer}, in this JVM) with two VOD playlists, {@code /fast/} (segments
 * answered at once) and {@code /slow/} (each segment answered after {@code delayMs}); Kanal's relay
 * in its own JVM ({@link RelayServerMain}); nginx as a caching reverse proxy with
 * {@code proxy_cache_lock on} (for {@code coalesce}).
 *
 * <ul>
 *   <li>{@code latency REPEATS ITERATIONS SIZE_KIB}: a cached segment through the relay vs the same
 *       segment from the upstream directly, one keep-alive connection each, requests alternating;
 *       p50/p99 of both and of the difference.</li>
 *   <li>{@code coalesce REPEATS ROUNDS VIEWERS DELAY_MS SIZE_KIB}: per round a segment nobody asked
 *       for yet, requested by VIEWERS viewers at the same moment through Kanal and through nginx
 *       (alternating which goes first); viewer latency p50/p99 (request to last byte) and upstream
 *       requests per segment. The first two rounds warm up and are not counted.</li>
 * </ul>
 * Each repeat starts fresh processes; the last lines are the medians over the repeats.
 */
public final class RelayBenchMain {

  private RelayBenchMain() {}

  /** Runs one benchmark (see the class comment for the arguments). */
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: RelayBenchMain latency REPEATS ITERATIONS SIZE_KIB | "
          + "coalesce REPEATS ROUNDS VIEWERS DELAY_MS SIZE_KIB");
      System.exit(2);
    }
    switch (args[0]) {
      case "latency" -> latency(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      case "coalesce" -> coalesce(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      default -> {
        System.err.println("unknown mode " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  /** The upstream: /fast/ and /slow/ VOD playlists of {@code count} segments of {@code size} bytes. */
  private static HlsTestServer upstream(Path dir, int count, int size, int delayMs) throws Exception {
    byte[] body = new byte[size];
    new Random(42).nextBytes(body);
    body[0] = 0x47;
    HlsTestServer up = HlsTestServer.start(dir);
    for (String kind : List.of("fast", "slow")) {
      StringBuilder p = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n");
      for (int k = 0; k < count; k++) {
        p.append("#EXTINF:4.0,\nseg").append(k).append(".ts\n");
      }
      p.append("#EXT-X-ENDLIST\n");
      byte[] text = p.toString().getBytes(StandardCharsets.UTF_8);
      up.route("/" + kind + "/index.m3u8", () -> new HlsTestServer.Body(text, "application/vnd.apple.mpegurl"));
      boolean slow = kind.equals("slow");
      up.routePrefix("/" + kind + "/seg", path -> {
        if (slow) {
          try {
            Thread.sleep(delayMs);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return new HlsTestServer.Body(body, "video/mp2t");
      });
    }
    return up;
  }

  /** Kanal's relay in its own JVM, and the port it listens on. */
  private record Relay(KanalProcess process, int port) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      process.terminate(Duration.ofSeconds(10));
      process.close();
    }
  }

  private static Relay relay(Path dir, HlsTestServer up) throws Exception {
    KanalProcess p = KanalProcess.startJava(dir, List.of(),
        RelayServerMain.class.getName(), "http://127.0.0.1:" + up.port(), "512MiB");
    String url = p.awaitLine("listening (\\S+)", Duration.ofSeconds(60));
    return new Relay(p, URI.create(url).getPort());
  }

  // ---- (a) added latency of a cached segment ----

  private static void latency(int repeats, int iterations, int sizeKib) throws Exception {
    List<double[]> runs = new ArrayList<>();
    for (int r = 1; r <= repeats; r++) {
      Path dir = Files.createTempDirectory("kanal-bench-relay-");
      try (HlsTestServer up = upstream(dir, 4, sizeKib * 1024, 0); Relay kanal = relay(dir, up)) {
        int relayPort = kanal.port();
        ViewerConnection control = new ViewerConnection("127.0.0.1", relayPort, Duration.ofSeconds(10));
        String playlist = new String(control.get("/live/fast/index.m3u8").body(), StandardCharsets.UTF_8);
        String segment = RelayHarness.segmentPaths("fast", playlist).getFirst();
        ViewerConnection viaRelay = new ViewerConnection("127.0.0.1", relayPort, Duration.ofSeconds(10));
        ViewerConnection direct = new ViewerConnection("127.0.0.1", up.port(), Duration.ofSeconds(10));
        byte[] expected = direct.get("/fast/seg0.ts").body();
        if (!Arrays.equals(viaRelay.get(segment).body(), expected)) {
          throw new AssertionError("the relay sent other bytes than the upstream");
        }
        for (int i = 0; i < Math.max(500, iterations / 4); i++) { // warm-up: JIT, connections, page cache
          viaRelay.get(segment);
          direct.get("/fast/seg0.ts");
        }
        long[] d = new long[iterations];
        long[] k = new long[iterations];
        for (int i = 0; i < iterations; i++) {
          boolean relayFirst = i % 2 == 0;
          if (relayFirst) {
            k[i] = time(viaRelay, segment, expected.length);
            d[i] = time(direct, "/fast/seg0.ts", expected.length);
          } else {
            d[i] = time(direct, "/fast/seg0.ts", expected.length);
            k[i] = time(viaRelay, segment, expected.length);
          }
        }
        long[] added = new long[iterations];
        for (int i = 0; i < iterations; i++) {
          added[i] = k[i] - d[i];
        }
        double[] row = {pct(d, 50), pct(d, 99), pct(k, 50), pct(k, 99), pct(added, 50), pct(added, 99)};
        runs.add(row);
        System.out.printf(Locale.ROOT, "run %d: %d x %d KiB  direct p50 %.3f ms p99 %.3f ms | relay (cached) p50 %.3f ms "
            + "p99 %.3f ms | added p50 %.3f ms p99 %.3f ms%n", r, iterations, sizeKib, row[0], row[1], row[2], row[3],
            row[4], row[5]);
        control.close();
        viaRelay.close();
        direct.close();
      }
    }
    double[] m = medians(runs);
    System.out.printf(Locale.ROOT, "median of %d runs: direct p50 %.3f ms p99 %.3f ms | relay (cached) p50 %.3f ms "
        + "p99 %.3f ms | added p50 %.3f ms p99 %.3f ms | relay/direct p50 %.2fx p99 %.2fx%n", runs.size(), m[0], m[1],
        m[2], m[3], m[4], m[5], m[2] / m[0], m[3] / m[1]);
  }

  private static long time(ViewerConnection c, String path, int length) throws Exception {
    long start = System.nanoTime();
    ViewerConnection.Response r = c.get(path);
    long took = System.nanoTime() - start;
    if (r.status() != 200 || r.body().length != length) {
      throw new AssertionError(path + ": " + r.status() + ", " + r.body().length + " bytes");
    }
    return took;
  }

  // ---- (b) coalescing: Kanal vs nginx proxy_cache_lock ----

  private static void coalesce(int repeats, int rounds, int viewers, int delayMs, int sizeKib) throws Exception {
    List<double[]> runs = new ArrayList<>();
    for (int r = 1; r <= repeats; r++) {
      Path dir = Files.createTempDirectory("kanal-bench-relay-");
      int segments = 2 * (rounds + 2) + 4;
      try (HlsTestServer up = upstream(dir, segments, sizeKib * 1024, delayMs); Relay kanal = relay(dir, up);
          Nginx nginx = Nginx.withHttpBlock((prefix, port) -> """
              proxy_cache_path %1$s/cache levels=1:2 keys_zone=relay:10m max_size=1g inactive=10m use_temp_path=off;
              upstream origin { server 127.0.0.1:%3$d; keepalive 64; }
              server {
                listen 127.0.0.1:%2$d;
                location / {
                  proxy_pass http://origin;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_cache relay;
                  proxy_cache_valid 200 10m;
                  proxy_cache_lock on;
                  proxy_cache_lock_timeout 10s;
                  proxy_cache_lock_age 10s;
                }
              }
              """.formatted(prefix, port, up.port()))) {
        int relayPort = kanal.port();
        ViewerConnection control = new ViewerConnection("127.0.0.1", relayPort, Duration.ofSeconds(10));
        List<String> relayPaths = RelayHarness.segmentPaths("slow",
            new String(control.get("/live/slow/index.m3u8").body(), StandardCharsets.UTF_8));
        List<ViewerConnection> kanalViewers = new ArrayList<>();
        List<ViewerConnection> nginxViewers = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
          kanalViewers.add(new ViewerConnection("127.0.0.1", relayPort, Duration.ofSeconds(30)));
          nginxViewers.add(new ViewerConnection("127.0.0.1", nginx.port(), Duration.ofSeconds(30)));
        }
        List<Long> kanalLatency = new ArrayList<>();
        List<Long> nginxLatency = new ArrayList<>();
        long kanalFetches = 0;
        long nginxFetches = 0;
        int counted = 0;
        for (int round = 0; round < rounds + 2; round++) {
          int kSeg = 2 * round;     // Kanal's segment this round (nobody asked for it yet)
          int nSeg = 2 * round + 1; // nginx's
          List<Long> kl;
          List<Long> nl;
          if (round % 2 == 0) {
            kl = together(kanalViewers, relayPaths.get(kSeg), sizeKib * 1024);
            nl = together(nginxViewers, "/slow/seg" + nSeg + ".ts", sizeKib * 1024);
          } else {
            nl = together(nginxViewers, "/slow/seg" + nSeg + ".ts", sizeKib * 1024);
            kl = together(kanalViewers, relayPaths.get(kSeg), sizeKib * 1024);
          }
          if (round >= 2) {
            kanalLatency.addAll(kl);
            nginxLatency.addAll(nl);
            kanalFetches += up.count("/slow/seg" + kSeg + ".ts");
            nginxFetches += up.count("/slow/seg" + nSeg + ".ts");
            counted++;
          }
        }
        double[] row = {pct(kanalLatency, 50), pct(kanalLatency, 99), (double) kanalFetches / counted,
            pct(nginxLatency, 50), pct(nginxLatency, 99), (double) nginxFetches / counted};
        runs.add(row);
        System.out.printf(Locale.ROOT, "run %d: %d rounds x %d viewers, upstream %d ms per %d KiB segment | Kanal p50 %.1f ms "
            + "p99 %.1f ms, %.2f upstream requests/segment | nginx p50 %.1f ms p99 %.1f ms, %.2f upstream requests/segment%n",
            r, counted, viewers, delayMs, sizeKib, row[0], row[1], row[2], row[3], row[4], row[5]);
        for (ViewerConnection v : kanalViewers) {
          v.close();
        }
        for (ViewerConnection v : nginxViewers) {
          v.close();
        }
        control.close();
      }
    }
    double[] m = medians(runs);
    System.out.printf(Locale.ROOT, "median of %d runs: Kanal p50 %.1f ms p99 %.1f ms, %.2f upstream requests/segment | "
        + "nginx (proxy_cache_lock) p50 %.1f ms p99 %.1f ms, %.2f upstream requests/segment | p99 nginx/Kanal %.2fx%n",
        runs.size(), m[0], m[1], m[2], m[3], m[4], m[5], m[4] / m[1]);
  }

  /** Every viewer GETs {@code path} at the same moment; latencies (request to last byte) in ns. */
  private static List<Long> together(List<ViewerConnection> viewers, String path, int length) throws Exception {
    CountDownLatch ready = new CountDownLatch(viewers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (ViewerConnection v : viewers) {
        results.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return time(v, path, length);
        }));
      }
      ready.await();
      go.countDown();
    }
    List<Long> out = new ArrayList<>();
    for (Future<Long> f : results) {
      out.add(f.get());
    }
    return out;
  }

  private static double pct(long[] values, int p) {
    long[] s = values.clone();
    Arrays.sort(s);
    return s[Math.max(0, (int) Math.ceil(s.length * p / 100.0) - 1)] / 1e6;
  }

  private static double pct(List<Long> values, int p) {
    List<Long> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.get(Math.max(0, (int) Math.ceil(s.size() * p / 100.0) - 1)) / 1e6;
  }

  private static double[] medians(List<double[]> runs) {
    double[] out = new double[runs.getFirst().length];
    for (int c = 0; c < out.length; c++) {
      double[] col = new double[runs.size()];
      for (int r = 0; r < runs.size(); r++) {
        col[r] = runs.get(r)[c];
      }
      Arrays.sort(col);
      out[c] = col.length % 2 == 1 ? col[col.length / 2] : (col[col.length / 2 - 1] + col[col.length / 2]) / 2;
    }
    return out;
  }
}
