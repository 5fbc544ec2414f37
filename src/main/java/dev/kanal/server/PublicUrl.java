package dev.kanal.server;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The base URL a client reached the server at, for the absolute URLs of playlists, the guide and the
 * HDHomeRun answers: {@code X-Forwarded-Proto}/{@code X-Forwarded-Host}/{@code X-Forwarded-Prefix}
 * when a reverse proxy sets them, else the scheme of the connection and the {@code Host} header, else
 * the server's own URL. Every part is checked against a strict pattern (a host name, an IPv4 or a
 * bracketed IPv6 address, a port; a prefix of plain path segments), so a forged header can neither
 * break a playlist line nor inject markup; a part that fails is ignored.
 */
final class PublicUrl {

  private static final Pattern HOST =
      Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(:[0-9]{1,5})?");
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]{1,64}){1,8}");

  private PublicUrl() {}

  /**
   * The base URL for {@code request}, without a trailing slash.
   *
   * @param fallback the server's URL, used when the request names no valid host
   */
  static String of(HttpServerRequest request, String fallback) {
    String scheme = first(request.getHeader("X-Forwarded-Proto")).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      scheme = request.isSSL() ? "https" : "http";
    }
    String host = first(request.getHeader("X-Forwarded-Host"));
    if (!HOST.matcher(host).matches()) {
      host = first(request.getHeader("Host"));
    }
    if (!HOST.matcher(host).matches()) {
      return stripSlash(fallback);
    }
    String prefix = first(request.getHeader("X-Forwarded-Prefix"));
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    if (!PREFIX.matcher(prefix).matches()) {
      prefix = "";
    }
    return scheme + "://" + host + prefix;
  }

  /** The first of comma-separated values (proxies append theirs), stripped; empty when absent. */
  private static String first(String header) {
    if (header == null) {
      return "";
    }
    int comma = header.indexOf(',');
    return (comma < 0 ? header : header.substring(0, comma)).strip();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
