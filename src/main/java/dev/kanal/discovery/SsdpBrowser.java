package dev.kanal.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SSDP announcements ({@code NOTIFY}) and search responses into {@link Nearby} entries: UPnP
 * media servers (friendly name from the device description at {@code LOCATION}), HDHomeRun tuners
 * and emulators (plus {@code /discover.json}) and Kanal servers ({@code SERVER: ... Kanal/x}).
 *
 * <p>Nothing in a packet can make Kanal fetch from an address other than the packet's sender:
 * {@link SsdpMessage#location} accepts only an http URL whose host is the sender's IPv4 literal,
 * and {@code discover.json} is asked of that same origin. Fetches are bounded (size and time,
 * {@link LanHttp}), at most {@link #MAX_FETCHES} at once (more packets are dropped), and a device's
 * answer is kept for {@link #REFETCH_AFTER}, so a flood of announcements costs no more fetches.
 * {@link #onPacket} never throws.
 */
final class SsdpBrowser {

  /** A blocking GET of a small document, empty on any failure. */
  interface Http extends AutoCloseable {
    Optional<byte[]> get(URI uri);

    @Override
    default void close() {}
  }

  private static final Logger log = LoggerFactory.getLogger(SsdpBrowser.class);
  static final int MAX_FETCHES = 8;
  static final int MAX_CACHED = 512;
  static final Duration REFETCH_AFTER = Duration.ofMinutes(10);
  static final String VIA = "ssdp";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHOWN_URL = Pattern.compile("https?://[A-Za-z0-9.:\\[\\]-]{1,255}(/[!#-~]{0,255})?");

  /** A device's answer until {@code until}: the neighbour it makes, or empty for one not listed (a router) or not answering. */
  private record Known(Optional<Neighbour> neighbour, Instant until) {}

  /** A device whose description could not be fetched is asked again after this long, not before. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  static final int FETCH_ATTEMPTS = 3;
  static final Duration FETCH_PAUSE = Duration.ofSeconds(1);

  private final Nearby nearby;
  private final Http http;
  private final Executor executor;
  private final Semaphore fetches = new Semaphore(MAX_FETCHES);
  private final Map<String, Known> known = new ConcurrentHashMap<>();
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  SsdpBrowser(Nearby nearby, Http http, Executor executor) {
    this.nearby = nearby;
    this.http = http;
    this.executor = executor;
  }

  /** Handles one datagram from {@code sender}; anything malformed or uninteresting is ignored. */
  void onPacket(byte[] data, int length, InetAddress sender) {
    try {
      SsdpMessage.parse(data, length).ifPresent(m -> handle(m, sender));
    } catch (RuntimeException e) {
      // The parser and checks do not throw; this is the last line that keeps the listener alive.
      log.debug("event=ssdp.packet.failed sender={} error=\"{}\"", sender, e.toString());
    }
  }

  private void handle(SsdpMessage m, InetAddress sender) {
    if (m.kind() == SsdpMessage.Kind.SEARCH) {
      return;
    }
    Optional<String> uuid = m.uuid();
    if (uuid.isEmpty() || nearby.isSelf(uuid.get())) {
      return;
    }
    if (m.isByebye()) {
      nearby.removeId(uuid.get(), VIA);
      return;
    }
    if (m.kind() == SsdpMessage.Kind.NOTIFY && !m.isAlive()) {
      return;
    }
    String target = m.target();
    if (!target.equalsIgnoreCase(SsdpMessage.ROOT_DEVICE) && !target.equalsIgnoreCase(SsdpMessage.MEDIA_SERVER)) {
      return; // one description per device: fetched for its root device or MediaServer announcement
    }
    Optional<URI> location = m.location(sender);
    if (location.isEmpty()) {
      log.debug("event=ssdp.location.refused sender={} location=\"{}\"", sender.getHostAddress(),
          Text.clean(m.header("location"), 120));
      return;
    }
    log.debug("event=ssdp.seen sender={} usn={} location={}", sender.getHostAddress(), uuid.get(), location.get());
    String key = uuid.get() + " " + location.get();
    Duration lifetime = Duration.ofSeconds(m.maxAge());
    Known k = known.get(key);
    Instant now = nearby.clock().instant();
    if (k != null && k.until().isAfter(now)) {
      k.neighbour().ifPresent(n -> nearby.put(withLastSeen(n, now), VIA, lifetime));
      return;
    }
    if (!inFlight.add(key)) {
      return;
    }
    if (!fetches.tryAcquire()) {
      inFlight.remove(key);
      return; // busy: the device announces again, or answers the next search
    }
    try {
      executor.execute(() -> {
        try {
          Optional<Optional<Neighbour>> n = describe(m, uuid.get(), location.get(), sender);
          Instant done = nearby.clock().instant();
          remember(key, new Known(n.orElse(Optional.empty()), done.plus(n.isPresent() ? REFETCH_AFTER : RETRY_AFTER)));
          n.flatMap(found -> found).ifPresent(found -> nearby.put(found, VIA, lifetime));
        } catch (RuntimeException e) {
          log.debug("event=ssdp.describe.failed sender={} error=\"{}\"", sender.getHostAddress(), e.toString());
        } finally {
          inFlight.remove(key);
          fetches.release();
        }
      });
    } catch (RejectedExecutionException e) {
      inFlight.remove(key);
      fetches.release();
    }
  }

  private void remember(String key, Known k) {
    if (known.size() >= MAX_CACHED) {
      Iterator<String> it = known.keySet().iterator();
      while (known.size() >= MAX_CACHED / 2 && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    known.put(key, k);
  }

  private static Neighbour withLastSeen(Neighbour n, Instant now) {
    return new Neighbour(n.kind(), n.id(), n.name(), n.url(), n.address(), n.version(), n.via(), n.attributes(), now);
  }

  /**
   * Fetches the description (and discover.json for an HDHomeRun) and makes the neighbour: empty when
   * the description could not be fetched, an empty neighbour when the device is not listed.
   */
  private Optional<Optional<Neighbour>> describe(SsdpMessage m, String uuid, URI location, InetAddress sender) {
    Optional<byte[]> body = http.get(location);
    // A device (or Kanal) that has just started may be slow to answer its first request: two more tries.
    for (int attempt = 1; body.isEmpty() && attempt < FETCH_ATTEMPTS; attempt++) {
      try {
        Thread.sleep(FETCH_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
      body = http.get(location);
    }
    if (body.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(describe(m, uuid, location, sender, body.get()));
  }

  private Optional<Neighbour> describe(SsdpMessage m, String uuid, URI location, InetAddress sender, byte[] body) {
    Optional<DeviceDescription> description = DeviceDescription.parse(body);
    if (description.isEmpty()) {
      return Optional.empty();
    }
    DeviceDescription d = description.get();
    String origin = "http://" + sender.getHostAddress() + ":" + location.getPort();
    String address = sender.getHostAddress();
    Instant now = nearby.clock().instant();
    String name = d.get("friendlyName");
    Optional<String> kanal = m.kanalVersion();
    if (kanal.isPresent()) {
      return Optional.of(new Neighbour("kanal", uuid.toUpperCase(Locale.ROOT), name, origin, address, kanal,
          Set.of(VIA), Map.of(), now));
    }
    if (d.isHdHomeRun()) {
      Map<String, String> attributes = new LinkedHashMap<>();
      put(attributes, "manufacturer", d.get("manufacturer"));
      put(attributes, "model", d.get("modelNumber").isEmpty() ? d.get("modelName") : d.get("modelNumber"));
      String url = origin;
      Optional<JsonNode> discover = http.get(URI.create(origin + "/discover.json")).flatMap(SsdpBrowser::json);
      if (discover.isPresent()) {
        JsonNode j = discover.get();
        put(attributes, "deviceId", text(j, "DeviceID", "[0-9A-Fa-f]{8}"));
        put(attributes, "tuners", text(j, "TunerCount", "[0-9]{1,3}"));
        put(attributes, "firmware", text(j, "FirmwareVersion", "[0-9A-Za-z._-]{1,32}"));
        put(attributes, "model", text(j, "ModelNumber", "[0-9A-Za-z._-]{1,32}"));
        put(attributes, "lineup", text(j, "LineupURL", SHOWN_URL.pattern()));
        String base = text(j, "BaseURL", SHOWN_URL.pattern());
        url = base.isEmpty() ? url : base;
        if (name.isEmpty()) {
          name = Text.clean(j.path("FriendlyName").asText(""), 64);
        }
      }
      return Optional.of(new Neighbour("hdhomerun", uuid, name.isEmpty() ? "HDHomeRun" : name, url, address,
          Optional.empty(), Set.of(VIA), attributes, now));
    }
    if (d.isMediaServer()) {
      Map<String, String> attributes = new LinkedHashMap<>();
      put(attributes, "deviceType", d.get("deviceType"));
      put(attributes, "manufacturer", d.get("manufacturer"));
      put(attributes, "model", d.get("modelName"));
      return Optional.of(new Neighbour("upnp", uuid, name.isEmpty() ? "UPnP media server" : name, location.toString(),
          address, Optional.empty(), Set.of(VIA), attributes, now));
    }
    return Optional.empty();
  }

  private static void put(Map<String, String> attributes, String key, String value) {
    if (value != null && !value.isEmpty()) {
      attributes.put(key, Text.clean(value, 256));
    }
  }

  /** A field of discover.json (a string or a number) when it matches {@code pattern}, else empty. */
  private static String text(JsonNode j, String field, String pattern) {
    JsonNode v = j.get(field);
    if (v == null || !(v.isTextual() || v.isIntegralNumber())) {
      return "";
    }
    String s = v.asText();
    return s.length() <= 512 && s.matches(pattern) ? s : "";
  }

  private static Optional<JsonNode> json(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(bytes);
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
