package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the live TV catalog (issue #13): {@code kanal serve} (its own JVM) is killed with
 * SIGKILL during its start-up refresh, while the source (a slow local upstream that drips a new,
 * larger playlist) is still sending and at several moments after its last byte, while Kanal parses,
 * builds and writes. Each time, {@code iptv/catalog.json} and the source's cached copy
 * ({@code iptv/sources/*.m3u} and {@code .json}) are whole: the old version or the new one, never
 * part of one; and the next start serves a catalog, even with the source gone. Slow (eight starts of
 * Kanal, about 90 s on the busy 2-core machine): CI runs it, {@code -Pquick} skips it.
 */
@Tag("slow")
class CatalogRefreshCrashTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";
  static final ObjectMapper JSON = new ObjectMapper();
  static final int OLD_CHANNELS = 3000;
  static final int NEW_CHANNELS = 4000;

  @TempDir
  Path dir;

  /** The upstream: one playlist, sent at once or in slow chunks; notes when its last byte went out. */
  static final class SlowSource implements AutoCloseable {
    final HttpServer server;
    volatile byte[] body;
    volatile boolean drip;
    final AtomicReference<CountDownLatch> begun = new AtomicReference<>(new CountDownLatch(1));
    final AtomicReference<CountDownLatch> sent = new AtomicReference<>(new CountDownLatch(1));

    SlowSource(byte[] body) throws IOException {
      this.body = body;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.createContext("/list.m3u", this::handle);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/list.m3u";
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] b = body;
      CountDownLatch done = sent.get();
      begun.get().countDown();
      exchange.getResponseHeaders().set("Content-Type", "audio/x-mpegurl");
      exchange.sendResponseHeaders(200, b.length);
      try (OutputStream out = exchange.getResponseBody()) {
        int chunks = drip ? 20 : 1;
        int size = (b.length + chunks - 1) / chunks;
        for (int off = 0; off < b.length; off += size) {
          out.write(b, off, Math.min(size, b.length - off));
          out.flush();
          if (drip && off + size < b.length) {
            Thread.sleep(50);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        done.countDown();
      }
    }

    /** Fresh signals for the next request: its first byte ([0]) and its last byte ([1]). */
    CountDownLatch[] next() {
      CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
      begun.set(latches[0]);
      sent.set(latches[1]);
      return latches;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  @Timeout(300)
  void killDuringCatalogRefresh_leavesTheOldOrTheNewCatalogAndCache_neverPartOfOne_andTheNextStartWorks()
      throws Exception {
    byte[] oldList = playlist("Old", OLD_CHANNELS);
    byte[] newList = playlist("New", NEW_CHANNELS);
    Path data = dir.resolve("data");
    Path iptv = data.resolve("iptv");
    try (SlowSource source = new SlowSource(oldList)) {
      Path config = Files.writeString(dir.resolve("kanal.yaml"), """
          iptv:
            sources:
              - %s
          """.formatted(source.url()));
      // The old version, complete.
      CountDownLatch first = source.next()[1];
      try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
          "--data", data.toString())) {
        JsonHttp api = new JsonHttp(kanal.awaitLine(SERVING, Duration.ofSeconds(60)));
        assertThat(first.await(60, TimeUnit.SECONDS)).isTrue();
        awaitChannels(api, OLD_CHANNELS);
        awaitWhole(iptv, oldList, OLD_CHANNELS);
        kanal.terminate(Duration.ofSeconds(30));
      }
      assertThat(whole(iptv, oldList, newList)).isEqualTo("old/old");

      // Killed while the new version drips in, then at moments after its last byte.
      source.body = newList;
      source.drip = true;
      List<String> outcomes = new ArrayList<>();
      // When to kill: mid-body, fixed delays after the last byte, the moment a temporary file of the
      // source cache or of catalog.json appears (a write in progress), and once the new catalog is in place.
      List<String> moments = List.of("mid-body", "+120ms", "cache-write", "catalog-write", "+800ms", "done");
      for (String moment : moments) {
        CountDownLatch[] signals = source.next();
        List<String> earlier = leftovers(iptv);
        try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
            "--data", data.toString())) {
          // The start-up refresh may begin before the server prints its address: time the kill from the source's side.
          if (moment.equals("mid-body")) {
            // About half of the drip (20 x 50 ms) has gone out.
            assertThat(signals[0].await(60, TimeUnit.SECONDS)).as("the source was asked").isTrue();
            Thread.sleep(400);
          } else {
            assertThat(signals[1].await(60, TimeUnit.SECONDS)).as("the source was read").isTrue();
            switch (moment) {
              case "cache-write" -> awaitFile(iptv.resolve("sources"), n -> n.startsWith(".tmp-") && !earlier.contains(n));
              case "catalog-write" -> awaitFile(iptv, n -> n.startsWith(".tmp-") && !earlier.contains(n));
              case "done" -> awaitCatalog(iptv, NEW_CHANNELS);
              default -> Thread.sleep(Long.parseLong(moment.substring(1, moment.length() - 2)));
            }
          }
          kanal.kill(Duration.ofSeconds(10));
        }
        outcomes.add(moment + ":" + whole(iptv, oldList, newList) + (leftovers(iptv).size() > earlier.size() ? "+tmp" : ""));
      }
      assertThat(outcomes.getLast()).startsWith("done:new/new");
      System.out.println("event=crash.catalog outcomes=" + String.join(",", outcomes));

      // A run killed a while ago left only temporary files, which the next refresh removes.
      for (Path d : List.of(iptv, iptv.resolve("sources"))) {
        try (var files = Files.list(d)) {
          for (Path f : files.toList()) {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
          }
        }
      }
      // The next start works with the source gone: the cached copy, whole.
      source.close();
      try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
          "--data", data.toString())) {
        JsonHttp api = new JsonHttp(kanal.awaitLine(SERVING, Duration.ofSeconds(60)));
        String cached = whole(iptv, oldList, newList).split("/")[1];
        awaitChannels(api, cached.equals("new") ? NEW_CHANNELS : OLD_CHANNELS);
        assertThat(kanal.stderr()).contains("event=iptv.source.stale");
        kanal.terminate(Duration.ofSeconds(30));
      }
      assertThat(leftovers(iptv)).as("temporary files after the next start").isEmpty();
    }
  }

  /** An M3U of {@code n} channels named {@code prefix N}. */
  static byte[] playlist(String prefix, int n) {
    StringBuilder b = new StringBuilder("#EXTM3U\n");
    for (int i = 0; i < n; i++) {
      b.append(String.format(Locale.ROOT, "#EXTINF:-1 tvg-id=\"%s.%d\" group-title=\"Group %d\",%s %d%n", prefix, i,
          i % 20, prefix, i));
      b.append("https://cdn.example/").append(prefix).append('/').append(i).append("/index.m3u8\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Checks catalog.json and the source cache are whole, each the old or the new version; returns
   * {@code catalog/cache} as {@code old} or {@code new}.
   */
  static String whole(Path iptv, byte[] oldList, byte[] newList) throws IOException {
    JsonNode catalog = JSON.readTree(iptv.resolve("catalog.json").toFile());
    int channels = catalog.path("channels").size();
    assertThat(channels).as("channels in catalog.json").isIn(OLD_CHANNELS, NEW_CHANNELS);
    List<Path> bodies;
    try (var files = Files.list(iptv.resolve("sources"))) {
      bodies = files.filter(f -> f.getFileName().toString().endsWith(".m3u")).toList();
    }
    assertThat(bodies).hasSize(1);
    byte[] cached = Files.readAllBytes(bodies.getFirst());
    assertThat(Arrays.equals(cached, oldList) || Arrays.equals(cached, newList)).as("the cached copy is one version, whole")
        .isTrue();
    Path meta = bodies.getFirst().resolveSibling(bodies.getFirst().getFileName().toString().replace(".m3u", ".json"));
    assertThat(Instant.parse(JSON.readTree(meta.toFile()).path("fetchedAt").asText())).isBefore(Instant.now());
    return (channels == OLD_CHANNELS ? "old" : "new") + "/" + (Arrays.equals(cached, oldList) ? "old" : "new");
  }

  static void awaitWhole(Path iptv, byte[] oldList, int channels) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.isRegularFile(iptv.resolve("catalog.json"))) {
      assertThat(System.nanoTime()).as("catalog.json written").isLessThan(deadline);
      Thread.sleep(100);
    }
    assertThat(JSON.readTree(iptv.resolve("catalog.json").toFile()).path("channels").size()).isEqualTo(channels);
  }

  /** Spins (no sleep: a write lasts milliseconds) until a file whose name matches appears in {@code dir}, at most 30 s. */
  static void awaitFile(Path dir, java.util.function.Predicate<String> name) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (var files = Files.list(dir)) {
        if (files.anyMatch(f -> name.test(f.getFileName().toString()))) {
          return;
        }
      }
    }
    // Missed it (the write was over before a listing saw it): the kill lands a little later, still checked.
  }

  /** Waits until catalog.json holds {@code channels} channels. */
  static void awaitCatalog(Path iptv, int channels) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (JSON.readTree(iptv.resolve("catalog.json").toFile()).path("channels").size() == channels) {
          return;
        }
      } catch (IOException e) {
        throw new AssertionError("catalog.json unreadable while the server runs", e);
      }
      assertThat(System.nanoTime()).as("catalog.json with %d channels", channels).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  static void awaitChannels(JsonHttp api, int total) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      seen = api.get("/api/channels?limit=1").json().getInteger("total");
      if (seen == total) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the catalog has " + seen + " channels, not " + total);
  }

  static List<String> leftovers(Path iptv) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path d : List.of(iptv, iptv.resolve("sources"))) {
      try (var files = Files.list(d)) {
        files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".tmp-")).forEach(out::add);
      }
    }
    return out;
  }
}
