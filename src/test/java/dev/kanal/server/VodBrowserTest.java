package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.VodConfig;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.Packages;
import dev.kanal.media.Prober;
import dev.kanal.testing.Browser;
import dev.kanal.testing.VodVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * hls.js 1.7.4 in Chromium plays on-demand VOD HLS of ten-minute 1080p sources (remuxed H.264, and
 * MPEG-2 transcoded), seeks to 80 % and keeps playing.
 */
class VodBrowserTest {

  @TempDir static Path root;
  static Library library;
  static Metrics metrics;
  static KanalServer server;
  static Browser browser;
  static final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    Path media = Files.createDirectories(root.resolve("media"));
    VodVideos.place(VodVideos.longH264(), media, "Remux.mp4");
    VodVideos.place(VodVideos.longMpeg2(), media, "Transcode.mkv");
    library = Library.open(LibraryConfig.of(List.of(media)), root.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    library.scan();
    for (Video v : library.list("", null, Library.Sort.TITLE, false, 0, 100).items()) {
      ids.put(v.fileName(), v.id());
    }
    VodConfig vod = new VodConfig(Duration.ofSeconds(6), ByteSize.parse("1GiB"), 3, "software", List.of(),
        PackagingConfig.defaults());
    VodSetup setup = new VodSetup(vod, root.resolve("cache"), Path.of("ffmpeg"), Path.of("ffprobe"), Packages.none());
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty(), Optional.of(new VideoLibrary(library, new Thumbnails(Path.of("ffmpeg"), root.resolve("thumbs")),
            () -> {}))).withVod(setup), metrics);
    browser = Browser.start();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (library != null) {
      library.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Remux.mp4", "Transcode.mkv"})
  @Timeout(150)
  void hlsJs_playsMaster_seeksTo80Percent_andKeepsPlaying(String file) {
    Page page = browser.newPage();
    page.navigate(server.url() + "/api/health");
    page.setContent("<html><body><video id=v muted playsinline></video></body></html>");
    page.addScriptTag(new Page.AddScriptTagOptions().setUrl(server.url() + "/vendor/hls.js-1.7.4/hls.min.js"));
    page.evaluate("""
        (src) => {
          window.errors = [];
          const video = document.getElementById('v');
          const hls = new Hls({maxBufferLength: 12});
          hls.on(Hls.Events.ERROR, (e, d) => window.errors.push(d.type + ':' + d.details + ':' + d.fatal));
          hls.loadSource(src);
          hls.attachMedia(video);
          video.play().catch(e => window.errors.push('play:' + e));
        }""", "/vod/" + ids.get(file) + "/master.m3u8");
    page.waitForFunction("() => document.getElementById('v').currentTime > 2", null,
        new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(200));
    double duration = ((Number) page.evaluate("() => document.getElementById('v').duration")).doubleValue();
    assertThat(duration).as("duration from the complete VOD playlist").isBetween(599.0, 601.0);
    double target = duration * 0.8;
    page.evaluate("(t) => { document.getElementById('v').currentTime = t; }", target);
    page.waitForFunction("(t) => document.getElementById('v').currentTime > t + 3", target,
        new Page.WaitForFunctionOptions().setTimeout(60_000).setPollingInterval(200));
    double time = ((Number) page.evaluate("() => document.getElementById('v').currentTime")).doubleValue();
    Object errors = page.evaluate("() => window.errors.join(', ')");
    System.out.printf("%s: hls.js at %.1f s after seeking to %.1f s; errors: [%s]%n", file, time, target, errors);
    assertThat(time).isBetween(target + 3, target + 60);
    assertThat(String.valueOf(errors)).doesNotContain(":true");
    page.context().close();
  }
}
