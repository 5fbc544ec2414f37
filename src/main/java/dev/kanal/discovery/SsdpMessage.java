package dev.kanal.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SSDP message (UPnP Device Architecture 1.1, section 1): an {@code M-SEARCH} or {@code NOTIFY}
 * request or a search response, as HTTP-style start line and headers over UDP. {@link #parse} never
 * throws: anything oversized, truncated, not ASCII, or not one of those three kinds is empty.
 *
 * @param kind what the start line says
 * @param headers header values by lower-case name; the first of a repeated header wins
 */
record SsdpMessage(Kind kind, Map<String, String> headers) {

  /** The three kinds of SSDP message. */
  enum Kind { SEARCH, NOTIFY, RESPONSE }

  /** Larger datagrams are ignored (a UPnP message fits in one Ethernet frame; 8 KiB is generous). */
  static final int MAX_BYTES = 8192;
  static final int MAX_HEADERS = 32;
  static final int MAX_LINE = 1024;
  /** CACHE-CONTROL max-age is clamped to this range (seconds). */
  static final int MIN_AGE = 60;
  static final int MAX_AGE = 86_400;

  static final String MEDIA_SERVER = "urn:schemas-upnp-org:device:MediaServer:1";
  static final String ROOT_DEVICE = "upnp:rootdevice";

  private static final Pattern MAX_AGE_PATTERN = Pattern.compile("(?i)max-age\\s*=\\s*([0-9]{1,9})");
  private static final Pattern UUID = Pattern.compile("(?i)uuid:([0-9a-z-]{1,64})(::.*)?");
  private static final Pattern KANAL_SERVER = Pattern.compile("(?:^|\\s)Kanal/([0-9A-Za-z.+-]{1,32})(?:\\s|$)");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  SsdpMessage {
    headers = Map.copyOf(headers);
  }

  /** Parses {@code length} bytes of {@code data}; empty for anything that is not a well-formed SSDP message. */
  static Optional<SsdpMessage> parse(byte[] data, int length) {
    if (data == null || length <= 0 || length > MAX_BYTES || length > data.length) {
      return Optional.empty();
    }
    for (int i = 0; i < length; i++) {
      int b = data[i] & 0xff;
      if (b >= 0x80 || (b < 0x20 && b != '\r' && b != '\n' && b != '\t')) {
        return Optional.empty(); // headers are ASCII; anything else is not SSDP
      }
    }
    String text = new String(data, 0, length, StandardCharsets.US_ASCII);
    String[] lines = text.split("\r?\n", -1);
    Kind kind = switch (lines[0].strip().toUpperCase(Locale.ROOT)) {
      case "M-SEARCH * HTTP/1.1" -> Kind.SEARCH;
      case "NOTIFY * HTTP/1.1" -> Kind.NOTIFY;
      case "HTTP/1.1 200 OK", "HTTP/1.0 200 OK" -> Kind.RESPONSE;
      default -> null;
    };
    if (kind == null) {
      return Optional.empty();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        break; // the blank line that ends the headers
      }
      if (line.length() > MAX_LINE || i > MAX_HEADERS) {
        return Optional.empty();
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        return Optional.empty(); // truncated or not a header
      }
      String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      if (!name.matches("[a-z0-9._-]{1,64}")) {
        return Optional.empty();
      }
      headers.putIfAbsent(name, line.substring(colon + 1).strip());
    }
    return Optional.of(new SsdpMessage(kind, headers));
  }

  /** A header's value, or empty. */
  String header(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
  }

  /** The search target ({@code ST}) or notification type ({@code NT}). */
  String target() {
    return kind == Kind.NOTIFY ? header("nt") : header("st");
  }

  /** Whether this is an {@code M-SEARCH} with {@code MAN: "ssdp:discover"}. */
  boolean isDiscover() {
    return kind == Kind.SEARCH && header("man").replace("\"", "").strip().equalsIgnoreCase("ssdp:discover");
  }

  /** {@code MX}, the longest a responder may wait (seconds), clamped to 0-5 as UPnP 1.1 says; empty when absent or invalid. */
  OptionalInt mx() {
    String mx = header("mx");
    if (!mx.matches("[0-9]{1,3}")) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Math.min(5, Integer.parseInt(mx)));
  }

  /** {@code NTS: ssdp:byebye}. */
  boolean isByebye() {
    return kind == Kind.NOTIFY && header("nts").equalsIgnoreCase("ssdp:byebye");
  }

  /** {@code NTS: ssdp:alive}. */
  boolean isAlive() {
    return kind == Kind.NOTIFY && header("nts").equalsIgnoreCase("ssdp:alive");
  }

  /** The device UUID of {@code USN} ({@code uuid:<id>[::type]}), in lower case; empty when absent or invalid. */
  Optional<String> uuid() {
    Matcher m = UUID.matcher(header("usn"));
    return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /** CACHE-CONTROL max-age in seconds, clamped to 60 s - 1 day; 1800 when absent. */
  int maxAge() {
    Matcher m = MAX_AGE_PATTERN.matcher(header("cache-control"));
    if (!m.find()) {
      return 1800;
    }
    long age = Long.parseLong(m.group(1));
    return (int) Math.max(MIN_AGE, Math.min(MAX_AGE, age));
  }

  /** The Kanal version in {@code SERVER} ({@code ... Kanal/0.1.0}), when a Kanal server sent this. */
  Optional<String> kanalVersion() {
    Matcher m = KANAL_SERVER.matcher(header("server"));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * {@code LOCATION}, when it may be fetched: {@code http}, no user info, and its host the IPv4 literal
   * of {@code sender}, the address the datagram came from (so a packet cannot point Kanal at another
   * host on the LAN, at loopback, or anywhere else). The URI is rebuilt from the checked parts.
   */
  Optional<URI> location(InetAddress sender) {
    String raw = header("location");
    if (raw.isEmpty() || raw.length() > 512 || !(sender instanceof Inet4Address)) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getHost() == null
        || !IPV4.matcher(uri.getHost()).matches() || !uri.getHost().equals(sender.getHostAddress())) {
      return Optional.empty();
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    if (port < 1 || port > 65535) {
      return Optional.empty();
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (!path.matches("/[A-Za-z0-9/._~%!$&'()*+,;=:@-]{0,255}")) {
      return Optional.empty();
    }
    return Optional.of(URI.create("http://" + sender.getHostAddress() + ":" + port + path));
  }

  /** The message as bytes to send: start line, headers in order, blank line. */
  static byte[] format(String startLine, Map<String, String> headers) {
    StringBuilder out = new StringBuilder(startLine).append("\r\n");
    headers.forEach((k, v) -> out.append(k).append(": ").append(v).append("\r\n"));
    return out.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }
}
