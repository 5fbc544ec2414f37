package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.EpgProgramme;
import dev.kanal.iptv.LiveTv;
import dev.kanal.iptv.XmltvChannel;
import dev.kanal.iptv.XmltvParser;
import dev.kanal.playlist.IptvPlaylist;
import dev.kanal.playlist.ParseOptions;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /iptv/playlist.m3u} and {@code /iptv/epg.xml}: the playlist read back by Kanal's own strict
 * parser with every attribute (mpv and VLC are not installed here, so their parsers are not run),
 * each entry opened by ffprobe at its URL (the HLS relay) and as {@code /live/{id}.ts}, the guide
 * read back by the hardened {@link XmltvParser}, gzip byte-identical to plain.
 */
class IptvRoutesTest {

  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static HlsTestServer upstream;
  static Metrics metrics;
  static KanalServer server;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static EpgProgramme programme(String channel, String title, Instant start, Instant stop) {
    return new EpgProgramme(channel, start, Optional.of(stop), title, Optional.of("Part <1> & more"),
        Optional.of("A \"quoted\" description\nover two lines"), List.of("News"));
  }

  @BeforeAll
  static void start() throws Exception {
    upstream = TestChannels.liveUpstream();
    String url = upstream.uri("/live/index.m3u8").toString();
    ChannelCatalog catalog = ChannelCatalog.of(List.of(
        TestChannels.channel("one", "Channel One", "News", "1", "http://logos.example/one.png",
            TestChannels.withStatus(TestChannels.source(url + "?one", true), CheckStatus.ALIVE)),
        TestChannels.channel("two", "Sport \"Extra\"\r\nLive", "Sports", null, "",
            TestChannels.withStatus(TestChannels.source(url + "?two", true), CheckStatus.DEAD)),
        TestChannels.channel("three", "Channel Three", "News", "1", "",
            TestChannels.source(url + "?three", true))));
    Epg epg = Epg.builder()
        .channel(new XmltvChannel("one", List.of("Channel One"), Optional.empty()))
        .channel(new XmltvChannel("Three.guide", List.of("Channel Three"), Optional.of("http://logos.example/3.png")))
        .channel(new XmltvChannel("other.guide", List.of("Not In The Catalog"), Optional.empty()))
        .programme(programme("one", "Morning & <News>", NOW.minusSeconds(1800), NOW.plusSeconds(1800)))
        .programme(programme("one", "Noon \"Special\"", NOW.plusSeconds(1800), NOW.plusSeconds(3600)))
        .programme(programme("Three.guide", "Third Programme", NOW.minusSeconds(600), NOW.plusSeconds(600)))
        .programme(programme("other.guide", "Hidden Programme", NOW.minusSeconds(600), NOW.plusSeconds(600)))
        .build();
    metrics = Metrics.create("test");
    LiveSetup live = TestChannels.setup(LiveTv.of(catalog, epg), Duration.ofSeconds(1), 0, TestChannels.ffmpeg());
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty()).withLive(live), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
    upstream.close();
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static IptvPlaylist playlist(String path) throws Exception {
    HttpResponse<byte[]> r = get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("audio/x-mpegurl; charset=utf-8");
    String text = new String(r.body(), StandardCharsets.UTF_8);
    IptvPlaylist p = IptvPlaylist.parse(text, ParseOptions.DEFAULTS.withStrict(true));
    assertThat(text.split("\n", -1)).as("one header line, two lines per entry, final newline")
        .hasSize(1 + 2 * p.entries().size() + 1);
    return p;
  }

  static Map<String, String> attributes(String id, String name, String logo, String number, String group) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("tvg-id", id);
    m.put("tvg-name", name);
    if (logo != null) {
      m.put("tvg-logo", logo);
    }
    m.put("tvg-chno", number);
    m.put("group-title", group);
    return m;
  }

  @Test
  void playlist_readsBackStrictlyWithEveryAttribute_andPointsAtTheRelay() throws Exception {
    IptvPlaylist p = playlist("/iptv/playlist.m3u");
    assertThat(p.header()).containsExactly(Map.entry("x-tvg-url", server.url() + "/iptv/epg.xml"));
    assertThat(p.entries()).hasSize(3);
    var one = p.entries().get(0);
    assertThat(one.title()).isEqualTo("Channel One");
    assertThat(one.url()).isEqualTo(server.url() + "/live/one/index.m3u8");
    assertThat(one.attributes()).containsExactlyEntriesOf(
        attributes("one", "Channel One", "http://logos.example/one.png", "1", "News"));
    var two = p.entries().get(1);
    assertThat(two.title()).as("quotes and line breaks cannot break the line").isEqualTo("Sport 'Extra'  Live");
    assertThat(two.attributes()).containsExactlyEntriesOf(attributes("two", "Sport 'Extra'  Live", null, "2", "Sports"));
    var three = p.entries().get(2);
    assertThat(three.attributes().get("tvg-chno")).as("a number already taken gets the next free one").isEqualTo("3");
    assertThat(three.url()).isEqualTo(server.url() + "/live/three/index.m3u8");
  }

  @Test
  void playlist_filtersByGroupAndAlive() throws Exception {
    assertThat(playlist("/iptv/playlist.m3u?group=news").entries()).extracting(e -> e.attributes().get("tvg-id"))
        .containsExactly("one", "three");
    assertThat(playlist("/iptv/playlist.m3u?alive=1").entries()).extracting(e -> e.attributes().get("tvg-id"))
        .containsExactly("one");
    assertThat(playlist("/iptv/playlist.m3u?group=Sports&alive=1").entries()).isEmpty();
    HttpResponse<byte[]> unknown = get("/iptv/playlist.m3u?group=Weather");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(new String(unknown.body(), StandardCharsets.UTF_8)).getString("error"))
        .isEqualTo("no channel group 'Weather' (GET /api/channels/groups lists them)");
    assertThat(get("/iptv/playlist.m3u?alive=perhaps").statusCode()).isEqualTo(400);
  }

  @Test
  void playlist_usesTheForwardedBase() throws Exception {
    HttpResponse<byte[]> r = get("/iptv/playlist.m3u", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "tv.example.org");
    IptvPlaylist p = IptvPlaylist.parse(new String(r.body(), StandardCharsets.UTF_8), ParseOptions.DEFAULTS);
    assertThat(p.header().get("x-tvg-url")).isEqualTo("https://tv.example.org/iptv/epg.xml");
    assertThat(p.entries().getFirst().url()).isEqualTo("https://tv.example.org/live/one/index.m3u8");
  }

  @Test
  void playlist_everyEntryOpensInFfprobe_atItsRelayUrl_andAsTs() throws Exception {
    for (IptvPlaylist.Entry e : playlist("/iptv/playlist.m3u").entries()) {
      // The entry's own URL: the HLS relay's playlist (/live/{id}/index.m3u8), as a player opens it.
      assertThat(probe(e.url())).as(e.url()).containsExactlyInAnyOrder("video", "audio");
      String ts = e.url().replace("/index.m3u8", ".ts");
      assertThat(ts).isEqualTo(server.url() + "/live/" + e.attributes().get("tvg-id") + ".ts");
      assertThat(probe(ts)).as(ts).containsExactlyInAnyOrder("video", "audio");
    }
  }

  /** The distinct stream types ffprobe finds (it lists streams once per program and once more on their own). */
  static List<String> probe(String url) throws Exception {
    Process p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", url)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(l -> !l.isBlank()).distinct().toList();
  }

  static String plainGuide(String path) throws Exception {
    HttpResponse<byte[]> r = get(path);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/xml; charset=utf-8");
    assertThat(r.headers().firstValue("content-encoding")).isEmpty();
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void guide_readsBackWithTheHardenedParser_withOnlyCatalogChannelsUnderTheirIds() throws Exception {
    String xml = plainGuide("/iptv/epg.xml");
    Epg.Builder builder = Epg.builder();
    XmltvParser.Stats stats = XmltvParser.around(NOW).parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        "epg.xml", builder);
    Epg epg = builder.build();
    assertThat(stats.skipped()).isZero();
    assertThat(epg.channels()).extracting(XmltvChannel::id).containsExactly("one", "two", "three");
    assertThat(epg.channel("one").orElseThrow().displayNames()).containsExactly("Channel One", "1");
    assertThat(epg.channel("one").orElseThrow().icon()).hasValue("http://logos.example/one.png");
    assertThat(epg.channel("three").orElseThrow().icon()).as("the guide's icon when the playlist has none")
        .hasValue("http://logos.example/3.png");
    assertThat(epg.programmes("one")).extracting(EpgProgramme::title).containsExactly("Morning & <News>", "Noon \"Special\"");
    EpgProgramme first = epg.programmes("one").getFirst();
    assertThat(first.start()).isEqualTo(NOW.minusSeconds(1800));
    assertThat(first.stop()).hasValue(NOW.plusSeconds(1800));
    assertThat(first.subTitle()).hasValue("Part <1> & more");
    assertThat(first.description()).hasValue("A \"quoted\" description\nover two lines");
    assertThat(first.categories()).containsExactly("News");
    assertThat(epg.programmes("three")).extracting(EpgProgramme::title).containsExactly("Third Programme");
    assertThat(epg.programmes("two")).isEmpty();
    assertThat(xml).doesNotContain("other.guide").doesNotContain("Hidden Programme").doesNotContain("Three.guide");
    assertThat(xml).contains("start=\"" + XmltvWriterTimes.xmltv(NOW.minusSeconds(1800)) + "\"");
  }

  @Test
  void guide_gzip_byAcceptEncodingOrGzName_decompressesToTheSameBytes() throws Exception {
    byte[] plain = plainGuide("/iptv/epg.xml").getBytes(StandardCharsets.UTF_8);

    HttpResponse<byte[]> encoded = get("/iptv/epg.xml", "Accept-Encoding", "br, gzip;q=0.8");
    assertThat(encoded.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(encoded.headers().firstValue("vary")).hasValue("Accept-Encoding");
    assertThat(new GZIPInputStream(new ByteArrayInputStream(encoded.body())).readAllBytes()).isEqualTo(plain);

    HttpResponse<byte[]> file = get("/iptv/epg.xml.gz");
    assertThat(file.headers().firstValue("content-type")).hasValue("application/gzip");
    assertThat(file.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new GZIPInputStream(new ByteArrayInputStream(file.body())).readAllBytes()).isEqualTo(plain);

    HttpResponse<byte[]> refused = get("/iptv/epg.xml", "Accept-Encoding", "gzip;q=0, identity");
    assertThat(refused.headers().firstValue("content-encoding")).isEmpty();
    assertThat(refused.body()).isEqualTo(plain);
  }

  @Test
  void guide_filtersByGroup() throws Exception {
    Epg.Builder builder = Epg.builder();
    XmltvParser.around(NOW).parse(new ByteArrayInputStream(plainGuide("/iptv/epg.xml?group=Sports")
        .getBytes(StandardCharsets.UTF_8)), "epg.xml", builder);
    assertThat(builder.build().channels()).extracting(XmltvChannel::id).containsExactly("two");
  }

  /** XMLTV's time format, written independently of the code under test. */
  static final class XmltvWriterTimes {
    static String xmltv(Instant t) {
      return java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(java.time.ZoneOffset.UTC).format(t)
          + " +0000";
    }
  }
}
