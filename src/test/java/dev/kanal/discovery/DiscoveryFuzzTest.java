package dev.kanal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.jmdns.impl.DNSIncoming;
import javax.jmdns.impl.DNSRecord;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what LAN discovery reads from the network. SSDP: whatever the datagram, the listener
 * ({@link SsdpBrowser#onPacket}) returns without an exception, and the only URLs it fetches name the
 * sender's address. mDNS: whatever the datagram, JmDNS's parser ({@code DNSIncoming}, which runs on
 * JmDNS's listener thread and must fail only with an IOException, which that thread catches) and
 * Kanal's handling of the services it yields ({@link Mdns#describe}, {@link TxtRecord#parse}) throw
 * nothing, and what is listed is clean text. jqwik generates structured packets (headers that almost
 * parse, LOCATIONs aimed elsewhere, DNS records whose lengths lie); the two Jazzer fuzz tests replay
 * their seeds in a plain run ({@code src/test/resources/dev/kanal/discovery/DiscoveryFuzzTestInputs/})
 * and fuzz with coverage guidance under {@code JAZZER_FUZZ=1}.
 */
class DiscoveryFuzzTest {

  private static final InetAddress SENDER = address("192.168.1.20");
  private static final String[] LOCATIONS = {"http://192.168.1.20:5004/device.xml", "http://192.168.1.21/device.xml",
      "http://127.0.0.1:8080/", "http://localhost:80/x", "http://192.168.1.20@10.0.0.1/", "http://[::1]/",
      "https://192.168.1.20/d.xml", "file:///etc/passwd", "http://0xc0a80114/", "http://192.168.1.20:99999/",
      "http://192.168.001.020/", "http://192.168.1.20/../../x", "http://192.168.1.20:80/%2e%2e/", "", "http://"};
  private static final String[] LINES = {"NOTIFY * HTTP/1.1", "HTTP/1.1 200 OK", "M-SEARCH * HTTP/1.1", "NTS: ssdp:alive",
      "NTS: ssdp:byebye", "NT: upnp:rootdevice", "ST: urn:schemas-upnp-org:device:MediaServer:1", "USN: uuid:1050abc7",
      "USN: uuid:1050abc7::upnp:rootdevice", "USN: uuid:", "CACHE-CONTROL: max-age=99999999999", "SERVER: x Kanal/1.0",
      "MAN: \"ssdp:discover\"", "MX: 9", ":", "X", "", "\t", "LOCATION:"};

  /** Runs one SSDP datagram through a browser whose HTTP records every URL asked for. */
  static List<URI> ssdp(byte[] data) {
    List<URI> fetched = new CopyOnWriteArrayList<>();
    SsdpBrowser.Http http = uri -> {
      fetched.add(uri);
      return Optional.of(("<root><device><deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>"
          + "<friendlyName>x</friendlyName><manufacturer>Silicondust</manufacturer></device></root>")
          .getBytes(StandardCharsets.UTF_8));
    };
    Nearby nearby = new Nearby(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), "");
    SsdpBrowser browser = new SsdpBrowser(nearby, http, Runnable::run);
    browser.onPacket(data, data.length, SENDER); // must not throw
    for (URI uri : fetched) {
      assertThat(uri.getScheme()).isEqualTo("http");
      assertThat(uri.getHost()).as("fetched %s for a packet from %s", uri, SENDER).isEqualTo("192.168.1.20");
      assertThat(uri.getRawUserInfo()).isNull();
    }
    for (Neighbour n : nearby.list()) {
      assertThat(Text.isClean(n.name())).isTrue();
    }
    return fetched;
  }

  /** Parses one mDNS datagram as JmDNS does, then hands every service in it to Kanal's handling. */
  static void mdns(byte[] data) {
    DNSIncoming incoming;
    try {
      incoming = new DNSIncoming(new DatagramPacket(data, data.length, SENDER, 5353));
    } catch (IOException e) {
      return; // JmDNS's listener catches this and goes on
    }
    for (DNSRecord record : incoming.getAllAnswers()) {
      if (record instanceof DNSRecord.Text) {
        javax.jmdns.ServiceInfo info = record.getServiceInfo();
        String type = info.getType();
        String name = info.getName();
        byte[] text = info.getTextBytes();
        for (String browsed : Mdns.BROWSED) {
          Optional<Neighbour> n = Mdns.describe(browsed, name, 8554, List.of(SENDER), text, Instant.EPOCH);
          n.ifPresent(found -> {
            assertThat(Text.isClean(found.name())).isTrue();
            // A Kanal server is named by its base URL (as KanalServer.url() is); a stream by its URL with a path.
            assertThat(found.url()).matches(found.kind().equals("kanal") ? "http://192\\.168\\.1\\.20:8554"
                : "(rtsp|http)://192\\.168\\.1\\.20:8554/[!-~]*");
            found.attributes().values().forEach(v -> assertThat(v).matches("[\\x20-\\x7e]{0,256}"));
          });
        }
        assertThat(type).isNotNull();
        TxtRecord.parse(text);
      }
    }
  }

  @Property(tries = 3000)
  void ssdp_anyPacket_noExceptionAndFetchesOnlyFromTheSender(@ForAll("ssdpPackets") byte[] packet) {
    ssdp(packet);
  }

  @Property(tries = 300)
  void ssdp_randomBytes_noExceptionAndNoFetch(@ForAll byte[] packet) {
    assertThat(ssdp(packet)).isEmpty();
  }

  @Property(tries = 2000)
  void mdns_anyPacket_noExceptionEscapes(@ForAll("mdnsPackets") byte[] packet) {
    mdns(packet);
  }

  @Property(tries = 2000)
  void txt_anyBytes_parsesWithinLimits(@ForAll byte[] txt) {
    var map = TxtRecord.parse(txt);
    assertThat(map.size()).isLessThanOrEqualTo(TxtRecord.MAX_ENTRIES);
    map.forEach((k, v) -> {
      assertThat(k).matches("[\\x20-\\x3c\\x3e-\\x7e]{1,64}").isLowerCase();
      assertThat(Text.isClean(v)).isTrue();
    });
  }

  /** The generator can fail: a packet that names the sender in LOCATION is fetched, from the sender. */
  @Test
  void ssdp_locationOfTheSender_isFetched() {
    byte[] notify = ("NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.1.20:5004/device.xml\r\nNT: upnp:rootdevice\r\n"
        + "NTS: ssdp:alive\r\nUSN: uuid:1050abc7::upnp:rootdevice\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    assertThat(ssdp(notify)).containsExactly(URI.create("http://192.168.1.20:5004/device.xml"),
        URI.create("http://192.168.1.20:5004/discover.json"));
  }

  @Provide
  Arbitrary<byte[]> ssdpPackets() {
    Arbitrary<String> line = Arbitraries.oneOf(Arbitraries.of(LINES),
        Arbitraries.of(LOCATIONS).map(l -> "LOCATION: " + l),
        Arbitraries.strings().ofMaxLength(40));
    Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r", "");
    Arbitrary<String> packet = Combinators.combine(line.list().ofMaxSize(12), eol, Arbitraries.of(LINES).filter(
        l -> l.contains("HTTP/1.1"))).as((lines, nl, start) -> start + nl + String.join(nl, lines) + nl + nl);
    return Combinators.combine(packet, Arbitraries.of("US-ASCII", "UTF-8", "UTF-16", "ISO-8859-1"),
        Arbitraries.integers().between(0, 10)).as((p, cs, cut) -> {
          byte[] b = p.getBytes(java.nio.charset.Charset.forName(cs));
          return cut == 0 && b.length > 1 ? java.util.Arrays.copyOf(b, b.length / 2) : b; // truncated now and then
        });
  }

  @Provide
  Arbitrary<byte[]> mdnsPackets() {
    return Arbitraries.longs().map(seed -> {
      Random random = new Random(seed);
      return random.nextBoolean() ? DnsPackets.response(random) : DnsPackets.brokenTxtResponse(random);
    });
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void ssdpPacket(byte[] data) {
    ssdp(data);
  }

  @FuzzTest(maxDuration = "5m")
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void mdnsPacket(byte[] data) {
    mdns(data);
    TxtRecord.parse(data);
    Mdns.describe(Mdns.RTSP, "cam", 554, List.of(SENDER), data, Instant.EPOCH);
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
