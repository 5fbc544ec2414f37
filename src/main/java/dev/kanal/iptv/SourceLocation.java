package dev.kanal.iptv;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a configured source is read from: an http(s) URL, a local file, or an iptv-org preset
 * mapped to its URL on {@code iptv-org.github.io}.
 *
 * @param configured the source as configured
 * @param uri the URL to fetch, for http(s) sources and presets
 * @param file the file to read, for local sources
 */
public record SourceLocation(String configured, Optional<URI> uri, Optional<Path> file) {

  /** Where iptv-org publishes its generated playlists. */
  public static final String IPTV_ORG_BASE = "https://iptv-org.github.io/iptv/";
  /** The prefix of iptv-org presets. */
  public static final String PRESET_PREFIX = "iptv-org:";
  /** Configured sources longer than this are refused. */
  public static final int MAX_LENGTH = 8192;

  private static final Pattern PRESET = Pattern.compile(
      "index|countries/(?:[a-z]{2}|int|undefined)|categories/[a-z0-9][a-z0-9-]{0,39}"
          + "|languages/(?:[a-z]{3}|undefined)|regions/[a-z]{2,8}");
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://.*", Pattern.DOTALL);

  /** Checks that exactly one of uri and file is present. */
  public SourceLocation {
    Objects.requireNonNull(configured, "configured");
    if (uri.isPresent() == file.isPresent()) {
      throw new IllegalArgumentException("a source is either a URL or a file");
    }
  }

  /** True for http(s) URLs and presets. */
  public boolean remote() {
    return uri.isPresent();
  }

  /** The URL or file, for messages. */
  public String describe() {
    return uri.map(URI::toString).orElseGet(() -> file.orElseThrow().toString());
  }

  /**
   * Resolves a configured source.
   *
   * @throws IllegalArgumentException with a sentence naming the source when it is not a valid URL,
   *     file or preset
   */
  public static SourceLocation resolve(String configured) {
    if (configured == null || configured.isBlank()) {
      throw new IllegalArgumentException("a playlist source must not be empty");
    }
    if (configured.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("a playlist source must be at most " + MAX_LENGTH + " characters");
    }
    String text = configured.strip();
    if (text.regionMatches(true, 0, PRESET_PREFIX, 0, PRESET_PREFIX.length())) {
      return new SourceLocation(configured, Optional.of(preset(text.substring(PRESET_PREFIX.length()))), Optional.empty());
    }
    Matcher scheme = SCHEME.matcher(text);
    if (scheme.matches()) {
      String name = scheme.group(1).toLowerCase(Locale.ROOT);
      if (name.equals("file")) {
        try {
          return new SourceLocation(configured, Optional.empty(), Optional.of(Path.of(new URI(text))));
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
          throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a valid file URL", e);
        }
      }
      if (!name.equals("http") && !name.equals("https")) {
        throw new IllegalArgumentException("'" + abbreviate(text) + "': only http, https and file URLs, local files"
            + " and iptv-org: presets can be sources");
      }
      try {
        URI uri = new URI(text);
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
          throw new IllegalArgumentException("'" + abbreviate(text) + "' has no host");
        }
        return new SourceLocation(configured, Optional.of(uri), Optional.empty());
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a valid URL: " + e.getReason(), e);
      }
    }
    try {
      return new SourceLocation(configured, Optional.empty(), Optional.of(Path.of(text)));
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + abbreviate(text) + "' is not a valid file name", e);
    }
  }

  /**
   * The URL of an iptv-org preset: {@code index}, {@code countries/<cc>}, {@code categories/<id>},
   * {@code languages/<iso639-3>} or {@code regions/<code>}, case-insensitive.
   */
  static URI preset(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.endsWith(".m3u")) {
      n = n.substring(0, n.length() - 4);
    }
    if (!PRESET.matcher(n).matches()) {
      throw new IllegalArgumentException("unknown iptv-org preset '" + abbreviate(name) + "': use index, countries/<cc>"
          + " (e.g. countries/fr), categories/<id> (e.g. categories/news), languages/<iso639-3> (e.g. languages/fra)"
          + " or regions/<code>");
    }
    return URI.create(IPTV_ORG_BASE + n + ".m3u");
  }

  private static String abbreviate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
