package dev.kanal.playlist;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPTV channel list in the extended M3U format of iptv-org, Free-TV, Kodi and VLC.
 *
 * @param header the attributes of the {@code #EXTM3U} line ({@code x-tvg-url}, {@code url-tvg},
 *     {@code tvg-shift}, {@code catchup}, ...) in input order, keys as written
 * @param entries the channels in input order
 * @param trailingLines comment and option lines after the last entry, kept so that writing loses nothing
 * @param warnings problems the lenient parser tolerated, in input order
 */
public record IptvPlaylist(Map<String, String> header, List<Entry> entries, List<String> trailingLines,
    List<ParseWarning> warnings) implements Playlist {

  /** Copies every collection; maps keep their order. */
  public IptvPlaylist {
    header = IptvOrderedMap.copyOf(header);
    entries = List.copyOf(entries);
    trailingLines = List.copyOf(trailingLines);
    warnings = List.copyOf(warnings);
  }

  /**
   * Parses characters as an IPTV list, without sniffing the kind as {@link Playlists#parse} does
   * (which reads a list whose first entry carries HLS-only tags such as {@code #EXT-X-PART} as HLS).
   * The reader is not closed.
   */
  public static IptvPlaylist parse(Reader reader, ParseOptions options) throws IOException, PlaylistParseException {
    return IptvParser.parse(LineReader.of(reader, options.maxBytes(), options.maxLineLength()), options);
  }

  /** Parses text as an IPTV list, without sniffing the kind. */
  public static IptvPlaylist parse(String text, ParseOptions options) throws PlaylistParseException {
    try {
      return parse(new StringReader(text), options);
    } catch (IOException e) {
      throw new AssertionError("a StringReader does not fail", e);
    }
  }

  /** A header attribute by name, ignoring case ({@code X-TVG-URL} finds {@code x-tvg-url}). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(((IptvOrderedMap) header).getIgnoreCase(name));
  }

  /** The XMLTV guide URLs of {@code x-tvg-url} and {@code url-tvg}, split at commas, blanks dropped. */
  public List<String> guideUrls() {
    List<String> urls = new ArrayList<>();
    for (String name : List.of("x-tvg-url", "url-tvg")) {
      header(name).ifPresent(value -> {
        for (String url : value.split(",")) {
          String u = url.strip();
          if (!u.isEmpty() && !urls.contains(u)) {
            urls.add(u);
          }
        }
      });
    }
    return List.copyOf(urls);
  }

  /** A copy without line numbers and warnings, for comparing what two inputs say. */
  public IptvPlaylist withoutPositions() {
    List<Entry> stripped = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      stripped.add(e.withLine(0));
    }
    return new IptvPlaylist(header, stripped, trailingLines, List.of());
  }

  /**
   * One channel: an {@code #EXTINF} line, the option lines that follow it, and the URL.
   *
   * @param title the title after the EXTINF comma as written (trimmed), suffixes such as
   *     {@code (1080p)} included; see {@link #name()}
   * @param url the URL line as written, Kodi's {@code |Header=value} suffix included
   * @param resolvedUrl the URL to fetch: without the {@code |...} suffix, and resolved against
   *     {@link ParseOptions#baseUri()} when it was relative
   * @param duration the EXTINF duration as written; -1 (live) when there was none
   * @param attributes the EXTINF attributes ({@code tvg-id}, {@code tvg-name}, {@code tvg-logo},
   *     {@code group-title}, {@code tvg-chno}, {@code catchup}, ...) in input order, keys with ASCII
     *     letters lower-cased
   * @param extGrp the value of an {@code #EXTGRP:} line, empty when there was none
   * @param vlcOptions every {@code #EXTVLCOPT:key=value} line in input order, keys as written
   * @param kodiProps every {@code #KODIPROP:key=value} line in input order, keys as written
   * @param extraLines other lines starting with {@code #} that came with this entry, as written
   * @param line the 1-based line number of the EXTINF (of the URL when there was none); 0 when unknown
   */
  public record Entry(String title, String url, String resolvedUrl, BigDecimal duration,
      Map<String, String> attributes, String extGrp, Map<String, String> vlcOptions,
      Map<String, String> kodiProps, List<String> extraLines, int line) {

    /** The duration of a live stream. */
    public static final BigDecimal LIVE = BigDecimal.ONE.negate();

    /** Checks for nulls and copies every collection; maps keep their order. */
    public Entry {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(resolvedUrl, "resolvedUrl");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(extGrp, "extGrp");
      attributes = IptvOrderedMap.copyOf(attributes);
      vlcOptions = IptvOrderedMap.copyOf(vlcOptions);
      kodiProps = IptvOrderedMap.copyOf(kodiProps);
      extraLines = List.copyOf(extraLines);
    }

    /** A live entry with only a title and a URL, taken as absolute. */
    public static Entry of(String title, String url) {
      return new Entry(title, url, url, LIVE, Map.of(), "", Map.of(), Map.of(), List.of(), 0);
    }

    /** This entry with another line number. */
    public Entry withLine(int value) {
      return value == line ? this
          : new Entry(title, url, resolvedUrl, duration, attributes, extGrp, vlcOptions, kodiProps, extraLines, value);
    }

    /** The title without iptv-org's {@code (720p)}, {@code [Geo-blocked]}, {@code [Not 24/7]} or Free-TV's {@code Ⓖ} markers. */
    public String name() {
      return IptvTitle.of(title).name();
    }

    /** The {@code group-title} attribute, else the {@code #EXTGRP} value, else empty. */
    public String group() {
      String group = attributes.get("group-title");
      return group == null || group.isEmpty() ? extGrp : group;
    }

    /** An EXTINF attribute by name, ignoring case. */
    public Optional<String> attribute(String name) {
      return Optional.ofNullable(attributes.get(IptvOrderedMap.asciiLower(name)));
    }

    /**
     * The HTTP headers a player must send ({@code User-Agent}, {@code Referer}, {@code Origin},
     * {@code Cookie}, ...), from EXTINF attributes, {@code #EXTVLCOPT}, {@code #KODIPROP}
     * {@code inputstream.adaptive.*_headers}, {@code #EXTHTTP} and the URL's {@code |} suffix, the
     * later overriding the earlier.
     */
    public Map<String, String> headers() {
      return IptvHeaders.of(this);
    }

    /** The picture height the title announces, such as {@code 1080p} in {@code "CCTV-1 (1080p)"}. */
    public Optional<String> quality() {
      return IptvTitle.of(title).quality();
    }

    /** True when the title says {@code [Geo-blocked]} (iptv-org) or carries {@code Ⓖ} (Free-TV). */
    public boolean geoBlocked() {
      return IptvTitle.of(title).geoBlocked();
    }

    /** True when the title says {@code [Not 24/7]}. */
    public boolean not24x7() {
      return IptvTitle.of(title).not24x7();
    }

    /** True for a live stream: a negative duration. */
    public boolean live() {
      return duration.signum() < 0;
    }

    /** The resolved URL as a URI, or empty when it is not a valid URI reference. */
    public Optional<URI> uri() {
      try {
        return Optional.of(new URI(resolvedUrl));
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }
  }
}
