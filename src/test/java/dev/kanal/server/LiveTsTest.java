package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /live/{id}.ts} end to end: a live HLS upstream of ffmpeg-made H.264/AAC segments on
 * 127.0.0.1, the real server with the ffmpeg on PATH, real ffmpeg clients decoding the stream. The
 * relay's ffmpeg processes are found in this JVM's process table by their arguments
 * ({@code -f mpegts pipe:1}), so the tests see exactly what an operator would with {@code ps}.
 */
class LiveTsTest {

  static HlsTestServer upstream;
  static HttpClient http;
  Metrics metrics;
  KanalServer server;

  @BeforeAll
  static void upstream() throws IOException {
    upstream = TestChannels.liveUpstream();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void closeUpstream() {
    upstream.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    assertThat(relayFfmpegs()).as("no relay ffmpeg outlives its server").isEmpty();
  }

  KanalServer start(Duration grace, int tuners, Optional<Path> ffmpeg, ChannelCatalog catalog) throws Exception {
    metrics = Metrics.create("test");
    LiveSetup live = TestChannels.setup(LiveTv.of(catalog, Epg.builder().build()), grace, tuners, ffmpeg);
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty()).withLive(live), metrics);
    return server;
  }

  static ChannelCatalog catalog(boolean allowPrivate, String... ids) {
    return catalog(upstream, allowPrivate, ids);
  }

  static ChannelCatalog catalog(HlsTestServer from, boolean allowPrivate, String... ids) {
    List<dev.kanal.iptv.Channel> channels = new ArrayList<>();
    for (String id : ids) {
      channels.add(TestChannels.channel(id, "Channel " + id, "Test", null, "",
          TestChannels.source(from.uri("/live/index.m3u8?" + id).toString(), allowPrivate)));
    }
    return ChannelCatalog.of(channels);
  }

  /** The relay's ffmpeg processes among this JVM's descendants (the test's own ffmpeg clients write to null). */
  static List<ProcessHandle> relayFfmpegs() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(Arrays::asList)
            .map(a -> a.contains("pipe:1") && a.contains("mpegts")).orElse(false))
        .toList();
  }

  static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return condition.getAsBoolean();
  }

  static Process decode(String url, int seconds) throws IOException {
    return new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", url, "-t", String.valueOf(seconds),
        "-f", "null", "-").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  double gauge(String name) {
    return metrics.registry().get(name).gauge().value();
  }

  @Test
  void ts_twoViewersDecodeTwentySecondsFromOneFfmpeg_whichStopsAfterTheGracePeriod() throws Exception {
    // A fresh upstream: its 60 s of content do not loop during the test.
    try (HlsTestServer fresh = TestChannels.liveUpstream()) {
      start(Duration.ofSeconds(2), 4, TestChannels.ffmpeg(), catalog(fresh, true, "one"));
      decodeTwice();
    }
  }

  private void decodeTwice() throws Exception {
    String url = server.url() + "/live/one.ts";

    long started = System.nanoTime();
    Process first = decode(url, 20);
    assertThat(waitFor(() -> relayFfmpegs().size() == 1, Duration.ofSeconds(10))).isTrue();
    Thread.sleep(2000);
    // The second viewer joins a running stream: it starts from the cached key frame.
    Process second = decode(url, 20);
    int most = 0;
    boolean bothWatching = false;
    while (first.isAlive() || second.isAlive()) {
      most = Math.max(most, relayFfmpegs().size());
      bothWatching |= gauge("kanal.ts.viewers") == 2;
      Thread.sleep(250);
      assertThat(System.nanoTime() - started).as("decoding takes about 20 s").isLessThan(TimeUnit.SECONDS.toNanos(60));
    }
    String firstErrors = new String(first.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    String secondErrors = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(first.exitValue()).as(firstErrors).isZero();
    assertThat(second.exitValue()).as(secondErrors).isZero();
    assertThat(firstErrors).as("first viewer's decode errors").isEmpty();
    assertThat(secondErrors).as("late viewer's decode errors").isEmpty();
    assertThat(most).as("relay ffmpeg processes at once").isEqualTo(1);
    assertThat(bothWatching).as("both viewers were counted at the same time").isTrue();
    assertThat(metrics.registry().get("kanal.ts.ffmpeg.starts").counter().count()).isEqualTo(1.0);
    String scrape = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(scrape).contains("kanal_ts_viewers{", "kanal_ts_ffmpeg_processes{", "kanal_ts_ffmpeg_starts_total{",
        "kanal_ts_viewers_dropped_total{");

    // Both left: ffmpeg stays for the grace period, then goes.
    long left = System.nanoTime();
    assertThat(relayFfmpegs()).as("ffmpeg kept during the grace period").hasSize(1);
    assertThat(waitFor(() -> relayFfmpegs().isEmpty(), Duration.ofSeconds(8))).as("ffmpeg stopped after the grace period")
        .isTrue();
    assertThat(System.nanoTime() - left).as("not before the 2 s grace period").isGreaterThan(TimeUnit.MILLISECONDS.toNanos(1500));
    assertThat(waitFor(() -> gauge("kanal.ts.ffmpeg.processes") == 0, Duration.ofSeconds(2))).as("process gauge").isTrue();
    assertThat(gauge("kanal.ts.viewers")).isZero();
  }

  @Test
  void close_stopsRunningFfmpeg() throws Exception {
    start(Duration.ofSeconds(30), 4, TestChannels.ffmpeg(), catalog(true, "one"));
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/one.ts")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("video/mp2t");
    byte[] packet = r.body().readNBytes(188);
    assertThat(packet[0]).as("TS sync byte").isEqualTo((byte) 0x47);
    assertThat(relayFfmpegs()).hasSize(1);

    server.close();
    server = null;
    assertThat(relayFfmpegs()).as("close waits until ffmpeg is gone").isEmpty();
    r.body().close();
  }

  @Test
  void tuners_whenAllBusy_secondChannelIs503_andAnIdleChannelGivesItsTunerAway() throws Exception {
    start(Duration.ofSeconds(30), 1, TestChannels.ffmpeg(), catalog(true, "one", "two"));
    HttpResponse<InputStream> one = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/one.ts")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(one.statusCode()).isEqualTo(200);
    one.body().readNBytes(188 * 10);

    HttpResponse<String> two = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/two.ts")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(two.statusCode()).isEqualTo(503);
    assertThat(two.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(new JsonObject(two.body()).getString("error"))
        .isEqualTo("all 1 tuners are busy (relay.tuners): stop watching another channel as .ts or raise relay.tuners,"
            + " then try channel 'two' again");
    assertThat(relayFfmpegs()).hasSize(1);

    // The viewer of "one" leaves: "one" idles in its 30 s grace period, and gives its tuner to "two".
    one.body().close();
    assertThat(waitFor(() -> gauge("kanal.ts.viewers") == 0, Duration.ofSeconds(5))).isTrue();
    HttpResponse<InputStream> again = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/two.ts")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body().readNBytes(188)[0]).isEqualTo((byte) 0x47);
    assertThat(waitFor(() -> relayFfmpegs().size() == 1, Duration.ofSeconds(5))).as("one ffmpeg: two's").isTrue();
    assertThat(relayFfmpegs().getFirst().info().arguments().map(Arrays::asList).orElseThrow())
        .anySatisfy(a -> assertThat(a).isEqualTo(server.url() + "/live/two/index.m3u8"));
    again.body().close();
  }

  @Test
  void ssrf_loopbackSourceWithoutAllowPrivate_is403_andNothingReachesTheUpstream() throws Exception {
    start(Duration.ofSeconds(2), 4, TestChannels.ffmpeg(), catalog(false, "local"));
    int before = upstream.requests().size();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/local.ts")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(r.body()).getString("error"))
        .startsWith("channel 'local' cannot be relayed: refused http://127.0.0.1:" + upstream.port() + "/live/index.m3u8: ")
        .contains("127.0.0.1 is a private, loopback or link-local address")
        .doesNotContain("?local");
    Thread.sleep(500);
    assertThat(upstream.requests()).hasSize(before);
    assertThat(relayFfmpegs()).isEmpty();
  }

  @Test
  void ts_unknownChannel_is404_withoutFfmpeg_is503() throws Exception {
    start(Duration.ofSeconds(2), 4, Optional.empty(), catalog(true, "one"));
    HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/nope.ts")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("no channel with id 'nope'");

    HttpResponse<String> noFfmpeg = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/one.ts")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noFfmpeg.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(noFfmpeg.body()).getString("error"))
        .isEqualTo("channel 'one' cannot be streamed as .ts: ffmpeg was not found (install it, or set ffmpeg.path)");
  }

  @Test
  void ts_deadSource_failsOverToTheNextSource() throws Exception {
    upstream.status("/dead/.*", 404, -1);
    ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("two-sources", "Two sources", "Test", null, "",
        TestChannels.source(upstream.uri("/dead/index.m3u8").toString(), true),
        TestChannels.source(upstream.uri("/live/index.m3u8?backup").toString(), true))));
    start(Duration.ofSeconds(2), 4, TestChannels.ffmpeg(), catalog);
    HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/two-sources.ts")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body().readNBytes(188)[0]).isEqualTo((byte) 0x47);
    assertThat(upstream.count("/dead/index.m3u8")).isPositive();
    // ffmpeg reads the channel from the HLS relay, which moved to the second source: one ffmpeg start.
    assertThat(metrics.registry().get("kanal.relay.failovers").tag("channel", "two-sources").counter().count())
        .isEqualTo(1.0);
    assertThat(metrics.registry().get("kanal.ts.ffmpeg.starts").counter().count()).isEqualTo(1.0);
    assertThat(relayFfmpegs().getFirst().info().arguments().map(Arrays::asList).orElseThrow())
        .anySatisfy(a -> assertThat(a).isEqualTo(server.url() + "/live/two-sources/index.m3u8"));
    r.body().close();
  }

  @Test
  void ts_upstreamDiesMidStream_theViewerContinuesFromTheNextSource() throws Exception {
    try (HlsTestServer first = TestChannels.liveUpstream(); HlsTestServer second = TestChannels.liveUpstream()) {
      ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("failover", "Failover", "Test", null, "",
          TestChannels.source(first.uri("/live/index.m3u8").toString(), true),
          TestChannels.source(second.uri("/live/index.m3u8").toString(), true))));
      start(Duration.ofSeconds(2), 4, TestChannels.ffmpeg(), catalog);
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/failover.ts")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).isEqualTo(200);
      java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
      Thread reader = Thread.ofVirtual().start(() -> {
        byte[] buf = new byte[8192];
        try (InputStream in = r.body()) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            received.addAndGet(n);
          }
        } catch (IOException e) {
          // closed below
        }
      });
      assertThat(waitFor(() -> received.get() > 50_000, Duration.ofSeconds(10))).isTrue();
      first.close();
      assertThat(waitFor(() -> second.count("/live/index.m3u8") > 0, Duration.ofSeconds(15))).as("failed over").isTrue();
      long atSwitch = received.get();
      assertThat(waitFor(() -> received.get() > atSwitch + 50_000, Duration.ofSeconds(10)))
          .as("the same response keeps streaming from the second source").isTrue();
      assertThat(relayFfmpegs()).hasSize(1);
      r.body().close();
      reader.join(2000);
    }
  }

  @Test
  void ts_everySourceDead_is502WithOneSentence() throws Exception {
    upstream.status("/gone/.*", 404, -1);
    ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("gone", "Gone", "Test", null, "",
        TestChannels.source(upstream.uri("/gone/index.m3u8").toString(), true))));
    start(Duration.ofSeconds(2), 4, TestChannels.ffmpeg(), catalog);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/gone.ts"))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(r.body()).getString("error"))
        .isEqualTo("no source of channel 'gone' could be played (every one failed; see the server log)");
    assertThat(waitFor(() -> relayFfmpegs().isEmpty(), Duration.ofSeconds(5))).isTrue();
  }
}
