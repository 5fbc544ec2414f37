package dev.kanal.relay;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/** Resolving playlist URIs (RFC 3986 section 5) leniently: real playlists carry spaces and other raw characters. */
final class Urls {

  private Urls() {}

  /** {@code reference} resolved against {@code base}; empty when it cannot be made into a URI. */
  static Optional<URI> resolve(URI base, String reference) {
    URI ref = parse(reference.strip());
    if (ref == null) {
      return Optional.empty();
    }
    if (ref.isAbsolute()) {
      return Optional.of(ref.normalize());
    }
    URI b = base;
    if (b.getRawPath() == null || b.getRawPath().isEmpty()) {
      // java.net.URI would glue "http://h" and "a.ts" into "http://ha.ts".
      b = parse(b.getScheme() + "://" + b.getRawAuthority() + "/" + (b.getRawQuery() == null ? "" : "?" + b.getRawQuery()));
      if (b == null) {
        return Optional.empty();
      }
    }
    String raw = ref.toString();
    if (raw.startsWith("?")) {
      // RFC 3986 5.2.2: a query-only reference keeps the whole base path (java.net.URI drops its last segment).
      return Optional.ofNullable(parse(b.getScheme() + "://" + b.getRawAuthority() + b.getRawPath() + raw));
    }
    if (raw.isEmpty()) {
      return Optional.of(b);
    }
    try {
      return Optional.of(b.resolve(ref).normalize());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A URI from text, percent-encoding characters that are not allowed raw (spaces, '|', '{'...). */
  static URI parse(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      StringBuilder b = new StringBuilder(text.length() + 16);
      for (byte c : text.getBytes(StandardCharsets.UTF_8)) {
        int u = c & 0xff;
        if (u > 0x20 && u < 0x7f && "\"<>\\^`{|}".indexOf(u) < 0) {
          b.append((char) u);
        } else {
          b.append('%').append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(u & 0xf, 16)));
        }
      }
      try {
        return new URI(b.toString());
      } catch (URISyntaxException again) {
        return null;
      }
    }
  }

  /** Whether the URI is an http or https URL with a host. */
  static boolean isHttp(URI uri) {
    String s = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return (s.equals("http") || s.equals("https")) && uri.getHost() != null;
  }

  /** The file extension of the URL's path for a relay URL (1-5 letters or digits, lower case), else {@code fallback}. */
  static String extension(URI uri, String fallback) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    if (dot <= slash || dot == path.length() - 1) {
      return fallback;
    }
    String ext = path.substring(dot + 1).toLowerCase(Locale.ROOT);
    if (ext.length() > 5 || !ext.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return fallback;
    }
    return ext;
  }
}
