package dev.kanal.relay;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Keeps the relay from being turned against the machine or its LAN (SSRF): upstream URLs must be
 * http(s) and every address their host resolves to must be public, unless the channel's source is
 * explicitly allowed private addresses in config ({@code iptv.sources[].allowPrivate}). Refused:
 * loopback, unspecified, link-local (169.254/16, fe80::/10, cloud metadata), private (10/8,
 * 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), multicast, and IPv4-mapped or
 * NAT64 forms of those.
 *
 * <p>Callers connect to the very address checked here (see {@link #resolve}), so a DNS answer that
 * changes between check and connect (rebinding) cannot slip through.
 */
public final class AddressGuard {

  /** Why a URL was refused, in one sentence naming it. */
  public static final class RefusedException extends Exception {
    public RefusedException(String message) {
      super(message);
    }
  }

  private AddressGuard() {}

  /**
   * The addresses to connect to for {@code uri}, all checked.
   *
   * @param allowPrivate whether private, loopback and link-local addresses are allowed
   * @throws RefusedException when the scheme is not http(s), the host does not resolve, or an address is refused
   */
  public static List<InetAddress> resolve(URI uri, boolean allowPrivate) throws RefusedException {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new RefusedException("refused " + redact(uri) + ": only http and https upstreams are relayed");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new RefusedException("refused " + redact(uri) + ": no host");
    }
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new RefusedException("refused " + redact(uri) + ": host " + host + " does not resolve");
    }
    if (!allowPrivate) {
      for (InetAddress a : all) {
        if (!isPublic(a)) {
          throw new RefusedException("refused " + redact(uri) + ": " + a.getHostAddress()
              + " is a private, loopback or link-local address (allow it with iptv.sources[].allowPrivate)");
        }
      }
    }
    return List.of(all);
  }

  /** Whether {@code a} is a public unicast address. */
  public static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      return isPublicV4(b, 0);
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) {
        return false; // fc00::/7 unique local
      }
      if ((first == 0xfe) && ((b[1] & 0xc0) == 0xc0)) {
        return false; // fec0::/10 deprecated site-local
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        return isPublicV4(b, 12); // ::ffff:a.b.c.d
      }
      if (mapped && b[10] == 0 && b[11] == 0) {
        return false; // ::a.b.c.d (deprecated compatible) and ::/96
      }
      if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
        return isPublicV4(b, 12); // 64:ff9b::/96 NAT64
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return isPublicV4(b, 2); // 2002::/16 6to4 embeds an IPv4 address
      }
      return true;
    }
    return false;
  }

  private static boolean isPublicV4(byte[] b, int o) {
    int a0 = b[o] & 0xff;
    int a1 = b[o + 1] & 0xff;
    return !(a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224
        || (a0 == 100 && a1 >= 64 && a1 < 128)
        || (a0 == 169 && a1 == 254)
        || (a0 == 172 && a1 >= 16 && a1 < 32)
        || (a0 == 192 && a1 == 168)
        || (a0 == 192 && a1 == 0 && (b[o + 2] & 0xff) == 0)
        || (a0 == 198 && (a1 == 18 || a1 == 19)));
  }

  /**
   * The URL without user info or query, for messages and logs (tokens often ride in queries); a URL that
   * is not http(s) shows only its scheme, since a {@code file:} URL is a local path no answer may show.
   */
  public static String redact(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
      return "(a " + (scheme.matches("[a-z][a-z0-9+.-]{0,15}") ? scheme : "non-http") + ": URL)";
    }
    String host = uri.getHost() == null ? "" : uri.getHost();
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + host + port + path;
  }
}
