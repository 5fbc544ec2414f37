package dev.kanal.iptv;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kanal.config.KanalConfig.IptvConfig;
import dev.kanal.config.KanalConfig.SourceConfig;
import dev.kanal.net.HttpFetcher;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching with a cache and the refresh diff, against a playlist server on 127.0.0.1. */
class CatalogRefreshTest {

  static final String V1 = """
      #EXTM3U
      #EXTINF:-1 tvg-id="Alpha.fr" group-title="News",Alpha
      http://127.0.0.1/alpha.m3u8
      #EXTINF:-1 tvg-id="Beta.fr" group-title="News",Beta
      http://127.0.0.1/beta.m3u8
      #EXTINF:-1 tvg-id="Gamma.fr" group-title="Sport",Gamma
      http://127.0.0.1/gamma.m3u8
      """;

  static final String V2 = """
      #EXTM3U
      #EXTINF:-1 tvg-id="Alpha.fr" group-title="News",Alpha Info
      http://127.0.0.1/alpha.m3u8
      #EXTINF:-1 tvg-id="Gamma.fr" group-title="Sport",Gamma
      http://127.0.0.1/gamma-hd.m3u8
      #EXTINF:-1 tvg-id="Delta.fr" group-title="Sport",Delta
      http://127.0.0.1/delta.m3u8
      """;

  @TempDir
  Path data;

  /** A playlist server: serves {@link #body} with an ETag, answers 304 to a matching If-None-Match. */
  static final class Upstream implements AutoCloseable {
    final HttpServer server;
    volatile String body = V1;
    volatile int status = 200;
    volatile String contentType = "audio/x-mpegurl";
    volatile boolean gzip;
    final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    Upstream() throws Exception {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        requests.add(Map.of("If-None-Match", String.valueOf(exchange.getRequestHeaders().getFirst("If-None-Match")),
            "User-Agent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")),
            "X-Token", String.valueOf(exchange.getRequestHeaders().getFirst("X-Token"))));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String etag = "\"" + Integer.toHexString(body.hashCode()) + "\"";
        if (status == 200 && etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          exchange.getResponseHeaders().set("ETag", etag);
          exchange.sendResponseHeaders(304, -1);
          exchange.close();
          return;
        }
        if (gzip) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
          }
          bytes = out.toByteArray();
          exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        }
        exchange.getResponseHeaders().set("ETag", etag);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    String url(String path) {
      return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  Upstream upstream;

  @BeforeEach
  void start() throws Exception {
    upstream = new Upstream();
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  SourceFetcher fetcher(long maxBytes) {
    return new SourceFetcher(HttpFetcher.create(Duration.ofSeconds(2), Duration.ofSeconds(5)),
        data.resolve("iptv/sources"), maxBytes, Clock.systemUTC());
  }

  CatalogService service(String... urls) {
    List<SourceConfig> sources = java.util.Arrays.stream(urls).map(SourceConfig::of).toList();
    return new CatalogService(new IptvConfig(sources, Duration.ofHours(6)), data,
        HttpFetcher.create(Duration.ofSeconds(2), Duration.ofSeconds(5)), Clock.systemUTC());
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void writeAtomically_replacesTheFile_andStaleTemporariesOfAKilledRunAreRemoved_butNotFreshOnes() throws Exception {
    Path folder = java.nio.file.Files.createDirectories(data.resolve("atomic"));
    Path target = folder.resolve("catalog.json");
    SourceFetcher.writeAtomically(target, "old".getBytes(StandardCharsets.UTF_8));
    SourceFetcher.writeAtomically(target, "new".getBytes(StandardCharsets.UTF_8));
    assertThat(java.nio.file.Files.readString(target)).isEqualTo("new");
    Path stale = java.nio.file.Files.writeString(folder.resolve(".tmp-123.part"), "half");
    java.nio.file.Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(Duration.ofMinutes(5))));
    Path fresh = java.nio.file.Files.writeString(folder.resolve(".tmp-456.part"), "in progress elsewhere");
    assertThat(SourceFetcher.removeStaleTemporaries(folder, Duration.ofMinutes(1), java.time.Instant.now())).isEqualTo(1);
    try (var files = java.nio.file.Files.list(folder)) {
      assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder("catalog.json",
          fresh.getFileName().toString());
    }
    assertThat(SourceFetcher.removeStaleTemporaries(data.resolve("missing"), Duration.ofMinutes(1), java.time.Instant.now()))
        .isZero();
  }

  @Test
  void fetch_secondTimeWithEtag_gets304AndUsesTheCache() {
    SourceFetcher f = fetcher(SourceFetcher.DEFAULT_MAX_BYTES);
    SourceConfig source = new SourceConfig(upstream.url("/list.m3u"), 0, Map.of("X-Token", "secret"), Duration.ZERO, true);
    SourceFetcher.Result first = f.fetch(source, Duration.ZERO);
    assertThat(first.outcome()).isEqualTo(SourceFetcher.Outcome.FETCHED);
    SourceFetcher.Result second = f.fetch(source, Duration.ZERO);
    assertThat(second.outcome()).isEqualTo(SourceFetcher.Outcome.NOT_MODIFIED);
    assertThat(second.playlist().orElseThrow().entries()).hasSize(3);
    assertThat(upstream.requests).hasSize(2);
    assertThat(upstream.requests.get(0)).containsEntry("If-None-Match", "null").containsEntry("X-Token", "secret");
    assertThat(upstream.requests.get(1).get("If-None-Match")).startsWith("\"");
    assertThat(upstream.requests.get(1).get("User-Agent")).contains("Kanal");
  }

  @Test
  void fetch_withFreshCache_makesNoRequest() {
    SourceFetcher f = fetcher(SourceFetcher.DEFAULT_MAX_BYTES);
    SourceConfig source = SourceConfig.of(upstream.url("/list.m3u"));
    f.fetch(source, Duration.ZERO);
    SourceFetcher.Result cached = f.fetch(source, Duration.ofHours(6));
    assertThat(cached.outcome()).isEqualTo(SourceFetcher.Outcome.CACHED);
    assertThat(upstream.requests).hasSize(1);
  }

  @Test
  void fetch_unreachableHtmlOr500_keepsTheLastGoodCopyWithAWarning() throws Exception {
    SourceFetcher f = fetcher(SourceFetcher.DEFAULT_MAX_BYTES);
    SourceConfig source = SourceConfig.of(upstream.url("/list.m3u"));
    assertThat(f.fetch(source, Duration.ZERO).ok()).isTrue();

    upstream.body = "<!doctype html><html><body>Blocked</body></html>";
    upstream.contentType = "text/html";
    SourceFetcher.Result html = f.fetch(source, Duration.ZERO);
    assertThat(html.outcome()).isEqualTo(SourceFetcher.Outcome.STALE_CACHE);
    assertThat(html.message().orElseThrow()).contains(source.url()).contains("not an M3U playlist");
    assertThat(html.playlist().orElseThrow().entries()).hasSize(3);

    upstream.status = 500;
    SourceFetcher.Result error = f.fetch(source, Duration.ZERO);
    assertThat(error.outcome()).isEqualTo(SourceFetcher.Outcome.STALE_CACHE);
    assertThat(error.message().orElseThrow()).contains("HTTP 500");

    upstream.close();
    SourceFetcher.Result down = f.fetch(source, Duration.ZERO);
    assertThat(down.outcome()).isEqualTo(SourceFetcher.Outcome.STALE_CACHE);
    assertThat(down.message().orElseThrow()).contains(source.url()).contains("using the copy fetched at");
    assertThat(down.playlist().orElseThrow().entries()).extracting(e -> e.name()).containsExactly("Alpha", "Beta", "Gamma");
  }

  @Test
  void fetch_unreachableWithoutCache_failsNamingTheUrl() throws Exception {
    String url = "http://127.0.0.1:" + freePort() + "/list.m3u";
    SourceFetcher.Result r = fetcher(SourceFetcher.DEFAULT_MAX_BYTES).fetch(SourceConfig.of(url), Duration.ZERO);
    assertThat(r.outcome()).isEqualTo(SourceFetcher.Outcome.FAILED);
    assertThat(r.message().orElseThrow()).startsWith("cannot read " + url).contains("no cached copy");
  }

  @Test
  void fetch_gzipBody_isInflated() {
    upstream.gzip = true;
    SourceFetcher.Result r = fetcher(SourceFetcher.DEFAULT_MAX_BYTES).fetch(SourceConfig.of(upstream.url("/l.m3u")), Duration.ZERO);
    assertThat(r.outcome()).isEqualTo(SourceFetcher.Outcome.FETCHED);
    assertThat(r.playlist().orElseThrow().entries()).hasSize(3);
  }

  @Test
  void fetch_bodyOverTheLimit_isRefused() {
    upstream.body = V1 + "#".repeat(10_000) + "\n";
    SourceFetcher.Result r = fetcher(2_000).fetch(SourceConfig.of(upstream.url("/big.m3u")), Duration.ZERO);
    assertThat(r.outcome()).isEqualTo(SourceFetcher.Outcome.FAILED);
    assertThat(r.message().orElseThrow()).contains("larger than the limit of 2000 bytes");
  }

  @Test
  void fetch_throttle_spacesRequestsToTheSameHost() {
    SourceFetcher f = fetcher(SourceFetcher.DEFAULT_MAX_BYTES);
    Duration throttle = Duration.ofMillis(400);
    long start = System.nanoTime();
    f.fetch(new SourceConfig(upstream.url("/a.m3u"), 0, Map.of(), throttle, true), Duration.ZERO);
    f.fetch(new SourceConfig(upstream.url("/b.m3u"), 0, Map.of(), throttle, true), Duration.ZERO);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
  }

  @Test
  void refresh_firstAllAdded_thenAddedRemovedChanged() throws Exception {
    CatalogService service = service(upstream.url("/list.m3u"));
    CatalogService.Refresh first = service.refresh();
    assertThat(first.previousAt()).isEmpty();
    assertThat(first.diff().added()).extracting(CatalogDiff.Item::id).containsExactly("Alpha.fr", "Beta.fr", "Gamma.fr");
    assertThat(first.diff().removed()).isEmpty();

    upstream.body = V2;
    CatalogService.Refresh second = service.refresh();
    assertThat(second.previousAt()).isPresent();
    assertThat(second.diff().added()).extracting(CatalogDiff.Item::id).containsExactly("Delta.fr");
    assertThat(second.diff().removed()).extracting(CatalogDiff.Item::id).containsExactly("Beta.fr");
    assertThat(second.diff().changed()).extracting(c -> c.after().id() + ": " + String.join("; ", c.changes()))
        .containsExactly("Alpha.fr: name 'Alpha' -> 'Alpha Info'", "Gamma.fr: sources +1 -1");

    CatalogService.Refresh same = service.refresh();
    assertThat(same.diff().isEmpty()).isTrue();
  }

  @Test
  void refresh_sourceDown_keepsTheLastGoodCatalog() throws Exception {
    CatalogService service = service(upstream.url("/list.m3u"));
    service.refresh();
    upstream.close();
    CatalogService.Refresh r = service.refresh();
    assertThat(r.load().warnings()).singleElement().asString().contains(upstream.url("/list.m3u"));
    assertThat(r.load().errors()).isEmpty();
    assertThat(r.load().catalog().channels()).hasSize(3);
    assertThat(r.diff().isEmpty()).isTrue();
  }

  @Test
  void updateHealth_reordersSourcesAndSetsStatus() throws Exception {
    upstream.body = """
        #EXTM3U
        #EXTINF:-1 tvg-id="Alpha.fr",Alpha
        http://127.0.0.1/one.m3u8
        #EXTINF:-1 tvg-id="Alpha.fr",Alpha
        http://127.0.0.1/two.m3u8
        """;
    ChannelCatalog catalog = service(upstream.url("/list.m3u")).load().catalog();
    assertThat(catalog.find("Alpha.fr").orElseThrow().status()).isEqualTo(CheckStatus.UNKNOWN);
    java.time.Instant at = java.time.Instant.parse("2026-01-01T00:00:00Z");
    assertThat(catalog.updateHealth("http://127.0.0.1/one.m3u8", CheckStatus.DEAD, at, java.util.OptionalLong.of(5))).isEqualTo(1);
    catalog.updateHealth("http://127.0.0.1/two.m3u8", CheckStatus.ALIVE, at, java.util.OptionalLong.of(7));
    Channel alpha = catalog.find("Alpha.fr").orElseThrow();
    assertThat(alpha.sources()).extracting(ChannelSource::url).containsExactly("http://127.0.0.1/two.m3u8", "http://127.0.0.1/one.m3u8");
    assertThat(alpha.status()).isEqualTo(CheckStatus.ALIVE);
    assertThat(ChannelJson.channel(alpha).get("status")).isEqualTo("alive");
    assertThat(catalog.resolve("alpha").orElseThrow().source().url()).isEqualTo("http://127.0.0.1/two.m3u8");
  }
}
