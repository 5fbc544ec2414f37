package dev.kanal.playlist;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The playlist engine's entry point: sniffs the input and parses it, line by line, into an
 * {@link IptvPlaylist}, a {@link MasterPlaylist} or a {@link MediaPlaylist}.
 */
public final class Playlists {

  /** Tags that occur only in a multivariant playlist (RFC 8216bis 4.4.6). */
  private static final Set<String> MASTER_TAGS = Set.of("EXT-X-STREAM-INF", "EXT-X-I-FRAME-STREAM-INF",
      "EXT-X-MEDIA", "EXT-X-SESSION-DATA", "EXT-X-SESSION-KEY", "EXT-X-CONTENT-STEERING");

  /** Tags that occur only in a media playlist (RFC 8216bis 4.4.3 to 4.4.5). */
  private static final Set<String> MEDIA_TAGS = Set.of("EXT-X-TARGETDURATION", "EXT-X-MEDIA-SEQUENCE",
      "EXT-X-DISCONTINUITY-SEQUENCE", "EXT-X-PLAYLIST-TYPE", "EXT-X-ENDLIST", "EXT-X-I-FRAMES-ONLY",
      "EXT-X-BYTERANGE", "EXT-X-KEY", "EXT-X-MAP", "EXT-X-PROGRAM-DATE-TIME", "EXT-X-GAP",
      "EXT-X-BITRATE", "EXT-X-PART", "EXT-X-PART-INF", "EXT-X-SERVER-CONTROL", "EXT-X-PRELOAD-HINT",
      "EXT-X-SKIP", "EXT-X-RENDITION-REPORT", "EXT-X-DISCONTINUITY", "EXT-X-DATERANGE");

  /** How many lines the sniffer reads ahead at most before it settles on IPTV. */
  private static final int MAX_SNIFF_LINES = 10_000;

  private Playlists() {}

  /** Parses text with the default options. */
  public static Playlist parse(String text) throws PlaylistParseException {
    return parse(text, ParseOptions.DEFAULTS);
  }

  /** Parses text. */
  public static Playlist parse(String text, ParseOptions options) throws PlaylistParseException {
    try {
      return parse(new StringReader(text), options);
    } catch (IOException e) {
      throw new AssertionError("a StringReader does not fail", e);
    }
  }

  /**
   * Parses UTF-8 bytes; malformed sequences become U+FFFD (real playlists carry stray Latin-1 bytes).
   * The stream is not closed.
   */
  public static Playlist parse(InputStream in, ParseOptions options) throws IOException, PlaylistParseException {
    return parse(LineReader.of(in, options.maxBytes(), options.maxLineLength()), options);
  }

  /** Parses characters; the reader is not closed. */
  public static Playlist parse(Reader reader, ParseOptions options) throws IOException, PlaylistParseException {
    return parse(LineReader.of(reader, options.maxBytes(), options.maxLineLength()), options);
  }

  private static Playlist parse(LineReader lines, ParseOptions options) throws IOException, PlaylistParseException {
    List<LineReader.Line> ahead = new ArrayList<>();
    Kind kind = sniff(lines, ahead);
    lines.pushBack(ahead);
    return switch (kind) {
      case IPTV -> IptvParser.parse(lines, options);
      case MASTER -> HlsParser.parseMaster(lines, options);
      case MEDIA -> HlsParser.parseMedia(lines, options);
    };
  }

  private enum Kind { IPTV, MASTER, MEDIA }

  private static Kind sniff(LineReader lines, List<LineReader.Line> ahead)
      throws IOException, PlaylistParseException {
    LineReader.Line line;
    while (ahead.size() < MAX_SNIFF_LINES && (line = lines.next()) != null) {
      ahead.add(line);
      String text = line.text().strip();
      if (text.isEmpty()) {
        continue;
      }
      if (text.startsWith("#EXT-X-")) {
        int colon = text.indexOf(':');
        String tag = text.substring(1, colon < 0 ? text.length() : colon);
        if (MASTER_TAGS.contains(tag)) {
          return Kind.MASTER;
        }
        if (MEDIA_TAGS.contains(tag)) {
          return Kind.MEDIA;
        }
      } else if (text.startsWith("#EXTINF") && hasAttributes(text)) {
        return Kind.IPTV;
      } else if (!text.startsWith("#")) {
        // A URI before any tag that only HLS has: HLS needs EXT-X-STREAM-INF or
        // EXT-X-TARGETDURATION ahead of its first URI, so this is a plain channel list.
        return Kind.IPTV;
      }
    }
    return Kind.IPTV;
  }

  /** True when an EXTINF line carries key=value attributes, which HLS's EXTINF never does. */
  private static boolean hasAttributes(String extinf) {
    int comma = extinf.indexOf(',');
    int end = comma < 0 ? extinf.length() : comma;
    int eq = extinf.indexOf('=');
    return eq > 0 && eq < end;
  }
}
