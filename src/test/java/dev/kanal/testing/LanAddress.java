package dev.kanal.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * A non-loopback IPv4 address of this machine (an up interface), for tests of what a server does
 * for clients on the LAN. Traffic to it stays on this machine. Found at run time, never hard-coded.
 */
public final class LanAddress {

  private LanAddress() {}

  /** The first such address; throws with a clear message when the machine has none. */
  public static String ipv4() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
    }
    throw new IllegalStateException("this machine has no up, non-loopback IPv4 interface: the test needs one to play"
        + " a client on the LAN (access control applies to such clients)");
  }
}
