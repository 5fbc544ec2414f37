package dev.kanal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import dev.kanal.testing.Browser;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.PackagingVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * hls.js 1.7.4 in Chromium plays a packaged video from {@code /vod/{id}/master.m3u8} of a real
 * {@code kanal serve} and switches to a lower level when the test throttles the page's network
 * (Chrome DevTools Protocol {@code Network.emulateNetworkConditions}).
 */
class PackagedPlaybackBrowserTest {

  @TempDir
  Path dir;

  @Test
  @Tag("slow") // about 80 s on 2 cores: a 36 s source made and packaged, then played
  @Timeout(240)
  void hlsJs_playsPackagedLadder_andSwitchesDownWhenTheNetworkIsThrottled() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Files.copy(PackagingVideos.make("src720-36s.mp4", 1280, 720, 36, "2000k"), media.resolve("Long.Clip.mp4"));
    // Rungs far apart in bit rate, cheap to encode: 720p copied (~2.1 Mbit/s), 360p and 144p encoded.
    Path config = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          packaging:
            ladder:
              - { height: 720, videoKbps: 2500, audioKbps: 128 }
              - { height: 360, videoKbps: 500, audioKbps: 64 }
              - { height: 144, videoKbps: 100, audioKbps: 32 }
        """);
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
            "--data", dir.resolve("data").toString(), "--media", media.toString());
        Browser browser = Browser.start()) {
      String base = kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60));
      JsonHttp api = new JsonHttp(base);
      String id = dev.kanal.testing.PackageApi.awaitProbed(api);
      assertThat(api.post("/api/videos/" + id + "/package", null).status()).isEqualTo(202);
      dev.kanal.testing.PackageApi.awaitState(api, id, "published", Duration.ofSeconds(180));
      String master = api.get("/vod/" + id + "/master.m3u8").body();
      assertThat(master).contains("720p/index.m3u8").contains("360p/index.m3u8").contains("144p/index.m3u8");

      Page page = browser.newPage();
      page.navigate(base + "/api/health");
      page.setContent("<html><body><video id=v muted playsinline></video></body></html>");
      page.addScriptTag(new Page.AddScriptTagOptions().setUrl(base + "/vendor/hls.js-1.7.4/hls.min.js"));
      page.evaluate("""
          (src) => {
            window.errors = [];
            window.switched = [];
            const video = document.getElementById('v');
            // Start on the top level and keep little buffer, so later fragments follow the bandwidth.
            const hls = new Hls({ startLevel: 2, maxBufferLength: 6, maxMaxBufferLength: 8, capLevelToPlayerSize: false,
                                  testBandwidth: false });
            hls.on(Hls.Events.ERROR, (e, d) => window.errors.push(d.type + ':' + d.details + ':' + d.fatal));
            hls.on(Hls.Events.LEVEL_SWITCHED, (e, d) => window.switched.push(d.level));
            hls.loadSource(src);
            hls.attachMedia(video);
            video.play().catch(e => window.errors.push('play:' + e));
            window.hls = hls;
          }""", "/vod/" + id + "/master.m3u8");
      page.waitForFunction("() => window.hls.levels.length === 3 && window.hls.currentLevel === 2"
          + " && document.getElementById('v').currentTime > 1", null,
          new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(200));
      assertThat(page.evaluate("() => window.hls.levels.map(l => l.height).join(',')")).isEqualTo("144,360,720");

      CDPSession cdp = page.context().newCDPSession(page);
      cdp.send("Network.enable");
      JsonObject slow = new JsonObject();
      slow.addProperty("offline", false);
      slow.addProperty("latency", 100);
      slow.addProperty("downloadThroughput", 400_000 / 8); // 400 kbit/s: below the 720p rung, above 144p
      slow.addProperty("uploadThroughput", 400_000 / 8);
      cdp.send("Network.emulateNetworkConditions", slow);

      page.waitForFunction("() => window.hls.currentLevel >= 0 && window.hls.currentLevel < 2", null,
          new Page.WaitForFunctionOptions().setTimeout(90_000).setPollingInterval(250));
      Object level = page.evaluate("() => window.hls.currentLevel");
      Object switched = page.evaluate("() => window.switched.join(',')");
      Object errors = page.evaluate("() => window.errors.join(', ')");
      System.out.printf("hls.js level after throttling: %s; switches: [%s]; errors: [%s]%n", level, switched, errors);
      assertThat(((Number) level).intValue()).isLessThan(2);
      assertThat(String.valueOf(errors)).doesNotContain(":true");
      assertThat(kanal.terminate(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }
}
