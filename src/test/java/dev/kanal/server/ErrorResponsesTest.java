package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.LibraryConfig;
import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.EpgProgramme;
import dev.kanal.iptv.LiveTv;
import dev.kanal.iptv.XmltvChannel;
import dev.kanal.library.Library;
import dev.kanal.library.Thumbnails;
import dev.kanal.library.Video;
import dev.kanal.media.Prober;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.store.PlaybackStore;
import dev.kanal.testing.RawHttp;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * Output safety (issue #13): errors on every kind of route (unknown ids, bad parameters and bodies,
 * broken media, a failing store's 500s) never show a stack trace, an exception's name or a path of
 * the data folder or library; hostile channel names, guide texts and file names come out of JSON,
 * M3U and XMLTV exactly as text, never as extra lines, attributes or markup.
 */
class ErrorResponsesTest {

  static final String HOSTILE = "Evil \"name\"\r\n#EXTINF:-1,Injected\r\nhttp://evil.example/x.m3u8 <script>alert(1)</script>"
      + " & \u2028 ' end";
  static final String FILE_NAME = "<img src=x onerror=alert(1)> \"quoted\" film.mp4";
  static final PlaybackConfig PLAYBACK = new PlaybackConfig(Duration.ofSeconds(90), 1000, Duration.ofDays(7));

  @TempDir static Path dir;
  static Path media;
  static Path data;
  static Library library;
  static Metrics metrics;
  static KanalServer server;

  @BeforeAll
  static void start() throws Exception {
    media = Files.createDirectories(dir.resolve("library-folder"));
    data = Files.createDirectories(dir.resolve("data-folder"));
    Files.writeString(media.resolve("broken.mp4"), "not a video at all\n".repeat(100));
    Files.writeString(media.resolve(FILE_NAME), "also not a video\n".repeat(100));
    library = Library.open(LibraryConfig.of(List.of(media)), data.resolve("kanal.db"),
        new Prober(Path.of("ffprobe"), Library.PROBE_TIMEOUT));
    library.scan();
    Thumbnails thumbnails = new Thumbnails(Path.of("ffmpeg"), data.resolve("cache").resolve("thumbnails"));
    MediaFiles files = id -> library.file(id)
        .map(e -> new MediaFile(e.path(), e.size(), e.modified(), e.contentType(), e.fileName()));
    // A store that fails every call with a message full of what must not leak.
    PlaybackStore failing = (PlaybackStore) Proxy.newProxyInstance(PlaybackStore.class.getClassLoader(),
        new Class<?>[] {PlaybackStore.class}, (proxy, method, args) -> switch (method.getName()) {
          case "description" -> "failing";
          case "close" -> null;
          case "toString" -> "failing";
          case "hashCode" -> 0;
          case "equals" -> proxy == args[0];
          default -> throw new IllegalStateException("disk error in " + data.resolve("kanal.db"));
        });
    Instant now = Instant.now();
    Epg epg = Epg.builder()
        .channel(new XmltvChannel("evil", List.of(HOSTILE), Optional.empty()))
        .programme(new EpgProgramme("evil", now.minusSeconds(600), Optional.of(now.plusSeconds(600)), HOSTILE,
            Optional.of("</sub-title><script>x</script>"), Optional.of(HOSTILE), List.of("<b>cat</b>")))
        .build();
    ChannelCatalog catalog = ChannelCatalog.of(List.of(TestChannels.channel("evil", HOSTILE, "Group \"g\"\n#EXTM3U", null,
        "javascript:alert(1)", TestChannels.source("http://127.0.0.1:9/live.m3u8", true))));
    metrics = Metrics.create("test");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.of(files), Optional.of(new VideoLibrary(library, thumbnails, () -> { })))
        .withLive(TestChannels.setup(LiveTv.of(catalog, epg), Duration.ofSeconds(1), 0, TestChannels.ffmpeg()))
        .withPlayback(new PlaybackSetup(failing, PLAYBACK, Clock.systemUTC())), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
    library.close();
  }

  static String id(String fileName) throws Exception {
    return library.list("", null, Library.Sort.TITLE, false, 0, 100).items().stream()
        .filter(v -> v.fileName().equals(fileName)).map(Video::id).findFirst().orElseThrow();
  }

  static RawHttp.Response send(String method, String path, String body) throws Exception {
    String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      head += "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n";
    }
    return RawHttp.exchange(server.port(), head + "\r\n" + (body == null ? "" : body), Duration.ofSeconds(30));
  }

  /** A GET through the JDK client (it undoes chunked transfer coding, which RawHttp keeps). */
  static byte[] get(String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(server.url() + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  @Test
  void errors_onEveryKindOfRoute_showNoStackTraceExceptionOrPath() throws Exception {
    String broken = id("broken.mp4");
    String odd = id(FILE_NAME);
    List<String[]> requests = List.of(
        new String[] {"GET", "/api/videos/nope", null},
        new String[] {"GET", "/api/videos?limit=abc", null},
        new String[] {"GET", "/api/videos/" + broken + "/poster.jpg", null},
        new String[] {"GET", "/api/videos/" + broken + "/thumbnails.vtt", null},
        new String[] {"GET", "/api/videos/" + broken + "/subtitles/0.vtt", null},
        new String[] {"GET", "/api/videos/" + odd, null},
        new String[] {"GET", "/media/nope/file", null},
        new String[] {"GET", "/media/" + broken + "/file", null},
        new String[] {"GET", "/media/%zz/file", null},
        new String[] {"GET", "/api/nothing", null},
        new String[] {"GET", "/live/nope/index.m3u8", null},
        new String[] {"GET", "/live/evil/index.m3u8", null},
        new String[] {"GET", "/live/evil/s/forged.ts", null},
        new String[] {"GET", "/live/nope.ts", null},
        new String[] {"GET", "/api/channels?limit=-1", null},
        new String[] {"GET", "/api/channels/nope", null},
        new String[] {"GET", "/api/progress/" + broken, null},
        new String[] {"PUT", "/api/progress/" + broken, "{\"positionSeconds\":1,\"durationSeconds\":10}"},
        new String[] {"PUT", "/api/progress/" + broken, "{not json"},
        new String[] {"PUT", "/api/progress/" + broken, "[" .repeat(100) + "]".repeat(100)},
        new String[] {"POST", "/api/sessions", "{\"kind\":\"vod\",\"videoId\":\"" + broken + "\"}"},
        new String[] {"POST", "/api/qoe", "{\"events\":[{\"type\":1}]}"},
        new String[] {"GET", "/api/sessions/active", null},
        new String[] {"GET", "/api/qoe/summary", null},
        new String[] {"POST", "/api/sources", "{\"url\":\"file:///etc/passwd\"}"},
        new String[] {"POST", "/api/sources", "{\"url\":1}"},
        new String[] {"GET", "/vod/" + broken + "/master.m3u8", null});
    List<String> statuses = new ArrayList<>();
    for (String[] r : requests) {
      RawHttp.Response response = send(r[0], r[1], r[2]);
      String text = response.text();
      String what = r[0] + " " + r[1] + " -> " + response.status() + " " + text;
      statuses.add(r[1] + "=" + response.status());
      assertThat(text).as(what)
          .doesNotContain("Exception").doesNotContain("at dev.kanal").doesNotContain("at java.")
          .doesNotContain(dir.toString()).doesNotContain(media.toString()).doesNotContain(data.toString())
          .doesNotContain("library-folder").doesNotContain("data-folder").doesNotContain("/etc/passwd");
    }
    assertThat(statuses).as("the failing store gives 5xx, not 2xx").anyMatch(s -> s.startsWith("/api/sessions/active=5"));
  }

  @Test
  void json_channelAndFileNames_roundTripAsPlainStrings() throws Exception {
    JsonObject body = new JsonObject(new String(get("/api/channels"), StandardCharsets.UTF_8));
    JsonObject item = body.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("name")).isEqualTo(HOSTILE);
    String videos = new String(get("/api/videos"), StandardCharsets.UTF_8);
    JsonArray items = new JsonObject(videos).getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("fileName"))).contains(FILE_NAME);
    assertThat(videos).doesNotContain(media.toString());
  }

  @Test
  void m3u_hostileNameAndGroup_cannotInjectLinesOrAttributes() throws Exception {
    String text = new String(get("/iptv/playlist.m3u"), StandardCharsets.UTF_8);
    IptvPlaylist p = IptvPlaylist.parse(text, ParseOptions.DEFAULTS.withStrict(true));
    assertThat(p.entries()).hasSize(1);
    assertThat(text.split("\n", -1)).as("header, EXTINF, URL, final newline").hasSize(4);
    assertThat(p.entries().getFirst().url()).startsWith(server.url() + "/live/evil/");
    assertThat(text).doesNotContain("\r").doesNotContain("\n#EXTINF:-1,Injected").doesNotContain("\nhttp://evil.example");
    assertThat(p.entries().getFirst().attributes().keySet()).containsOnly("tvg-id", "tvg-name", "tvg-logo", "tvg-chno",
        "group-title");
  }

  @Test
  void xmltv_hostileTexts_parseBackAsText() throws Exception {
    byte[] xml = get("/iptv/epg.xml");
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    assertThat(doc.getElementsByTagName("script").getLength()).isZero();
    assertThat(doc.getElementsByTagName("b").getLength()).isZero();
    assertThat(doc.getElementsByTagName("programme").getLength()).isEqualTo(1);
    assertThat(doc.getElementsByTagName("sub-title").item(0).getTextContent()).isEqualTo("</sub-title><script>x</script>");
  }

  @Test
  void webUi_neverBuildsHtmlFromData() throws Exception {
    String js = new String(ErrorResponsesTest.class.getResourceAsStream("/web/assets/app.js").readAllBytes(),
        StandardCharsets.UTF_8);
    assertThat(js).doesNotContain(".innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write");
  }
}
