package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.discovery.Discovery;
import dev.kanal.discovery.Neighbour;
import dev.kanal.testing.JsonHttp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/discovery} and {@code /device.xml} of a server with discovery and without live TV. */
class DiscoveryRoutesTest {

  private Metrics metrics;
  private KanalServer server;

  @BeforeEach
  void start() throws Exception {
    metrics = Metrics.create("test-version");
    Neighbour camera = new Neighbour("stream", "rtsp:cam", "Porch <Camera>", "rtsp://192.168.1.20:8554/live",
        "192.168.1.20", Optional.empty(), Set.of("mdns"), Map.of("video", "h264", "res", "1920x1080", "fps", "30"),
        Instant.parse("2026-01-01T00:00:00Z"));
    DiscoverySetup setup = new DiscoverySetup(() -> List.of(camera),
        () -> new Discovery.Status(true, false, List.of("eth0/192.168.1.5")), "Living & Room", "1234ABCD");
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test-version", Duration.ofSeconds(2),
        Optional.empty(), Optional.empty()).withDiscovery(setup), metrics);
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  @Test
  void discovery_listsNeighboursAndStatus() throws Exception {
    JsonHttp.Reply r = new JsonHttp(server.url()).get("/api/discovery");
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = r.json();
    assertThat(body.getBoolean("mdns")).isTrue();
    assertThat(body.getBoolean("ssdp")).isFalse();
    assertThat(body.getJsonArray("addresses").getList()).containsExactly("eth0/192.168.1.5");
    JsonObject item = body.getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("kind")).isEqualTo("stream");
    assertThat(item.getString("url")).isEqualTo("rtsp://192.168.1.20:8554/live");
    assertThat(item.getJsonArray("via").getList()).containsExactly("mdns");
    assertThat(item.getJsonObject("attributes").getString("res")).isEqualTo("1920x1080");
    assertThat(item.getString("lastSeen")).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(item.containsKey("version")).isFalse();
  }

  @Test
  void deviceXml_isServedWithoutLiveTv_withTheFriendlyNameEscaped() throws Exception {
    JsonHttp.Reply r = new JsonHttp(server.url()).get("/device.xml");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("application/xml");
    assertThat(r.body()).contains("<friendlyName>Living &amp; Room</friendlyName>")
        .contains("<deviceType>urn:schemas-upnp-org:device:MediaServer:1</deviceType>")
        .contains("<UDN>uuid:1234ABCD</UDN>")
        .contains("<URLBase>" + server.url() + "</URLBase>");
  }

  @Test
  void withoutDiscovery_theRouteIs404() throws Exception {
    try (Metrics m = Metrics.create("v")) {
      KanalServer plain = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "v", Duration.ofSeconds(2),
          Optional.empty(), Optional.empty()), m);
      try {
        assertThat(new JsonHttp(plain.url()).get("/api/discovery").status()).isEqualTo(404);
      } finally {
        plain.close();
      }
    }
  }
}
