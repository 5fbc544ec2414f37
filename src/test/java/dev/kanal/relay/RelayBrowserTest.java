package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.kanal.testing.Browser;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * hls.js 1.7.4 in Chromium plays a live channel through the relay whose upstream answers 403 to any
 * request without its Referer, which a browser would not send: only the relay talks to the upstream.
 */
class RelayBrowserTest {

  static final String REFERER = "https://player.example/watch";

  @TempDir
  Path dir;

  @Test
  @Timeout(120)
  void hlsJs_playsRelayedChannel_whoseUpstreamNeedsAReferer() throws Exception {
    LiveHlsStream stream = new LiveHlsStream(RelayHarness.h264Segments(), 1.0, 6, -1);
    try (HlsTestServer upstream = HlsTestServer.start(dir)) {
      stream.install(upstream);
      upstream.route("/live/master.m3u8", () -> new HlsTestServer.Body("""
          #EXTM3U
          #EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=160x90
          index.m3u8
          """.getBytes(StandardCharsets.UTF_8), "application/vnd.apple.mpegurl"));
      upstream.requireHeader("Referer", REFERER);
      String source = upstream.uri("/live/master.m3u8").toString();
      try (RelayHarness relay = RelayHarness.start(RelayHarness.config("64MiB", 3),
              RelayHarness.channel("demo.tv", RelayHarness.source(source, 0, true, Map.of("Referer", REFERER))));
          Browser browser = Browser.start()) {
        // Without the Referer the upstream refuses (what a browser going there directly would get).
        assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            upstream.uri("/live/index.m3u8")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(403);
        Page page = browser.newPage();
        List<String> requested = new CopyOnWriteArrayList<>();
        page.onRequest(r -> requested.add(r.url()));
        page.navigate(relay.server.url() + "/api/health");
        page.setContent("<html><body><video id=v muted playsinline></video></body></html>");
        page.addScriptTag(new Page.AddScriptTagOptions().setUrl(relay.server.url() + "/vendor/hls.js-1.7.4/hls.min.js"));
        assertThat(page.evaluate("() => MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.42E01E,mp4a.40.2\"')"))
            .as("Chromium decodes H.264/AAC through MSE").isEqualTo(true);
        page.evaluate("""
            () => {
              window.errors = [];
              const video = document.getElementById('v');
              const hls = new Hls();
              hls.on(Hls.Events.ERROR, (e, d) => window.errors.push(d.type + ':' + d.details + ':' + d.fatal));
              hls.loadSource('/live/demo.tv/index.m3u8');
              hls.attachMedia(video);
              video.play().catch(e => window.errors.push('play:' + e));
              window.hls = hls;
            }""");
        page.waitForFunction("() => document.getElementById('v').currentTime > 3", null,
            new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(200));
        double time = ((Number) page.evaluate("() => document.getElementById('v').currentTime")).doubleValue();
        Object errors = page.evaluate("() => window.errors.join(', ')");
        System.out.printf("hls.js played %.1f s; non-fatal errors: [%s]%n", time, errors);
        assertThat(time).isGreaterThan(3.0);
        assertThat(String.valueOf(errors)).doesNotContain(":true");
        // The browser only ever talked to Kanal; every upstream request carried the Referer.
        assertThat(requested).allMatch(u -> u.startsWith(relay.server.url()) || u.startsWith("blob:" + relay.server.url()));
        assertThat(requested).anyMatch(u -> u.contains("/live/demo.tv/s/"));
        assertThat(upstream.requestHeaders()).hasSizeGreaterThan(4);
        assertThat(upstream.requestHeaders().stream().skip(1)).allMatch(h -> REFERER.equals(h.get("referer")));
      }
    }
  }
}
