package dev.kanal.relay;

import dev.kanal.playlist.HlsHeader;
import dev.kanal.playlist.HlsKey;
import dev.kanal.playlist.HlsUnknownTag;
import dev.kanal.playlist.MasterPlaylist;
import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MediaPlaylist.Context;
import dev.kanal.playlist.MediaPlaylist.InitSection;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Rewrites the URIs of one upstream playlist into relay URLs, all relative to {@code /live/{channel}/}:
 * variant streams become {@code v{k}.m3u8}, renditions (#EXT-X-MEDIA) {@code r{k}.m3u8}, I-frame
 * playlists (#EXT-X-I-FRAME-STREAM-INF) {@code i{k}.m3u8}, by position; segments, keys
 * (#EXT-X-KEY, #EXT-X-SESSION-KEY), initialization sections (#EXT-X-MAP) and session data become
 * {@code s/{token}.{ext}}, the token binding the channel, the source and the absolute upstream URL.
 * Byte ranges, durations, titles, dates and date ranges are kept. Key URIs that are not http(s)
 * (FairPlay {@code skd:}, {@code data:}) stay as they are: the player resolves those itself. Tags
 * the parser does not model are kept unless they carry a URI (which would bypass the relay).
 */
final class PlaylistRewriter {

  /** A URI the relay cannot name (unparseable, or longer than a token may be). */
  static final class UnrelayableException extends RuntimeException {
    UnrelayableException(String message) {
      super(message, null, false, false);
    }
  }

  private final RelayTokens tokens;
  private final String channelId;
  private final long sourceId;
  private final URI base;

  /**
   * @param channelId the channel the URLs are for (canonical id)
   * @param sourceId the id of the channel source the playlist came from
   * @param base the URL the playlist was fetched from, after redirects
   */
  PlaylistRewriter(RelayTokens tokens, String channelId, long sourceId, URI base) {
    this.tokens = tokens;
    this.channelId = channelId;
    this.sourceId = sourceId;
    this.base = base;
  }

  /** The relay path of an upstream resource: {@code s/{token}.{ext}}. */
  String resource(RelayTokens.Kind kind, String reference) {
    URI uri = Urls.resolve(base, reference)
        .orElseThrow(() -> new UnrelayableException("cannot resolve a playlist URI against " + AddressGuard.redact(base)));
    String fallback = switch (kind) {
      case SEGMENT -> "ts";
      case KEY -> "key";
      case MAP -> "mp4";
    };
    try {
      return "s/" + tokens.sign(channelId, kind, sourceId, uri.toString()) + "." + Urls.extension(uri, fallback);
    } catch (IllegalArgumentException e) {
      throw new UnrelayableException("an upstream URL of " + AddressGuard.redact(base) + " is too long to relay");
    }
  }

  /** A key with its URI relayed (http(s) and relative URIs only). */
  HlsKey key(HlsKey key) {
    if (key.uri().isEmpty()) {
      return key;
    }
    refuseLocal(key.uri().get());
    if (!relayable(key.uri().get())) {
      // Other schemes (skd: of FairPlay) are for the player's own key system and pass as they are.
      return key;
    }
    return new HlsKey(key.method(), Optional.of(resource(RelayTokens.Kind.KEY, key.uri().get())), key.iv(),
        key.keyFormat(), key.keyFormatVersions());
  }

  /**
   * Refuses a URI that names something local to whoever reads it ({@code file:} and ffmpeg's
   * {@code concat:}/{@code subfile:}): passed on, it would point the relay's own ffmpeg, or a player on
   * the server's machine, at local files, and show viewers a local path.
   */
  private static void refuseLocal(String reference) {
    URI u = Urls.parse(reference.strip());
    String s = u == null || u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (s.equals("file") || s.equals("concat") || s.equals("subfile")) {
      throw new UnrelayableException("the playlist names a local " + s + ": URL, which is never relayed");
    }
  }

  /** Whether a URI is fetched over http(s): relative, or with an http(s) scheme. */
  private static boolean relayable(String reference) {
    URI u = Urls.parse(reference.strip());
    if (u == null || u.getScheme() == null) {
      return true;
    }
    String s = u.getScheme().toLowerCase(Locale.ROOT);
    return s.equals("http") || s.equals("https");
  }

  /**
   * The keys, initialization section and bitrate of a segment, relayed.
   *
   * @param ivSequence when present, the media sequence number to write as an explicit IV into AES-128
   *     and SAMPLE-AES keys that have none (RFC 8216bis 5.2: the IV defaults to the media sequence
   *     number, which the relay renumbers)
   */
  Context context(Context context, Optional<Long> ivSequence) {
    List<HlsKey> keys = new ArrayList<>(context.keys().size());
    for (HlsKey k : context.keys()) {
      HlsKey relayed = key(k);
      if (ivSequence.isPresent() && relayed.iv().isEmpty() && relayed.method() != HlsKey.Method.NONE) {
        relayed = new HlsKey(relayed.method(), relayed.uri(), Optional.of(String.format(Locale.ROOT, "0x%032X",
            ivSequence.get())), relayed.keyFormat(), relayed.keyFormatVersions());
      }
      keys.add(relayed);
    }
    Optional<InitSection> map = context.map()
        .map(m -> new InitSection(resource(RelayTokens.Kind.MAP, m.uri()), m.byteRange()));
    return new Context(keys, map, context.bitrateKbps());
  }

  /**
   * A segment under its relay media sequence number with every URI relayed; partial segments are
   * dropped (the relay serves regular-latency HLS: it does not answer blocking playlist reloads).
   *
   * @param discontinuity whether a discontinuity precedes it in the relay's playlist
   */
  Segment segment(Segment s, long relaySequence, boolean discontinuity) {
    refuseLocal(s.uri());
    s.context().map().ifPresent(m -> refuseLocal(m.uri()));
    Optional<Long> iv = relaySequence == s.mediaSequence() ? Optional.empty() : Optional.of(s.mediaSequence());
    return new Segment(0, relaySequence, resource(RelayTokens.Kind.SEGMENT, s.uri()), s.durationSeconds(), s.title(),
        s.byteRange(), discontinuity, s.gap(), s.programDateTime(), context(s.context(), iv), s.dateRanges(), List.of());
  }

  /**
   * The relay's multivariant playlist: the same variants, renditions and I-frame playlists in the
   * same order, under relay URLs; EXT-X-DEFINE dropped (the parser substituted the variables),
   * content steering dropped (the relay picks the source).
   */
  MasterPlaylist master(MasterPlaylist m) {
    List<Variant> variants = new ArrayList<>();
    for (int k = 0; k < m.variants().size(); k++) {
      Variant v = m.variants().get(k);
      variants.add(new Variant(0, "v" + k + ".m3u8", v.stream(), v.frameRate(), v.groups()));
    }
    List<Rendition> renditions = new ArrayList<>();
    for (int k = 0; k < m.renditions().size(); k++) {
      Rendition r = m.renditions().get(k);
      String uri = "r" + k + ".m3u8";
      renditions.add(new Rendition(0, r.type(), r.groupId(), r.name(), r.uri().map(u -> uri), r.language(),
          r.assocLanguage(), r.selection(), r.instreamId(), r.characteristics(), r.channels(), r.stableRenditionId()));
    }
    List<IFrameVariant> iframes = new ArrayList<>();
    for (int k = 0; k < m.iframeVariants().size(); k++) {
      IFrameVariant v = m.iframeVariants().get(k);
      iframes.add(new IFrameVariant(0, "i" + k + ".m3u8", v.stream(), v.video()));
    }
    List<SessionData> data = new ArrayList<>();
    for (SessionData d : m.sessionData()) {
      try {
        data.add(new SessionData(0, d.dataId(), d.value(),
            d.uri().map(u -> {
              refuseLocal(u);
              return relayable(u) ? resource(RelayTokens.Kind.KEY, u) : u;
            }), d.format(),
            d.language()));
      } catch (UnrelayableException e) {
        // left out: a session datum the relay cannot name
      }
    }
    List<HlsKey> sessionKeys = new ArrayList<>();
    for (HlsKey k : m.sessionKeys()) {
      try {
        sessionKeys.add(key(k));
      } catch (UnrelayableException e) {
        // left out: a session key the relay cannot name (its segments' own keys say the same and are left out)
      }
    }
    return new MasterPlaylist(withoutDefines(m.header()), variants, iframes, renditions, data, sessionKeys,
        Optional.empty(), withoutUris(m.unknownTags()), List.of());
  }

  static HlsHeader withoutDefines(HlsHeader h) {
    return new HlsHeader(h.version(), h.independentSegments(), h.start(), List.of());
  }

  /** Unknown tags that do not name a resource (a URI attribute or an absolute URL). */
  static List<HlsUnknownTag> withoutUris(List<HlsUnknownTag> tags) {
    return tags.stream().filter(t -> {
      String text = t.text().toUpperCase(Locale.ROOT);
      return !text.contains("URI=") && !text.contains("://");
    }).toList();
  }
}
