package dev.kanal.discovery;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Something on the LAN that answered: a Kanal server, an HDHomeRun tuner or emulator, a UPnP media
 * server, or a DNS-SD service that describes a stream. Every text in it comes from the network and
 * has been checked (length, characters) before it got here.
 *
 * @param kind {@code kanal}, {@code hdhomerun}, {@code upnp} or {@code stream}
 * @param id stable within a kind: a Kanal server's id, a UPnP device's UUID, or a DNS-SD type and instance name
 * @param name what to show: the DNS-SD instance name or the UPnP {@code friendlyName}
 * @param url where to go: the server's base URL, the tuner's BaseURL, a stream's URL
 * @param address the IPv4 address that answered
 * @param version the version a Kanal server announces (TXT {@code version}, SSDP {@code SERVER Kanal/x})
 * @param via how it was found: {@code mdns}, {@code ssdp}
 * @param attributes what else was announced, e.g. {@code video=h264}, {@code res=1920x1080}, {@code fps=30},
 *     an HDHomeRun's {@code tuners} and {@code model}
 * @param lastSeen when it last answered
 */
public record Neighbour(String kind, String id, String name, String url, String address, Optional<String> version,
    Set<String> via, Map<String, String> attributes, Instant lastSeen) {

  public Neighbour {
    via = Collections.unmodifiableSet(new TreeSet<>(via));
    attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
  }

  /** The key under which the list keeps it: kind and id. */
  String key() {
    return kind + ":" + id;
  }

  /** This neighbour and {@code newer} (the same key) as one: newer values win, {@code via} and attributes add up. */
  Neighbour merge(Neighbour newer) {
    Set<String> allVia = new TreeSet<>(via);
    allVia.addAll(newer.via);
    Map<String, String> all = new TreeMap<>(attributes);
    all.putAll(newer.attributes);
    return new Neighbour(kind, id, newer.name.isEmpty() ? name : newer.name, newer.url.isEmpty() ? url : newer.url,
        newer.address.isEmpty() ? address : newer.address, newer.version.or(() -> version), allVia, all,
        newer.lastSeen.isAfter(lastSeen) ? newer.lastSeen : lastSeen);
  }

  /** This neighbour without one way of finding it. */
  Neighbour without(String how) {
    Set<String> rest = new TreeSet<>(via);
    rest.remove(how);
    return new Neighbour(kind, id, name, url, address, version, rest, attributes, lastSeen);
  }

  /** The JSON shape of {@code GET /api/discovery} and {@code kanal discover --json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", kind);
    out.put("id", id);
    out.put("name", name);
    out.put("url", url);
    out.put("address", address);
    version.ifPresent(v -> out.put("version", v));
    out.put("via", List.copyOf(via));
    out.put("attributes", attributes);
    out.put("lastSeen", lastSeen.toString());
    return out;
  }
}
