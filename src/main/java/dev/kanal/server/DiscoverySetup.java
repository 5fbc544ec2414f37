package dev.kanal.server;

import dev.kanal.discovery.Neighbour;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the server needs for LAN discovery (issue #11): the live list behind {@code GET /api/discovery},
 * and the friendly name and id that {@code /device.xml} (the SSDP {@code LOCATION}) carries.
 *
 * @param nearby what answers on the LAN now
 * @param status whether mDNS and SSDP are on, and on which addresses
 * @param friendlyName the UPnP friendlyName
 * @param deviceId the device id: UPnP UDN {@code uuid:<id>}, HDHomeRun DeviceID, DNS-SD TXT {@code id}
 */
public record DiscoverySetup(Supplier<List<Neighbour>> nearby, Supplier<dev.kanal.discovery.Discovery.Status> status,
    String friendlyName, String deviceId) {

  /** The device id Kanal announces for a relay key: the HDHomeRun DeviceID of {@code /discover.json}. */
  public static String deviceId(byte[] relayKey) {
    return HdHomeRunRoutes.deviceId(relayKey);
  }
}
