package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.TestChannels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The HDHomeRun emulation as Plex and Jellyfin read it: the field names and JSON types of
 * Jellyfin's {@code DiscoverResponse} ({@code TunerCount} an integer, the rest strings) and
 * {@code Channels} ({@code GuideNumber}, {@code GuideName}, {@code URL} strings), a DeviceID that
 * passes libhdhomerun's check, the UPnP description, and lineup URLs that really stream.
 */
class HdHomeRunRoutesTest {

  static HlsTestServer upstream;
  static Metrics metrics;
  static KanalServer server;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    upstream = TestChannels.liveUpstream();
    String url = upstream.uri("/live/index.m3u8").toString();
    ChannelCatalog catalog = ChannelCatalog.of(List.of(
        TestChannels.channel("one.tv", "One", "News", "4.1", "", TestChannels.source(url + "?one", true)),
        TestChannels.channel("two.tv", "Two & Co", "News", null, "", TestChannels.source(url + "?two", true))));
    metrics = Metrics.create("test");
    server = start(catalog, 2);
  }

  static KanalServer start(ChannelCatalog catalog, int tuners) throws Exception {
    LiveSetup live = TestChannels.setup(LiveTv.of(catalog, Epg.builder().build()), Duration.ofSeconds(1), tuners,
        TestChannels.ffmpeg());
    return KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty()).withLive(live), metrics);
  }

  @AfterAll
  static void stop() {
    server.close();
    metrics.close();
    upstream.close();
  }

  static HttpResponse<String> get(KanalServer s, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(s.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** libhdhomerun's hdhomerun_discover_validate_device_id, written out again. */
  static boolean validDeviceId(String hex) {
    int[] table = {0xA, 0x5, 0xF, 0x6, 0x7, 0xC, 0x1, 0xB, 0x9, 0x2, 0x8, 0xD, 0x4, 0x3, 0xE, 0x0};
    long id = Long.parseLong(hex, 16);
    int sum = 0;
    for (int nibble = 7; nibble >= 0; nibble--) {
      int v = (int) ((id >> (nibble * 4)) & 0xf);
      sum ^= nibble % 2 == 1 ? table[v] : v;
    }
    return sum == 0;
  }

  @Test
  void discover_hasJellyfinsFieldsAndTypes() throws Exception {
    HttpResponse<String> r = get(server, "/discover.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonObject d = new JsonObject(r.body());
    for (String field : List.of("FriendlyName", "ModelNumber", "FirmwareName", "FirmwareVersion", "DeviceID", "DeviceAuth",
        "BaseURL", "LineupURL")) {
      assertThat(d.getValue(field)).as(field).isInstanceOf(String.class);
    }
    assertThat(d.getValue("TunerCount")).isInstanceOf(Integer.class).isEqualTo(2);
    assertThat(d.getString("FriendlyName")).isEqualTo("Kanal");
    assertThat(d.getString("ModelNumber")).isEqualTo("HDTC-2US");
    assertThat(d.getString("FirmwareName")).isEqualTo("hdhomeruntc_atsc");
    assertThat(d.getString("DeviceID")).matches("[0-9A-F]{8}");
    assertThat(validDeviceId(d.getString("DeviceID"))).as("libhdhomerun check digit").isTrue();
    assertThat(d.getString("BaseURL")).isEqualTo(server.url());
    assertThat(d.getString("LineupURL")).isEqualTo(server.url() + "/lineup.json");
  }

  @Test
  void deviceId_isStableForASecret_differsForAnother_andAlwaysValid() {
    byte[] a = "a-secret-of-at-least-thirty-two-bytes!!".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "another-secret-of-at-least-32-bytes....".getBytes(StandardCharsets.US_ASCII);
    assertThat(HdHomeRunRoutes.deviceId(a)).isEqualTo(HdHomeRunRoutes.deviceId(a.clone()));
    assertThat(HdHomeRunRoutes.deviceId(a)).isNotEqualTo(HdHomeRunRoutes.deviceId(b));
    for (int i = 0; i < 200; i++) {
      byte[] s = ("secret-number-" + i + "-padded-to-thirty-two-bytes").getBytes(StandardCharsets.US_ASCII);
      assertThat(validDeviceId(HdHomeRunRoutes.deviceId(s))).isTrue();
    }
    assertThat(validDeviceId("12345678")).as("the check itself can fail").isFalse();
    assertThat(validDeviceId("1234567F")).isFalse();
  }

  @Test
  void discover_withoutATunerLimit_advertisesEight() throws Exception {
    KanalServer unlimited = start(ChannelCatalog.of(List.of()), 0);
    try {
      assertThat(new JsonObject(get(unlimited, "/discover.json").body()).getInteger("TunerCount")).isEqualTo(8);
    } finally {
      unlimited.close();
    }
  }

  @Test
  void lineupStatus_saysNoScanIsRunning() throws Exception {
    JsonObject s = new JsonObject(get(server, "/lineup_status.json").body());
    assertThat(s).isEqualTo(new JsonObject().put("ScanInProgress", 0).put("ScanPossible", 1).put("Source", "Cable")
        .put("SourceList", new JsonArray().add("Cable")));
  }

  @Test
  void lineup_listsEveryChannelWithUniqueGuideNumbersAndTsUrls() throws Exception {
    HttpResponse<String> r = get(server, "/lineup.json");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    JsonArray lineup = new JsonArray(r.body());
    assertThat(lineup).containsExactly(
        new JsonObject().put("GuideNumber", "4.1").put("GuideName", "One").put("URL", server.url() + "/live/one.tv.ts"),
        new JsonObject().put("GuideNumber", "5").put("GuideName", "Two & Co").put("URL", server.url() + "/live/two.tv.ts"));
    Set<Object> numbers = new HashSet<>();
    lineup.forEach(o -> {
      JsonObject c = (JsonObject) o;
      assertThat(c.getValue("GuideNumber")).isInstanceOf(String.class);
      assertThat(c.getValue("GuideName")).isInstanceOf(String.class);
      assertThat(c.getValue("URL")).isInstanceOf(String.class);
      assertThat(numbers.add(c.getValue("GuideNumber"))).isTrue();
    });
    assertThat(get(server, "/lineup.json?show=found").body()).isEqualTo(r.body());
  }

  @Test
  void lineupUrls_streamMpegTs_andJellyfinsTranscodeQueryIsIgnored() throws Exception {
    for (Object o : new JsonArray(get(server, "/lineup.json").body())) {
      String url = ((JsonObject) o).getString("URL") + "?transcode=internet720";
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(r.statusCode()).as(url).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValue("video/mp2t");
      try (InputStream in = r.body()) {
        byte[] packets = in.readNBytes(188 * 3);
        assertThat(packets).hasSize(188 * 3);
        assertThat(List.of(packets[0], packets[188], packets[376])).containsOnly((byte) 0x47);
      }
    }
  }

  @Test
  void lineupPost_acceptsScanRequests() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/lineup.post?scan=start&source=Cable"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void deviceXml_isAUpnpMediaServerWithTheDeviceIdAsUdn() throws Exception {
    String deviceId = new JsonObject(get(server, "/discover.json").body()).getString("DeviceID");
    HttpResponse<String> r = get(server, "/device.xml");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/xml; charset=utf-8");
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(r.body().getBytes(StandardCharsets.UTF_8)));
    String ns = "urn:schemas-upnp-org:device-1-0";
    assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("root");
    assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(ns);
    Map<String, String> expected = Map.of("UDN", "uuid:" + deviceId, "deviceType", "urn:schemas-upnp-org:device:MediaServer:1",
        "friendlyName", "Kanal", "modelNumber", "HDTC-2US", "URLBase", server.url());
    expected.forEach((tag, value) ->
        assertThat(doc.getElementsByTagNameNS(ns, tag).item(0).getTextContent()).as(tag).isEqualTo(value));
  }
}
