package dev.kanal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SSDP messages, DNS-SD TXT records, device descriptions and the neighbour list, case by case. */
class DiscoveryParsersTest {

  private static final InetAddress SENDER = address("192.168.1.20");

  private static SsdpMessage ssdp(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return SsdpMessage.parse(b, b.length).orElseThrow();
  }

  @Test
  void parse_search_readsHeadersCaseInsensitively() {
    SsdpMessage m = ssdp("M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: \"ssdp:discover\"\r\nmx: 3\r\n"
        + "st: ssdp:all\r\n\r\n");
    assertThat(m.kind()).isEqualTo(SsdpMessage.Kind.SEARCH);
    assertThat(m.isDiscover()).isTrue();
    assertThat(m.target()).isEqualTo("ssdp:all");
    assertThat(m.mx()).hasValue(3);
  }

  @Test
  void parse_notify_readsUuidMaxAgeAndKanalVersion() {
    SsdpMessage m = ssdp("NOTIFY * HTTP/1.1\nCACHE-CONTROL: max-age=1800\nNT: upnp:rootdevice\nNTS: ssdp:alive\n"
        + "SERVER: Linux/6.1 UPnP/1.0 Kanal/0.2.0\nUSN: uuid:1234ABCD::upnp:rootdevice\n\n");
    assertThat(m.isAlive()).isTrue();
    assertThat(m.uuid()).hasValue("1234abcd");
    assertThat(m.maxAge()).isEqualTo(1800);
    assertThat(m.kanalVersion()).hasValue("0.2.0");
  }

  @Test
  void parse_malformed_isEmpty() {
    for (String bad : List.of("", "GET / HTTP/1.1\r\n\r\n", "NOTIFY * HTTP/1.1\r\nno colon here\r\n\r\n",
        "NOTIFY * HTTP/1.1\r\nNT: caf\u00e9\r\n\r\n", "NOTIFY * HTTP/1.1\r\nX: \u0001\r\n\r\n",
        "NOTIFY * HTTP/1.1\r\n" + "X: y\r\n".repeat(40) + "\r\n", "NOTIFY * HTTP/1.1\r\nX: " + "a".repeat(2000) + "\r\n")) {
      byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
      assertThat(SsdpMessage.parse(b, b.length)).as(bad).isEmpty();
    }
    byte[] big = new byte[SsdpMessage.MAX_BYTES + 1];
    assertThat(SsdpMessage.parse(big, big.length)).isEmpty();
  }

  @Test
  void location_onlyWhenItNamesTheSender() {
    String head = "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:1050abc7\r\nLOCATION: ";
    assertThat(ssdp(head + "http://192.168.1.20:5004/dri/device.xml\r\n\r\n").location(SENDER))
        .hasValue(URI.create("http://192.168.1.20:5004/dri/device.xml"));
    assertThat(ssdp(head + "http://192.168.1.20/device.xml\r\n\r\n").location(SENDER))
        .hasValue(URI.create("http://192.168.1.20:80/device.xml"));
    for (String other : List.of("http://192.168.1.21/device.xml", "http://127.0.0.1:8080/device.xml",
        "http://localhost/device.xml", "http://192.168.1.20@10.0.0.1/x", "http://x@192.168.1.20/x",
        "https://192.168.1.20/device.xml", "file:///etc/passwd", "http://0xc0a80114/", "http://192.168.001.020/",
        "http://[::1]/", "http://192.168.1.20:0/x", "http://192.168.1.20/a b")) {
      assertThat(ssdp(head + other + "\r\n\r\n").location(SENDER)).as(other).isEmpty();
    }
  }

  @Test
  void searchTargets_answerAllRootMediaServerAndOwnUuid() {
    assertThat(Ssdp.targetsFor("ssdp:all", "1234ABCD")).hasSize(3);
    assertThat(Ssdp.targetsFor("upnp:rootdevice", "1234ABCD")).containsExactly("upnp:rootdevice");
    assertThat(Ssdp.targetsFor("urn:schemas-upnp-org:device:MediaServer:1", "1234ABCD"))
        .containsExactly("urn:schemas-upnp-org:device:MediaServer:1");
    assertThat(Ssdp.targetsFor("uuid:1234ABCD", "1234ABCD")).containsExactly("uuid");
    assertThat(Ssdp.targetsFor("urn:schemas-upnp-org:device:MediaRenderer:1", "1234ABCD")).isEmpty();
  }

  @Test
  void txt_parsesEntriesAndSkipsBrokenOnes() {
    byte[] txt = {10, 'v', 'i', 'd', 'e', 'o', '=', 'h', '2', '6', '4', 3, 'F', 'P', 'S', 4, '=', 'b', 'a', 'd',
        3, 'a', '=', (byte) 0xff, 6, 'f', 'p', 's', '=', '2', '5', 9, 'r', 'e', 's'};
    Map<String, String> map = TxtRecord.parse(txt);
    assertThat(map).containsEntry("video", "h264").containsEntry("fps", "").doesNotContainKey("a")
        .doesNotContainKey("res").hasSize(2); // "FPS" came first; "a" is not UTF-8; "res" runs past the end
    assertThat(TxtRecord.select(Map.of("res", "1920x1080", "fps", "fast", "video", "h264"), TxtRecord.STREAM_ATTRIBUTES))
        .isEqualTo(Map.of("res", "1920x1080", "video", "h264"));
  }

  @Test
  void describe_rtspServiceWithStreamTxt_isAStream() {
    byte[] txt = txt("video=h264", "res=1920x1080", "fps=30", "path=/live");
    Neighbour n = Mdns.describe(Mdns.RTSP, "Porch\u202e Camera\u0007", 8554, List.of(SENDER), txt, Instant.EPOCH).orElseThrow();
    assertThat(n.kind()).isEqualTo("stream");
    assertThat(n.name()).isEqualTo("Porch Camera");
    assertThat(n.url()).isEqualTo("rtsp://192.168.1.20:8554/live");
    assertThat(n.attributes()).containsEntry("video", "h264").containsEntry("res", "1920x1080").containsEntry("fps", "30")
        .containsEntry("protocol", "rtsp");
  }

  @Test
  void describe_httpWithoutStreamTxt_isNotListed_kanalIs() {
    assertThat(Mdns.describe(Mdns.HTTP, "Printer", 631, List.of(SENDER), txt("rp=ipp"), Instant.EPOCH)).isEmpty();
    Neighbour k = Mdns.describe(Mdns.KANAL, "Kanal", 8080, List.of(SENDER),
        txt("version=0.2.0", "id=1234abcd", "api=/api", "live=1"), Instant.EPOCH).orElseThrow();
    assertThat(k.kind()).isEqualTo("kanal");
    assertThat(k.id()).isEqualTo("1234ABCD");
    assertThat(k.version()).hasValue("0.2.0");
    assertThat(k.url()).isEqualTo("http://192.168.1.20:8080");
    assertThat(Mdns.describe(Mdns.KANAL, "Kanal", 8080, List.of(SENDER), txt("version=<script>", "id=1", "api=/api"),
        Instant.EPOCH)).isEmpty();
  }

  @Test
  void deviceDescription_readsRootDeviceAndRefusesDoctype() {
    String xml = "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><URLBase>http://x</URLBase>"
        + "<device><deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType><friendlyName>Den &amp; TV</friendlyName>"
        + "<manufacturer>Silicondust</manufacturer><deviceList><device><friendlyName>inner</friendlyName></device>"
        + "</deviceList></device></root>";
    DeviceDescription d = DeviceDescription.parse(xml.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    assertThat(d.get("friendlyName")).isEqualTo("Den & TV");
    assertThat(d.isMediaServer()).isTrue();
    assertThat(d.isHdHomeRun()).isTrue();
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<root><device><friendlyName>&x;</friendlyName></device></root>";
    assertThat(DeviceDescription.parse(xxe.getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(DeviceDescription.parse("not xml".getBytes(StandardCharsets.UTF_8))).isEmpty();
  }

  @Test
  void nearby_mergesByKey_forgetsOnGoodbyeAndExpiry_andSkipsItself() {
    MutableClock clock = new MutableClock();
    Nearby nearby = new Nearby(clock, "SELF0001");
    Neighbour viaMdns = new Neighbour("kanal", "AB12CD34", "Den", "http://192.168.1.20:8080", "192.168.1.20",
        Optional.of("1.0"), Set.of("mdns"), Map.of("live", "1"), clock.instant());
    Neighbour viaSsdp = new Neighbour("kanal", "AB12CD34", "Den", "http://192.168.1.20:8080", "192.168.1.20",
        Optional.empty(), Set.of("ssdp"), Map.of(), clock.instant());
    nearby.put(viaMdns, "mdns", Duration.ofMinutes(75));
    nearby.put(viaSsdp, "ssdp", Duration.ofSeconds(1800));
    nearby.put(new Neighbour("kanal", "self0001", "Me", "", "", Optional.empty(), Set.of("mdns"), Map.of(),
        clock.instant()), "mdns", Duration.ofMinutes(1));
    assertThat(nearby.list()).singleElement().satisfies(n -> {
      assertThat(n.via()).containsExactly("mdns", "ssdp");
      assertThat(n.version()).hasValue("1.0");
    });
    nearby.removeId("ab12cd34", "ssdp");
    assertThat(nearby.list()).singleElement().satisfies(n -> assertThat(n.via()).containsExactly("mdns"));
    clock.now = clock.now.plus(Duration.ofMinutes(76));
    assertThat(nearby.list()).isEmpty();
  }

  @Test
  void interfaces_serverBoundToOneAddress_announcesOnlyThere() throws Exception {
    List<Interfaces.Local> all = Interfaces.candidates();
    for (Interfaces.Local l : all) {
      assertThat(Interfaces.forServer(all, l.address().getHostAddress(), List.of())).containsExactly(l);
    }
    assertThat(Interfaces.forServer(all, "0.0.0.0", List.of())).noneMatch(l -> l.address().isLoopbackAddress());
    assertThat(Interfaces.forServer(all, "0.0.0.0", List.of("all"))).isEqualTo(all);
    assertThat(Interfaces.isLoopback("127.0.0.1")).isTrue();
    assertThat(Interfaces.isLoopback("0.0.0.0")).isFalse();
    assertThat(Discovery.enabled("auto", true)).isFalse();
    assertThat(Discovery.enabled("auto", false)).isTrue();
    assertThat(Discovery.enabled("on", true)).isTrue();
  }

  static byte[] txt(String... entries) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String e : entries) {
      byte[] b = e.getBytes(StandardCharsets.UTF_8);
      out.write(b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
