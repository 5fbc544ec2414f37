package dev.kanal.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Chooses the IPv4 interface addresses that discovery announces and browses on. */
final class Interfaces {

  /** An IPv4 address of an interface that is up and multicast-capable. */
  record Local(NetworkInterface nif, Inet4Address address, int prefixLength) {

    /** Whether {@code other} is in this address's subnet. */
    boolean sameSubnet(InetAddress other) {
      if (!(other instanceof Inet4Address)) {
        return false;
      }
      int mask = prefixLength == 0 ? 0 : -1 << (32 - Math.min(32, prefixLength));
      return (toInt(address) & mask) == (toInt(other) & mask);
    }

    private static int toInt(InetAddress a) {
      byte[] b = a.getAddress();
      return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    @Override
    public String toString() {
      return nif.getName() + "/" + address.getHostAddress();
    }
  }

  /** The {@code discovery.interfaces} value that includes loopback. */
  static final String ALL = "all";

  private Interfaces() {}

  /** Every IPv4 address of an interface that is up and supports multicast, loopback included. */
  static List<Local> candidates() throws SocketException {
    List<Local> out = new ArrayList<>();
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || !nif.supportsMulticast()) {
        continue;
      }
      for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
        if (ia.getAddress() instanceof Inet4Address v4) {
          out.add(new Local(nif, v4, ia.getNetworkPrefixLength()));
        }
      }
    }
    return out;
  }

  /**
   * The addresses a server bound to {@code bindHost} announces on: only that address when it is a
   * specific one; else those named in {@code configured} ({@code all}: every candidate), or every
   * non-loopback candidate when nothing is configured.
   */
  static List<Local> forServer(List<Local> candidates, String bindHost, List<String> configured) {
    List<Local> chosen = filter(candidates, configured, false);
    if (!isWildcard(bindHost)) {
      InetAddress bound;
      try {
        bound = InetAddress.getByName(bindHost);
      } catch (UnknownHostException e) {
        return List.of();
      }
      // The server answers only on its own address: that one, even on loopback (the mode was forced on).
      List<Local> pool = configured.isEmpty() ? candidates : chosen;
      return pool.stream().filter(l -> l.address().equals(bound)).toList();
    }
    return chosen;
  }

  /** The addresses {@code kanal discover} browses on: as configured, else every LAN one, else loopback. */
  static List<Local> forBrowse(List<Local> candidates, List<String> configured) {
    List<Local> chosen = filter(candidates, configured, false);
    if (chosen.isEmpty() && configured.isEmpty()) {
      return candidates.stream().filter(l -> l.address().isLoopbackAddress()).toList();
    }
    return chosen;
  }

  private static List<Local> filter(List<Local> candidates, List<String> configured, boolean loopback) {
    if (configured.stream().anyMatch(c -> c.equalsIgnoreCase(ALL))) {
      return candidates;
    }
    if (configured.isEmpty()) {
      return candidates.stream().filter(l -> loopback || !l.address().isLoopbackAddress()).toList();
    }
    return candidates.stream().filter(l -> configured.stream().anyMatch(c ->
        c.equals(l.nif().getName()) || c.equals(l.address().getHostAddress()))).toList();
  }

  /** Whether {@code host} means every address ({@code 0.0.0.0}, {@code ::}, empty). */
  static boolean isWildcard(String host) {
    String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
    return h.isEmpty() || h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]") || h.equals("*");
  }

  /** Whether {@code host} is a loopback address or {@code localhost}. */
  static boolean isLoopback(String host) {
    if (isWildcard(host)) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]")) {
      return true;
    }
    return false;
  }
}
