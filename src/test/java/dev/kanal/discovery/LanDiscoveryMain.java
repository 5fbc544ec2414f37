package dev.kanal.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kanal.cli.KanalCli;
import dev.kanal.testing.KanalProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * The LAN discovery scenario, run by {@link LanDiscoveryTest} inside a private network namespace
 * (only {@code lo}, with 127.0.0.1 and 127.0.0.2 and multicast routed to it), never on a real LAN.
 * Two Kanal servers ({@code kanal serve --discovery}, one per address, each its own JVM) must find each
 * other over mDNS and SSDP; this JVM plays the rest of the LAN: an SSDP searcher, a DNS-SD camera
 * ({@code _rtsp._tcp} with TXT {@code video=h264 res=1920x1080 fps=30}), a fake HDHomeRun answering
 * SSDP from 127.0.0.2, a trap HTTP server on 127.0.0.1 that hostile LOCATIONs point at, and a source
 * of malformed SSDP and mDNS packets. It prints {@code ok: <check>} per passed check and exits
 * non-zero on the first failure.
 */
public final class LanDiscoveryMain {

  static final InetSocketAddress SSDP = new InetSocketAddress("239.255.255.250", 1900);
  static final InetSocketAddress MDNS = new InetSocketAddress("224.0.0.251", 5353);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final InetAddress A = address("127.0.0.1");
  private static final InetAddress B = address("127.0.0.2");

  private LanDiscoveryMain() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int status = 0;
    try {
      run(work);
      System.out.println("ok: all");
    } catch (Throwable t) {
      System.out.println("FAILED: " + t);
      t.printStackTrace(System.out);
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  static void ok(String check) {
    System.out.println("ok: " + check);
    System.out.flush();
  }

  private static void run(Path work) throws Exception {
    NetworkInterface lo = NetworkInterface.getByName("lo");
    // The rest of the LAN: whatever arrives on 1900 is kept (NOTIFYs of the servers), and the fake
    // HDHomeRun answers searches from 127.0.0.2.
    List<String> heard = new CopyOnWriteArrayList<>();
    MulticastSocket listen = new MulticastSocket(null);
    listen.setReuseAddress(true);
    listen.bind(new InetSocketAddress(1900));
    listen.joinGroup(SSDP, lo);
    DatagramSocket fromB = new DatagramSocket(new InetSocketAddress(B, 0));
    HttpServer tuner = HttpServer.create(new InetSocketAddress(B, 0), 16);
    HttpServer trap = HttpServer.create(new InetSocketAddress(A, 0), 16);
    AtomicInteger tunerHits = new AtomicInteger();
    AtomicInteger trapHits = new AtomicInteger();
    int tunerPort = tuner.getAddress().getPort();
    String tunerXml = """
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0"><device>
          <deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>
          <friendlyName>Attic Tuner</friendlyName><manufacturer>Silicondust</manufacturer>
          <modelName>HDHomeRun FLEX 4K</modelName><modelNumber>HDFX-4K</modelNumber>
          <UDN>uuid:1050ABC7</UDN></device></root>""";
    String tunerJson = "{\"FriendlyName\":\"Attic Tuner\",\"ModelNumber\":\"HDFX-4K\",\"FirmwareVersion\":\"20240101\","
        + "\"DeviceID\":\"1050ABC7\",\"TunerCount\":4,\"BaseURL\":\"http://127.0.0.2:" + tunerPort + "\","
        + "\"LineupURL\":\"http://127.0.0.2:" + tunerPort + "/lineup.json\"}";
    tuner.createContext("/", ex -> {
      tunerHits.incrementAndGet();
      byte[] body = (ex.getRequestURI().getPath().equals("/discover.json") ? tunerJson : tunerXml)
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    trap.createContext("/", ex -> {
      trapHits.incrementAndGet();
      ex.sendResponseHeaders(200, tunerXml.length());
      ex.getResponseBody().write(tunerXml.getBytes(StandardCharsets.UTF_8));
      ex.close();
    });
    tuner.start();
    trap.start();
    String tunerLocation = "http://127.0.0.2:" + tunerPort + "/device.xml";
    Thread.ofPlatform().daemon(true).start(() -> {
      byte[] buffer = new byte[9000];
      while (true) {
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
          listen.receive(p);
        } catch (IOException e) {
          return;
        }
        String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
        heard.add(p.getAddress().getHostAddress() + " " + text);
        if (text.startsWith("M-SEARCH") && text.contains("MediaServer:1")) {
          send(fromB, ssdpResponse(tunerLocation, "uuid:1050abc7::urn:schemas-upnp-org:device:MediaServer:1"),
              (InetSocketAddress) p.getSocketAddress());
        }
      }
    });

    // The camera, announced by this JVM's own JmDNS on 127.0.0.1.
    JmDNS lan = JmDNS.create(A, "test-lan");
    lan.registerService(ServiceInfo.create("_rtsp._tcp.local.", "Porch Camera", 8554, 0, 0,
        Map.of("video", "h264", "res", "1920x1080", "fps", "30", "path", "/live")));
    lan.registerService(ServiceInfo.create("_http._tcp.local.", "Office Printer", 631, 0, 0, Map.of("rp", "ipp/print")));
    ok("camera registered");

    KanalProcess serverA = startServer(work, "a", "127.0.0.1", "Kanal A");
    KanalProcess serverB = startServer(work, "b", "127.0.0.2", "Kanal B");
    List<String> urls = new ArrayList<>();
    try {
      String urlA = serverA.awaitLine("serving at (http://\\S+?)/? ", Duration.ofSeconds(40));
      String urlB = serverB.awaitLine("serving at (http://\\S+?)/? ", Duration.ofSeconds(40));
      urls.addAll(List.of(urlA, urlB));
      ok("servers started " + urlA + " " + urlB);

      // 1. An M-SEARCH gets a well-formed answer from each server, whose LOCATION serves /device.xml.
      checkSearch(urlA, urlB);

      // 2. NOTIFY ssdp:alive from both, with the timings HDHomeRun emulators use.
      await("NOTIFY ssdp:alive from both servers", () -> heard.stream().anyMatch(notifyFrom("127.0.0.1"))
          && heard.stream().anyMatch(notifyFrom("127.0.0.2")), Duration.ofSeconds(10));
      String notify = heard.stream().filter(notifyFrom("127.0.0.2")).findFirst().orElseThrow();
      assertThat(notify).contains("CACHE-CONTROL: max-age=1800").contains("NTS: ssdp:alive")
          .contains("LOCATION: " + urlB + "/device.xml").contains("Kanal/");
      ok("notify alive");

      // The fake tuner announces itself too (a NOTIFY from its own address).
      send(fromB, ssdpNotify(tunerLocation, "uuid:1050abc7::upnp:rootdevice", "upnp:rootdevice"), SSDP);

      // 3. The servers find each other over mDNS and SSDP, and list the camera and the tuner.
      await("server A lists B (mdns+ssdp), the camera and the tuner", () -> {
        JsonNode items = items(urlA);
        return has(items, "kanal", urlB, List.of("mdns", "ssdp")) && has(items, "stream", "rtsp://127.0.0.1:8554/live",
            List.of("mdns")) && has(items, "hdhomerun", "http://127.0.0.2:" + tunerPort, List.of("ssdp"));
      }, Duration.ofSeconds(25));
      await("server B lists A (mdns+ssdp)", () -> has(items(urlB), "kanal", urlA, List.of("mdns", "ssdp")),
          Duration.ofSeconds(15));
      JsonNode kanalB = find(items(urlA), "kanal", urlB);
      assertThat(kanalB.path("version").asText()).isNotEmpty();
      assertThat(kanalB.path("attributes").path("api").asText()).isEqualTo("/api");
      assertThat(kanalB.path("attributes").path("hdhr").asText()).isEqualTo("1");
      JsonNode tunerItem = find(items(urlA), "hdhomerun", "http://127.0.0.2:" + tunerPort);
      assertThat(tunerItem.path("name").asText()).isEqualTo("Attic Tuner");
      assertThat(tunerItem.path("attributes").path("tuners").asText()).isEqualTo("4");
      assertThat(tunerItem.path("attributes").path("deviceId").asText()).isEqualTo("1050ABC7");
      assertThat(items(urlA).toString()).doesNotContain("Office Printer");
      ok("servers list each other, the camera and the tuner");

      // 4. kanal discover --json lists the same, the camera with its TXT attributes.
      checkDiscoverCommand(urlA, urlB, tunerPort);

      // 5. Malformed and hostile packets: nothing escapes, nothing is fetched from anyone but the sender.
      int tunerBefore = tunerHits.get();
      sendHostile(fromB, trap.getAddress().getPort());
      Thread.sleep(1500);
      // A new device after the storm: the listeners still work.
      send(fromB, ssdpNotify(tunerLocation, "uuid:2050abc7::upnp:rootdevice", "upnp:rootdevice"), SSDP);
      lan.registerService(ServiceInfo.create("_hls._tcp.local.", "Hall Stream", 8080, 0, 0,
          Map.of("video", "hevc", "res", "3840x2160", "fps", "50", "path", "/hall.m3u8")));
      await("listeners still work after the hostile packets", () -> tunerHits.get() > tunerBefore
          && has(items(urlA), "stream", "http://127.0.0.1:8080/hall.m3u8", List.of("mdns")), Duration.ofSeconds(15));
      assertThat(trapHits.get()).as("fetches of LOCATIONs that name another host than the sender").isZero();
      assertThat(health(urlA)).isEqualTo(200);
      assertThat(health(urlB)).isEqualTo(200);
      for (String url : List.of(urlA, urlB)) {
        JsonNode after = items(url);
        // The hostile SSDP devices (uuid e017...) pointed elsewhere than their sender: never listed.
        assertThat(after.toString()).doesNotContain("e017");
        for (JsonNode item : after) {
          // Random DNS-SD services may be well-formed and listed; what is shown is clean text.
          assertThat(item.path("name").asText()).doesNotContainPattern("[\\x00-\\x1f\\x7f\\u202a-\\u202e]");
          item.path("attributes").properties().forEach(a -> assertThat(a.getValue().asText())
              .as(a.getKey()).matches("[\\x20-\\x7e]{0,256}"));
        }
      }
      ok("hostile packets ignored, no fetch to a non-sender, listeners alive");

      // 6. Goodbye: B stops; A forgets it (mDNS goodbye and SSDP byebye).
      assertThat(serverB.terminate(Duration.ofSeconds(20))).isIn(0, 143); // 143: ended by SIGTERM, after the hooks
      assertThat(serverB.stderr()).contains("event=ssdp.stopped byebye=true").contains("event=mdns.stopped goodbye=true");
      await("A forgets B after its goodbye", () -> find(items(urlA), "kanal", urlB) == null, Duration.ofSeconds(10));
      assertThat(heard.stream().anyMatch(s -> s.startsWith("127.0.0.2 NOTIFY") && s.contains("ssdp:byebye"))).isTrue();
      ok("goodbye");
      assertThat(serverA.stderr()).doesNotContain("Exception in thread");
    } catch (AssertionError | RuntimeException e) {
      for (String url : urls) {
        try {
          System.out.println("--- " + url + "/api/discovery: " + items(url));
        } catch (IOException | RuntimeException ignored) {
          System.out.println("--- " + url + "/api/discovery: no answer");
        }
      }
      System.out.println("--- server A stderr:\n" + tail(serverA.stderr()));
      System.out.println("--- server B stderr:\n" + tail(serverB.stderr()));
      throw e;
    } finally {
      serverA.close();
      serverB.close();
      lan.close();
      tuner.stop(0);
      trap.stop(0);
    }
  }

  private static String tail(String s) {
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  private static KanalProcess startServer(Path work, String name, String host, String friendlyName) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    Path config = dir.resolve("kanal.yaml");
    Files.writeString(config, "discovery:\n  friendlyName: " + friendlyName + "\n");
    return KanalProcess.start(dir, "serve", "--discovery", "--config", config.toString(), "--host", host, "--port", "0",
        "--data", dir.resolve("data").toString());
  }

  private static void checkSearch(String urlA, String urlB) throws Exception {
    try (DatagramSocket searcher = new DatagramSocket(new InetSocketAddress(A, 0))) {
      searcher.setSoTimeout(300);
      byte[] search = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
          + "ST: ssdp:all\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      List<String> answers = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      int sent = 0;
      while (System.nanoTime() < end) {
        if (sent < 2) {
          searcher.send(new DatagramPacket(search, search.length, SSDP));
          sent++;
        }
        DatagramPacket p = new DatagramPacket(new byte[9000], 9000);
        try {
          searcher.receive(p);
          answers.add(p.getAddress().getHostAddress() + " "
              + new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1));
        } catch (java.net.SocketTimeoutException e) {
          // keep listening until the deadline
        }
      }
      for (String[] server : new String[][] {{"127.0.0.1", urlA, "Kanal A"}, {"127.0.0.2", urlB, "Kanal B"}}) {
        List<String> mine = answers.stream().filter(a -> a.startsWith(server[0] + " HTTP/1.1 200 OK\r\n")
            && a.contains("Kanal/")).toList();
        assertThat(mine).as("answers from " + server[0] + " among " + answers).isNotEmpty();
        assertThat(mine.stream().map(LanDiscoveryMain::st).toList()).as("search targets of " + server[0])
            .contains("upnp:rootdevice", "urn:schemas-upnp-org:device:MediaServer:1")
            .anyMatch(st -> st.startsWith("uuid:"));
        String answer = mine.getFirst();
        assertThat(answer).contains("\r\nCACHE-CONTROL: max-age=1800\r\n").contains("\r\nEXT: \r\n")
            .containsPattern("\r\nUSN: uuid:[0-9A-F]{8}(::\\S+)?\r\n").containsPattern("\r\nDATE: .+ GMT\r\n")
            .contains("\r\nLOCATION: " + server[1] + "/device.xml\r\n").endsWith("\r\n\r\n");
        HttpResponse<String> device = HTTP.send(HttpRequest.newBuilder(URI.create(server[1] + "/device.xml"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(device.statusCode()).isEqualTo(200);
        assertThat(device.body()).contains("<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>")
            .contains("<friendlyName>" + server[2] + "</friendlyName>")
            .contains("<UDN>" + answer.replaceAll("(?s).*\r\nUSN: (uuid:[0-9A-F]{8}).*", "$1") + "</UDN>");
      }
    }
    ok("m-search answered with LOCATION serving /device.xml");
  }

  private static void checkDiscoverCommand(String urlA, String urlB, int tunerPort) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KanalCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("discover", "--json", "--timeout", "3s");
    assertThat(exit).as("kanal discover exit; stderr: " + err).isZero();
    JsonNode items = JSON.readTree(out.toString()).path("items");
    assertThat(has(items, "kanal", urlA, List.of("mdns", "ssdp"))).as(out.toString()).isTrue();
    assertThat(has(items, "kanal", urlB, List.of("mdns", "ssdp"))).as(out.toString()).isTrue();
    JsonNode camera = find(items, "stream", "rtsp://127.0.0.1:8554/live");
    assertThat(camera).as(out.toString()).isNotNull();
    assertThat(camera.path("name").asText()).isEqualTo("Porch Camera");
    assertThat(camera.path("attributes").path("video").asText()).isEqualTo("h264");
    assertThat(camera.path("attributes").path("res").asText()).isEqualTo("1920x1080");
    assertThat(camera.path("attributes").path("fps").asText()).isEqualTo("30");
    assertThat(camera.path("attributes").path("protocol").asText()).isEqualTo("rtsp");
    JsonNode tuner = find(items, "hdhomerun", "http://127.0.0.2:" + tunerPort);
    assertThat(tuner).as(out.toString()).isNotNull();
    assertThat(tuner.path("attributes").path("tuners").asText()).isEqualTo("4");
    assertThat(out.toString()).doesNotContain("Office Printer");
    ok("kanal discover --json lists the servers, the camera with video/res/fps, and the tuner");
  }

  /** Oversized, truncated, non-ASCII and random SSDP; LOCATIONs that name another host; random and broken mDNS. */
  private static void sendHostile(DatagramSocket fromB, int trapPort) throws IOException {
    String trapUrl = "http://127.0.0.1:" + trapPort + "/device.xml";
    List<byte[]> ssdp = new ArrayList<>();
    for (String location : List.of(trapUrl, "http://localhost:" + trapPort + "/d.xml", "http://0x7f000001:" + trapPort + "/",
        "http://127.0.0.2@127.0.0.1:" + trapPort + "/", "http://[::1]:" + trapPort + "/", "file:///etc/passwd",
        "http://10.0.0.1/evil.xml", "http://127.0.0.2:" + trapPort + "@127.0.0.1/x")) {
      ssdp.add(ssdpNotify(location, "uuid:e0170000::upnp:rootdevice", "upnp:rootdevice"));
      ssdp.add(ssdpResponse(location, "uuid:e0170001::urn:schemas-upnp-org:device:MediaServer:1"));
    }
    byte[] big = new byte[8500];
    java.util.Arrays.fill(big, (byte) 'A');
    System.arraycopy("NOTIFY * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 19);
    ssdp.add(big);
    ssdp.add("NOTIFY * HTTP/1.1\r\nLOCATION: http://127.0.0.2:1/de".getBytes(StandardCharsets.US_ASCII));
    ssdp.add("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nUSN: uuid:\u00e9vil\r\n\r\n".getBytes(StandardCharsets.UTF_16));
    ssdp.add("HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\nUSN: uuid:e0170002\r\nLOCATION: \u00ff\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[1 + random.nextInt(1400)];
      random.nextBytes(junk);
      if (i % 2 == 0) {
        byte[] head = "NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\nNT: upnp:rootdevice\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, junk, 0, Math.min(head.length, junk.length));
      }
      ssdp.add(junk);
    }
    for (byte[] p : ssdp) {
      send(fromB, p, SSDP);
    }
    // mDNS: random bytes, and responses with an answer record whose lengths lie.
    try (DatagramSocket mdns = new DatagramSocket(new InetSocketAddress(B, 0))) {
      for (int i = 0; i < 200; i++) {
        byte[] packet = i % 2 == 0 ? new byte[12 + random.nextInt(600)] : DnsPackets.brokenTxtResponse(random);
        if (i % 2 == 0) {
          random.nextBytes(packet);
        }
        send(mdns, packet, MDNS);
      }
    }
  }

  static byte[] ssdpNotify(String location, String usn, String nt) {
    return ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: " + location
        + "\r\nNT: " + nt + "\r\nNTS: ssdp:alive\r\nSERVER: HDHomeRun/1.0 UPnP/1.0\r\nUSN: " + usn + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] ssdpResponse(String location, String usn) {
    return ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: " + location
        + "\r\nSERVER: HDHomeRun/1.0 UPnP/1.0\r\nST: urn:schemas-upnp-org:device:MediaServer:1\r\nUSN: " + usn + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void send(DatagramSocket socket, byte[] data, InetSocketAddress to) {
    try {
      socket.send(new DatagramPacket(data, data.length, to));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Predicate<String> notifyFrom(String address) {
    return s -> s.startsWith(address + " NOTIFY * HTTP/1.1") && s.contains("NTS: ssdp:alive") && s.contains("Kanal/");
  }

  private static String st(String answer) {
    return answer.replaceAll("(?s).*\r\nST: ([^\r]*)\r\n.*", "$1");
  }

  private static JsonNode items(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/discovery"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).path("items");
  }

  private static int health(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/health")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static JsonNode find(JsonNode items, String kind, String url) {
    for (JsonNode item : items) {
      if (item.path("kind").asText().equals(kind) && item.path("url").asText().equals(url)) {
        return item;
      }
    }
    return null;
  }

  static boolean has(JsonNode items, String kind, String url, List<String> via) {
    JsonNode item = find(items, kind, url);
    if (item == null) {
      return false;
    }
    List<String> found = new ArrayList<>();
    item.path("via").forEach(v -> found.add(v.asText()));
    return found.containsAll(via);
  }

  interface Check {
    boolean test() throws Exception;
  }

  private static void await(String what, Check check, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (check.test()) {
        ok(what);
        return;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + ": " + what);
      }
      Thread.sleep(250);
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
