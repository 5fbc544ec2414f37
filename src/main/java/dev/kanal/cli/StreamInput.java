package dev.kanal.cli;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The stream argument and header flags shared by {@code record} and {@code play}. */
final class StreamInput {

  private StreamInput() {}

  /** An http(s) URL; channel names need the catalog (issue #5), so anything else is a usage error. */
  static URI url(String input) throws CommandException {
    String lower = input.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new CommandException("'" + input + "' is not an http(s) URL; channel names come with the live TV"
          + " catalog (issue #5), until then pass the URL of an HLS playlist", KanalCli.EXIT_USAGE, null);
    }
    try {
      URI uri = URI.create(input);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CommandException("invalid URL " + input + ": " + e.getMessage(), KanalCli.EXIT_USAGE, e);
    }
  }

  /** {@code -H} flags, then {@code --user-agent} and {@code --referer}, which win over the same header. */
  static Map<String, String> headers(List<String> flags, String userAgent, String referer) throws CommandException {
    Map<String, String> headers = new LinkedHashMap<>(PlaylistSource.headers(flags));
    if (userAgent != null) {
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("User-Agent"));
      headers.put("User-Agent", userAgent);
    }
    if (referer != null) {
      headers.keySet().removeIf(k -> k.equalsIgnoreCase("Referer"));
      headers.put("Referer", referer);
    }
    return headers;
  }
}
