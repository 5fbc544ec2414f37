package dev.kanal.cli;

import dev.kanal.config.KanalConfig;
import dev.kanal.iptv.ChannelCatalog;
import java.io.PrintWriter;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/** The stream argument and header flags shared by {@code record} and {@code play}: a URL, or a channel of the catalog. */
final class StreamInput {

  private static final Pattern HAS_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  private StreamInput() {}

  /**
   * What to open.
   *
   * @param url the stream URL
   * @param headers the headers to send: the channel source's own (User-Agent, Referer, others), then the flags
   * @param channel the channel and source the input named, empty for a URL
   */
  record Stream(URI url, Map<String, String> headers, Optional<ChannelCatalog.Resolved> channel) {}

  /**
   * A URL as it is, or a channel name or id resolved through the catalog (the sources of the config or
   * {@code --playlist}, with the check history): its best source that is not known to be dead, with
   * that source's headers, overridden by the header flags. An unknown channel is exit 1.
   */
  static Stream resolve(String input, Map<String, String> flagHeaders, CommandSpec spec, CatalogOptions catalogOptions)
      throws Exception {
    if (HAS_SCHEME.matcher(input.strip()).matches()) {
      return new Stream(url(input.strip()), flagHeaders, Optional.empty());
    }
    ConfigOptions options = catalogOptions.toConfigOptions();
    KanalConfig config = options.load(System.getenv());
    if (config.iptv().sources().stream().noneMatch(KanalConfig.SourceConfig::enabled)) {
      throw new CommandException("'" + input + "' is not a URL, and there are no playlists to find a channel in: give one"
          + " with --playlist URL|FILE or set iptv.sources in the config", KanalCli.EXIT_USAGE, null);
    }
    ChannelCatalog catalog = ChannelsCommand.load(spec, options);
    ChannelCatalog.Resolved resolved = catalog.resolve(input).orElseThrow(() -> new CommandException(
        "no channel '" + input + "' in the catalog; find its name or id with: kanal channels search '" + input + "'"));
    String sourceUrl = resolved.source().url();
    String lower = sourceUrl.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new CommandException("channel '" + resolved.channel().name() + "' streams from " + sourceUrl
          + ", which is not an http(s) URL; Kanal plays and records HLS over http(s)");
    }
    Map<String, String> headers = new LinkedHashMap<>(resolved.source().headers());
    flagHeaders.forEach((k, v) -> {
      headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(k));
      headers.put(k, v);
    });
    PrintWriter err = spec.commandLine().getErr();
    err.println("kanal: channel " + resolved.channel().name() + " (" + resolved.channel().id() + "), source "
        + sourceUrl + " (" + resolved.source().status().text() + ")");
    err.flush();
    return new Stream(url(sourceUrl), headers, Optional.of(resolved));
  }

  /** An http(s) URL; anything else is a usage error. */
  static URI url(String input) throws CommandException {
    String lower = input.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      throw new CommandException("'" + input + "' is not an http(s) URL; pass the URL of an HLS playlist or a channel"
          + " name or id (kanal channels search)", KanalCli.EXIT_USAGE, null);
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
