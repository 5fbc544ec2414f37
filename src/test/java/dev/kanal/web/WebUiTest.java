package dev.kanal.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.kanal.testing.Browser;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.Nginx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in headless Chromium against {@code kanal demo} in its own JVM, with a second playlist
 * holding a channel with a CJK name and one named like an HTML tag. Each test writes a screenshot
 * to {@code target/screenshots/} (the README shows copies of them).
 */
@Timeout(300)
class WebUiTest {

  static final String XSS_NAME = "<img src=x onerror=alert(1)>";
  static final Path SCREENSHOTS = Path.of(System.getProperty("kanal.screenshots", "target/screenshots"));

  @TempDir
  static Path dir;

  static KanalProcess kanal;
  static Browser browser;
  static String base;
  static final HttpClient http = HttpClient.newHttpClient();
  static JsonHttp api;

  @BeforeAll
  static void start() throws Exception {
    int port = Nginx.freePort();
    base = "http://127.0.0.1:" + port;
    api = new JsonHttp(base);
    // The extra channels are the demo's own streams under other names, so they play through the relay.
    Path extra = dir.resolve("extra.m3u");
    Files.writeString(extra, """
        #EXTM3U
        #EXTINF:-1 tvg-id="xinwen.cn" tvg-chno="24" group-title="新闻",新闻 24
        %s/demo/channels/bars/index.m3u8
        #EXTINF:-1 tvg-id="html.test" group-title="Test",%s
        %s/demo/channels/testsrc/index.m3u8
        """.formatted(base, XSS_NAME, base), StandardCharsets.UTF_8);
    Path config = dir.resolve("kanal.yaml");
    Files.writeString(config, """
        iptv:
          sources:
            - url: %s
              allowPrivate: true
        """.formatted(extra));
    kanal = KanalProcess.start(dir, "demo", "--config", config.toString(), "--port", String.valueOf(port),
        "--data", dir.resolve("data").toString());
    kanal.awaitLine(".*Kanal demo is running at.*", Duration.ofMinutes(3));
    // The catalog refreshes in the background after start: wait for the demo's 3 channels and our 2.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (api.get("/api/channels").json().getInteger("total") < 5) {
      assertThat(System.nanoTime()).as("channels listed within 60 s").isLessThan(deadline);
      Thread.sleep(200);
    }
    browser = Browser.start();
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (kanal != null) {
      kanal.terminate(Duration.ofSeconds(20));
    }
  }

  static final java.util.Map<Page, List<String>> CONSOLE = new java.util.concurrent.ConcurrentHashMap<>();

  static Page page() {
    Page page = browser.newPage();
    page.setViewportSize(1280, 800);
    List<String> console = new CopyOnWriteArrayList<>();
    page.onConsoleMessage(m -> console.add(m.type() + ": " + m.text()));
    page.onPageError(e -> console.add("page error: " + e));
    CONSOLE.put(page, console);
    return page;
  }

  /** Waits for the condition; on a timeout, fails with the page's console and a screenshot. */
  static void await(Page page, String condition, Object arg) {
    try {
      page.waitForFunction(condition, arg);
    } catch (com.microsoft.playwright.TimeoutError e) {
      String name = "failed-" + System.nanoTime();
      screenshot(page, name);
      throw new AssertionError("timed out waiting for " + condition + " on " + page.url() + " (screenshot " + name
          + ".png); console: " + CONSOLE.get(page), e);
    }
  }

  static void screenshot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
  }

  static double currentTime(Page page) {
    return ((Number) page.evaluate("() => window.kanalPlayer.video.currentTime")).doubleValue();
  }

  @Test
  void library_listsTheDemoVideo_playsSeeksToHalf_andOffersToResumeAfterAReload() throws Exception {
    Page page = page();
    page.navigate(base + "/#/library");
    Locator card = page.locator("[data-testid=video-card]", new Page.LocatorOptions().setHasText("kanal-demo"));
    card.waitFor();
    assertThat(card.textContent()).contains("0:20").contains("720p");
    // The poster is made on first request: the card shows it once it has arrived.
    await(page, "() => { const c = [...document.querySelectorAll('[data-testid=video-card]')]"
        + ".find(e => e.textContent.includes('kanal-demo')); const i = c && c.querySelector('img');"
        + " return i && i.complete && i.naturalWidth === 480; }", null);
    screenshot(page, "library");

    card.click();
    await(page, "() => window.kanalPlayer && window.kanalPlayer.video.currentTime > 2", null);
    double duration = ((Number) page.evaluate("() => kanalPlayer.video.duration")).doubleValue();
    assertThat(duration).isBetween(19.0, 21.0);
    page.evaluate("() => { const v = kanalPlayer.video; v.currentTime = v.duration / 2; }");
    await(page, "() => kanalPlayer.video.currentTime > kanalPlayer.video.duration / 2 + 1.5 && !kanalPlayer.video.paused", null);
    screenshot(page, "player");
    page.evaluate("() => kanalPlayer.video.pause()"); // saves the position
    String id = page.url().replaceAll(".*#/video/", "");
    JsonObject saved = awaitProgress(id, duration / 2 + 1);

    page.reload();
    Locator prompt = page.locator("[data-testid=resume-prompt]");
    prompt.waitFor();
    long s = (long) Math.floor(saved.getDouble("position"));
    assertThat(prompt.textContent()).contains("Continue from " + (s / 60) + ":" + String.format("%02d", s % 60) + "?");
    assertThat((Boolean) page.evaluate("() => kanalPlayer.video.paused")).as("waits for the answer").isTrue();
    prompt.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Locator.GetByRoleOptions().setName("Continue").setExact(true)).click();
    await(page, "t => kanalPlayer.video.currentTime > t + 0.5", saved.getDouble("position"));
    page.context().close();
  }

  static JsonObject awaitProgress(String id, double atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/progress/" + id)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && new JsonObject(r.body()).getDouble("position") >= atLeast) {
        return new JsonObject(r.body());
      }
      assertThat(System.nanoTime()).as("progress saved at %s s or later; last answer %s", atLeast, r.body())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void theQualityMenu_listsThePackagedRungs_andChoosingOneSetsTheLevel() throws Exception {
    String id = null;
    for (Object o : api.get("/api/videos?q=kanal-demo").json().getJsonArray("items")) {
      id = ((JsonObject) o).getString("id");
    }
    assertThat(api.post("/api/videos/" + id + "/package", "").status()).isEqualTo(202);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!"published".equals(api.get("/api/videos/" + id + "/package").json().getString("state"))) {
      assertThat(System.nanoTime()).as("the demo video is packaged within 120 s: %s",
          api.get("/api/videos/" + id + "/package").body()).isLessThan(deadline);
      Thread.sleep(500);
    }
    Page page = page();
    page.navigate(base + "/#/video/" + id);
    Locator prompt = page.locator("[data-testid=resume-prompt]");
    await(page, "() => window.kanalPlayer && (kanalPlayer.video.currentTime > 0.5"
        + " || document.querySelector('[data-testid=resume-prompt]') !== null)", null);
    if (prompt.count() > 0) {
      prompt.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
          new Locator.GetByRoleOptions().setName("Start over").setExact(true)).click();
    }
    await(page, "() => kanalPlayer.hls && kanalPlayer.hls.levels.length >= 2 && kanalPlayer.video.currentTime > 0.5", null);
    int levels = ((Number) page.evaluate("() => kanalPlayer.hls.levels.length")).intValue();
    Locator menu = page.locator("[data-testid=quality-menu]");
    // Auto, then one entry per rung of the package (720p copied from the source, 480p encoded).
    assertThat(menu.locator("option").count()).isEqualTo(levels + 1);
    assertThat(menu.locator("option").allTextContents()).anyMatch(t -> t.startsWith("720p"))
        .anyMatch(t -> t.startsWith("480p"));
    String lowest = (String) page.evaluate("() => { const ls = kanalPlayer.hls.levels;"
        + " return String(ls.indexOf(ls.reduce((a, b) => a.height <= b.height ? a : b))); }");
    menu.selectOption(lowest);
    await(page, "i => kanalPlayer.hls.currentLevel === i", Integer.parseInt(lowest));
    screenshot(page, "player-packaged");
    page.context().close();
  }

  @Test
  void aVideoWithTextSubtitles_offersThemAsATrack() throws Exception {
    Path media = dir.resolve("data/demo/media");
    Path srt = dir.resolve("subs.srt");
    Files.writeString(srt, "1\n00:00:00,000 --> 00:00:03,000\nHello from Kanal\n");
    Path tmp = dir.resolve("subtitled.mp4");
    new ProcessBuilder("ffmpeg", "-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3",
        "-i", srt.toString(), "-map", "0:v", "-map", "1:s", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:s", "mov_text", "-metadata:s:s:0", "language=eng", "-y", tmp.toString()).inheritIO().start().waitFor();
    Files.move(tmp, media.resolve("subtitled.mp4"));
    assertThat(api.post("/api/library/scan", "").status()).isEqualTo(202);
    String id = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (id == null) {
      for (Object o : api.get("/api/videos?q=subtitled").json().getJsonArray("items")) {
        JsonObject v = (JsonObject) o;
        if ("ok".equals(v.getString("status"))) {
          id = v.getString("id");
        }
      }
      assertThat(System.nanoTime()).as("the new video is catalogued within 30 s").isLessThan(deadline);
      Thread.sleep(200);
    }

    Page page = page();
    page.navigate(base + "/#/video/" + id);
    await(page, "() => window.kanalPlayer && kanalPlayer.video.textTracks.length === 1", null);
    assertThat(page.evaluate("() => kanalPlayer.video.textTracks[0].language")).isEqualTo("eng");
    page.evaluate("() => { kanalPlayer.video.textTracks[0].mode = 'showing'; }");
    await(page, "() => { const c = kanalPlayer.video.textTracks[0].cues; return c && c.length === 1; }", null);
    assertThat(page.evaluate("() => kanalPlayer.video.textTracks[0].cues[0].text")).isEqualTo("Hello from Kanal");
    page.context().close();
  }

  @Test
  void liveTv_listsChannels_findsTheCjkName_andPlaysItThroughTheRelay() {
    Page page = page();
    List<String> requests = new CopyOnWriteArrayList<>();
    page.onRequest(r -> requests.add(r.url()));
    page.navigate(base + "/#/live");
    Locator rows = page.locator("[data-testid=channel-row]");
    rows.nth(4).waitFor();
    assertThat(rows.count()).isEqualTo(5);
    screenshot(page, "live-tv");

    page.locator("[data-testid=channel-search]").fill("新闻");
    page.waitForFunction("() => document.querySelectorAll('[data-testid=channel-row]').length === 1");
    assertThat(rows.first().textContent()).contains("新闻 24").contains("24");
    rows.first().click();
    await(page, "() => window.kanalPlayer && window.kanalPlayer.video.currentTime > 1.5", null);
    assertThat(requests).anyMatch(u -> u.startsWith(base + "/live/xinwen.cn/"))
        .noneMatch(u -> u.contains("/demo/channels/"));
    screenshot(page, "channel");

    // Channel down goes to the next channel of the list shown (the search had one: itself).
    page.locator("[data-testid=channel-down]").click();
    page.waitForFunction("() => location.hash === '#/live/xinwen.cn'");
    page.context().close();
  }

  @Test
  void aChannelNamedLikeHtml_rendersAsText() {
    Page page = page();
    List<String> dialogs = new CopyOnWriteArrayList<>();
    page.onDialog(d -> {
      dialogs.add(d.message());
      d.dismiss();
    });
    page.navigate(base + "/#/live");
    Locator row = page.locator("[data-testid=channel-row]", new Page.LocatorOptions().setHasText(XSS_NAME));
    row.waitFor();
    assertThat(row.locator(".name").textContent()).isEqualTo(XSS_NAME);
    assertThat(page.locator("img[src=x]").count()).isZero();
    page.navigate(base + "/#/live/html.test");
    page.locator("h1", new Page.LocatorOptions().setHasText(XSS_NAME)).waitFor();
    assertThat(page.locator("img[src=x]").count()).isZero();
    assertThat(dialogs).isEmpty();
    page.context().close();
  }

  @Test
  void stats_drawChartsAfterAPlaybackSession_andTheSummaryCountsIt() throws Exception {
    String summaryPath = "/api/qoe/summary?window=1h&channelId=xinwen.cn";
    int before = api.get(summaryPath).json().getInteger("sessions");
    Page page = page();
    page.navigate(base + "/#/live/xinwen.cn");
    await(page, "() => window.kanalPlayer && window.kanalPlayer.video.currentTime > 1", null);
    page.navigate(base + "/#/stats"); // leaving the player ends the session and sends its events
    await(page, "() => document.querySelector('[data-testid=stats-chart] rect.bar') !== null", null);

    // The events go by sendBeacon when the player is left: the summary counts this session soon after.
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    JsonObject summary = api.get(summaryPath).json();
    while (summary.getInteger("sessions") < before + 1 || summary.getDouble("startupP50") == null) {
      assertThat(System.nanoTime()).as("the summary counts the session within 15 s: %s", summary).isLessThan(deadline);
      Thread.sleep(200);
      summary = api.get(summaryPath).json();
    }
    assertThat(summary.getDouble("startupP50")).isBetween(0.0, 60.0);
    // Startup time and channel health have data now, so they are bar charts; active sessions is a line.
    await(page, "() => document.querySelectorAll('[data-testid=stats-chart] rect.bar').length >= 3", null);
    assertThat(page.locator("[data-testid=stats-chart] path.line").count()).isEqualTo(1);
    assertThat(page.locator("section.chart h2").allTextContents())
        .contains("Active sessions", "Startup time (s)", "Stall ratio", "Channel health");
    screenshot(page, "stats");
    page.context().close();
  }

  @Test
  void settings_addAndRemoveASource_andCheckEveryStreamNow() throws Exception {
    Files.writeString(dir.resolve("data/demo/added.m3u"), "#EXTM3U\n#EXTINF:-1 tvg-id=\"added.test\",Added Channel\n"
        + "channels/life/index.m3u8\n", StandardCharsets.UTF_8);
    Page page = page();
    page.navigate(base + "/#/settings");
    page.locator("[data-testid=source-row]").first().waitFor();
    assertThat(page.locator("[data-testid=source-row]").first().textContent()).contains("file: extra.m3u")
        .contains("config file").doesNotContain(dir.toString());
    page.locator("[data-testid=source-url]").fill(base + "/demo/added.m3u?token=secret");
    page.locator("[data-testid=source-add]").click();
    Locator added = page.locator("[data-testid=source-row]", new Page.LocatorOptions().setHasText("added here"));
    added.waitFor();
    assertThat(added.textContent()).contains("/demo/added.m3u?…").doesNotContain("secret");
    awaitChannels("Added", 1);

    added.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON).click();
    page.waitForFunction("() => ![...document.querySelectorAll('[data-testid=source-row]')].some(r => r.textContent.includes('added here'))");
    awaitChannels("Added", 0);

    page.locator("[data-testid=check-now]").click();
    await(page, "() => document.querySelector('[data-testid=settings-note]').textContent.includes('Checking')", null);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!"alive".equals(api.get("/api/channels/xinwen.cn").json().getString("status"))) {
      assertThat(System.nanoTime()).as("the check marks the channel alive within 60 s").isLessThan(deadline);
      Thread.sleep(250);
    }
    page.context().close();
  }

  @Test
  void sourcesApi_refusesLocalFilesAndOtherSchemes_andConfigSourcesAreReadOnly() throws Exception {
    JsonHttp.Reply file = api.post("/api/sources", "{\"url\": \"/etc/passwd\"}");
    assertThat(file.status()).isEqualTo(400);
    assertThat(file.json().getString("error")).startsWith("'url' only http and https URLs");
    JsonHttp.Reply ftp = api.post("/api/sources", "{\"url\": \"ftp://example.org/x.m3u\"}");
    assertThat(ftp.status()).isEqualTo(400);
    assertThat(api.post("/api/sources", "{\"url\": 5}").status()).isEqualTo(400);
    assertThat(api.post("/api/sources", "not json").status()).isEqualTo(400);
    String configured = api.get("/api/sources").json().getJsonArray("items").getJsonObject(0).getString("id");
    assertThat(api.delete("/api/sources/" + configured).status()).isEqualTo(409);
    assertThat(api.delete("/api/sources/0000000000000000").status()).isEqualTo(404);
  }

  static void awaitChannels(String query, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int total;
    while ((total = api.get("/api/channels?q=" + query).json().getInteger("total")) != expected) {
      assertThat(System.nanoTime()).as("%s channels for '%s' within 30 s, have %s", expected, query, total)
          .isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void a360PixelWideScreen_needsNoSidewaysScrolling() {
    Page page = browser.newPage();
    page.setViewportSize(360, 740);
    for (String view : List.of("#/library", "#/live", "#/stats", "#/settings")) {
      page.navigate(base + "/" + view);
      page.waitForLoadState();
      page.locator("main h1").waitFor();
      page.waitForTimeout(300); // the lists arrive after the heading
      assertThat(((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue())
          .as("page width of %s", view).isLessThanOrEqualTo(360);
    }
    screenshot(page, "settings-phone");
    page.context().close();
  }

  @Test
  void thePage_isNeverCached_andItsVersionedAssetsAreCachedForAYear() throws Exception {
    HttpResponse<String> index = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(index.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'");
    var m = Pattern.compile("/assets/app\\.js\\?v=([0-9a-f]{12})").matcher(index.body());
    assertThat(m.find()).as("versioned script in %s", index.body()).isTrue();
    HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(base + m.group())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Cache-Control")).get().asString().contains("max-age=31536000");
    HttpResponse<String> hlsJs = http.send(HttpRequest.newBuilder(URI.create(base + "/vendor/hls.js-1.7.4/hls.min.js"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(hlsJs.statusCode()).isEqualTo(200);
    assertThat(hlsJs.headers().firstValue("Cache-Control")).get().asString().contains("max-age=31536000");
    assertThat(index.body()).doesNotContain("//cdn").doesNotContain("https://");
  }
}
