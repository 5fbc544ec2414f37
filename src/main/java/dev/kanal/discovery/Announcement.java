package dev.kanal.discovery;

import java.util.Map;
import java.util.TreeMap;

/**
 * What this server announces on the LAN.
 *
 * @param id the server's id: the HDHomeRun DeviceID, also the UPnP UDN {@code uuid:<id>} of {@code /device.xml}
 * @param name the friendly name (DNS-SD instance name; UPnP friendlyName)
 * @param version Kanal's version (TXT {@code version}, SSDP {@code SERVER: ... Kanal/<version>})
 * @param host the address the HTTP server is bound to ({@code 0.0.0.0} for every one)
 * @param port the HTTP port, for SSDP {@code LOCATION} and the DNS-SD SRV record
 * @param capabilities TXT flags such as {@code live=1}, {@code vod=1}, {@code hdhr=1}
 */
public record Announcement(String id, String name, String version, String host, int port,
    Map<String, String> capabilities) {

  /** The API's path, announced in TXT {@code api}. */
  public static final String API_PATH = "/api";

  public Announcement {
    if (!id.matches("[0-9A-Za-z-]{1,64}")) {
      throw new IllegalArgumentException("server id must be 1-64 letters, digits or '-', was '" + id + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
    capabilities = Map.copyOf(capabilities);
  }

  /** The DNS-SD TXT record: {@code version}, {@code id}, {@code api}, {@code path} and the capabilities. */
  Map<String, String> txt() {
    Map<String, String> txt = new TreeMap<>(capabilities);
    txt.put("version", version);
    txt.put("id", id);
    txt.put("api", API_PATH);
    txt.put("path", "/");
    return txt;
  }
}
