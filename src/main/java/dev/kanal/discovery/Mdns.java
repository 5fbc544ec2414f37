package dev.kanal.discovery;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS-SD over mDNS with JmDNS, one JmDNS per interface address (JmDNS binds one address). As a
 * server it registers {@code _kanal._tcp} and {@code _http._tcp} with the {@link Announcement}'s TXT
 * record (JmDNS probes, announces, answers, and renames the instance on a conflict) and unregisters
 * them on close, which sends the goodbye (TTL 0). It browses {@code _kanal._tcp}, {@code _http._tcp},
 * {@code _rtsp._tcp} and {@code _hls._tcp}: Kanal servers, and services whose TXT record describes
 * a stream ({@code video}, {@code audio}, {@code res}, {@code fps}, {@code bitrate}, {@code path}).
 * Nothing is fetched for an mDNS service: what is listed comes from its SRV, A and TXT records.
 */
final class Mdns implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Mdns.class);
  static final String KANAL = "_kanal._tcp.local.";
  static final String HTTP = "_http._tcp.local.";
  static final String RTSP = "_rtsp._tcp.local.";
  static final String HLS = "_hls._tcp.local.";
  static final List<String> BROWSED = List.of(KANAL, HTTP, RTSP, HLS);
  static final String VIA = "mdns";

  private final Optional<Announcement> self;
  private final Nearby nearby;
  private final List<JmDNS> instances = new ArrayList<>();

  /** An instance without JmDNS, for handing it resolved services directly (tests). */
  Mdns(Optional<Announcement> self, Nearby nearby) {
    this.self = self;
    this.nearby = nearby;
  }

  /**
   * Starts one JmDNS per address: registers {@code self} (when present) and browses. Registration
   * probes the LAN first (about a second per address).
   */
  static Mdns start(Optional<Announcement> self, List<Interfaces.Local> locals, Nearby nearby) throws IOException {
    Mdns mdns = new Mdns(self, nearby);
    try {
      for (Interfaces.Local local : locals) {
        // A host name of our own: without one JmDNS asks DNS for the address's name, which can hang.
        String host = "kanal-" + self.map(Announcement::id).orElse("browse-" + ProcessHandle.current().pid())
            .toLowerCase(Locale.ROOT) + "-" + Ssdp.tag(local.address());
        JmDNS jmdns = JmDNS.create(local.address(), host);
        mdns.instances.add(jmdns);
        for (String type : BROWSED) {
          jmdns.addServiceListener(type, mdns.listener(jmdns));
        }
      }
      if (self.isPresent()) {
        for (JmDNS jmdns : mdns.instances) {
          Announcement a = self.get();
          jmdns.registerService(ServiceInfo.create(KANAL, a.name(), a.port(), 0, 0, a.txt()));
          jmdns.registerService(ServiceInfo.create(HTTP, a.name(), a.port(), 0, 0, a.txt()));
        }
      }
    } catch (IOException | RuntimeException e) {
      mdns.close();
      throw e;
    }
    if (self.isPresent()) {
      log.info("event=mdns.started addresses={}", locals);
    } else {
      log.debug("event=mdns.started addresses={} announce=false", locals);
    }
    return mdns;
  }

  private ServiceListener listener(JmDNS jmdns) {
    return new ServiceListener() {
      @Override
      public void serviceAdded(ServiceEvent event) {
        try {
          jmdns.requestServiceInfo(event.getType(), event.getName(), 1);
        } catch (RuntimeException e) {
          log.debug("event=mdns.resolve.failed error=\"{}\"", e.toString());
        }
      }

      @Override
      public void serviceRemoved(ServiceEvent event) {
        try {
          onRemoved(event.getType(), event.getName());
        } catch (RuntimeException e) {
          log.debug("event=mdns.removed.failed error=\"{}\"", e.toString());
        }
      }

      @Override
      public void serviceResolved(ServiceEvent event) {
        ServiceInfo info = event.getInfo();
        if (info == null) {
          return;
        }
        try {
          onResolved(event.getType(), event.getName(), info.getPort(), List.of(info.getInet4Addresses()),
              info.getTextBytes());
        } catch (RuntimeException e) {
          log.debug("event=mdns.resolved.failed error=\"{}\"", e.toString());
        }
      }
    };
  }

  /** Keys of services seen by type and instance name, to find the entry a goodbye removes. */
  private final Map<String, String> keysByService = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > Nearby.MAX_ENTRIES * 4;
    }
  });

  private void onRemoved(String type, String name) {
    String key = keysByService.remove(serviceKey(type, name));
    if (key != null) {
      nearby.remove(key, VIA);
    }
  }

  private static String serviceKey(String type, String name) {
    return String.valueOf(type).toLowerCase(Locale.ROOT) + "|" + String.valueOf(name).toLowerCase(Locale.ROOT);
  }

  /**
   * Lists one resolved service in {@code nearby} (and returns it), when it is a Kanal server or
   * describes a stream; never throws. Every value is checked: the type must be one of the browsed
   * ones, the name is cleaned and cut, TXT values must match their attribute's pattern.
   */
  Optional<Neighbour> onResolved(String type, String name, int port, List<? extends InetAddress> addresses,
      byte[] txt) {
    Optional<Neighbour> n = describe(type, name, port, addresses, txt, nearby.clock().instant());
    n.ifPresent(found -> {
      keysByService.put(serviceKey(type, name), found.key());
      nearby.put(found, VIA, Nearby.MDNS_LIFETIME);
    });
    return n;
  }

  /** The neighbour a resolved DNS-SD service makes, or empty when it is neither Kanal nor a stream. */
  static Optional<Neighbour> describe(String type, String name, int port, List<? extends InetAddress> addresses,
      byte[] txt, Instant now) {
    String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (!BROWSED.contains(t) || port < 1 || port > 65535 || addresses == null) {
      return Optional.empty();
    }
    Optional<Inet4Address> address = addresses.stream().filter(a -> a instanceof Inet4Address)
        .map(a -> (Inet4Address) a).findFirst();
    if (address.isEmpty()) {
      return Optional.empty();
    }
    String shownName = Text.clean(name, 63);
    if (shownName.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> record = TxtRecord.parse(txt);
    String host = address.get().getHostAddress();
    Map<String, String> kanal = TxtRecord.select(record, TxtRecord.KANAL_ATTRIBUTES);
    if ((t.equals(KANAL) || t.equals(HTTP)) && kanal.containsKey("id") && kanal.containsKey("version")
        && kanal.containsKey("api")) {
      Map<String, String> attributes = new LinkedHashMap<>(kanal);
      attributes.remove("id");
      attributes.remove("version");
      attributes.remove("path");
      return Optional.of(new Neighbour("kanal", kanal.get("id").toUpperCase(Locale.ROOT), shownName,
          "http://" + host + ":" + port, host, Optional.of(kanal.get("version")), Set.of(VIA), attributes, now));
    }
    if (t.equals(KANAL)) {
      return Optional.empty(); // a _kanal._tcp without a valid TXT record
    }
    Map<String, String> stream = TxtRecord.select(record, TxtRecord.STREAM_ATTRIBUTES);
    boolean describesStream = stream.containsKey("video") || stream.containsKey("audio") || stream.containsKey("res")
        || stream.containsKey("fps");
    if (t.equals(HTTP) && !describesStream) {
      return Optional.empty(); // a printer's or a router's web page, not a stream
    }
    String protocol = t.equals(RTSP) ? "rtsp" : t.equals(HLS) ? "hls" : "http";
    String path = stream.getOrDefault("path", "/");
    String url = (protocol.equals("rtsp") ? "rtsp://" : "http://") + host + ":" + port + path;
    Map<String, String> attributes = new LinkedHashMap<>(stream);
    attributes.put("protocol", protocol);
    String id = protocol + ":" + shownName.toLowerCase(Locale.ROOT) + "@" + host + ":" + port;
    return Optional.of(new Neighbour("stream", id, shownName, url, host, Optional.empty(), Set.of(VIA), attributes, now));
  }

  /** Unregisters (the goodbye, TTL 0) and closes every JmDNS. */
  @Override
  public void close() {
    // JmDNS waits up to 5 s per instance for its goodbyes to go out: the instances close side by side.
    List<Thread> closing = new ArrayList<>();
    for (JmDNS jmdns : instances) {
      closing.add(Thread.ofPlatform().name("kanal-mdns-close").daemon(true).start(() -> {
        try {
          if (self.isPresent()) {
            jmdns.unregisterAllServices();
          }
          jmdns.close();
        } catch (IOException | RuntimeException e) {
          log.debug("event=mdns.close.failed error=\"{}\"", e.toString());
        }
      }));
    }
    for (Thread t : closing) {
      try {
        t.join(6000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!instances.isEmpty() && self.isPresent()) {
      log.info("event=mdns.stopped goodbye=true");
    }
    instances.clear();
  }
}
