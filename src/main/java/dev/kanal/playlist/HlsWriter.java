package dev.kanal.playlist;

import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MediaPlaylist.Context;
import dev.kanal.playlist.MediaPlaylist.DateRange;
import dev.kanal.playlist.MediaPlaylist.InitSection;
import dev.kanal.playlist.MediaPlaylist.LowLatency;
import dev.kanal.playlist.MediaPlaylist.Part;
import dev.kanal.playlist.MediaPlaylist.PreloadHint;
import dev.kanal.playlist.MediaPlaylist.RenditionReport;
import dev.kanal.playlist.MediaPlaylist.Segment;
import dev.kanal.playlist.MediaPlaylist.ServerControl;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Writes HLS playlists in canonical form: tags in a fixed order, attribute values in their RFC 8216bis
 * 4.2 formats, LF line ends, no byte-order mark. Parsing the output gives back an equal model (up to
 * line numbers and warnings, see {@code withoutSourceInfo()}). Values that cannot be written (a quote
 * inside a quoted-string, a line break anywhere) are refused with an {@link IllegalArgumentException};
 * unpaired surrogates are written as U+FFFD so the output is valid UTF-8.
 */
public final class HlsWriter {

  private final StringBuilder out;
  /** Whether the attribute list being written has no attribute yet. */
  private boolean first;

  private HlsWriter(int capacity) {
    out = new StringBuilder(capacity);
  }

  /** Writes a multivariant playlist. */
  public static void write(MasterPlaylist playlist, Appendable target) throws IOException {
    target.append(toString(playlist));
  }

  /** Writes a media playlist. */
  public static void write(MediaPlaylist playlist, Appendable target) throws IOException {
    target.append(toString(playlist));
  }

  /** A multivariant playlist as text. */
  public static String toString(MasterPlaylist playlist) {
    HlsWriter w = new HlsWriter(256 + 200 * (playlist.variants().size() + playlist.renditions().size()));
    w.master(playlist);
    return w.out.toString();
  }

  /** A media playlist as text. */
  public static String toString(MediaPlaylist playlist) {
    HlsWriter w = new HlsWriter(256 + 64 * playlist.segments().size());
    w.media(playlist);
    return w.out.toString();
  }

  // ---- multivariant ----

  private void master(MasterPlaylist p) {
    line("#EXTM3U");
    version(p.header());
    header(p.header());
    p.contentSteering().ifPresent(cs -> {
      tag("EXT-X-CONTENT-STEERING");
      quoted("SERVER-URI", cs.serverUri());
      quoted("PATHWAY-ID", cs.pathwayId());
      end();
    });
    for (SessionData d : p.sessionData()) {
      tag("EXT-X-SESSION-DATA");
      quoted("DATA-ID", d.dataId());
      quoted("VALUE", d.value());
      quoted("URI", d.uri());
      enumerated("FORMAT", d.format());
      quoted("LANGUAGE", d.language());
      end();
    }
    for (HlsKey k : p.sessionKeys()) {
      key("EXT-X-SESSION-KEY", k);
    }
    for (Rendition r : p.renditions()) {
      rendition(r);
    }
    List<Variant> variants = p.variants();
    int next = 0;
    List<HlsUnknownTag> unknown = p.unknownTags();
    for (int i = 0; i < variants.size(); i++) {
      next = unknownTags(unknown, next, i);
      variant(variants.get(i));
    }
    unknownTags(unknown, next, Integer.MAX_VALUE);
    for (IFrameVariant v : p.iframeVariants()) {
      tag("EXT-X-I-FRAME-STREAM-INF");
      quoted("URI", v.uri());
      streamInfo(v.stream());
      quoted("VIDEO", v.video());
      end();
    }
  }

  private void rendition(Rendition r) {
    tag("EXT-X-MEDIA");
    enumerated("TYPE", r.type().text());
    quoted("GROUP-ID", r.groupId());
    quoted("NAME", r.name());
    quoted("LANGUAGE", r.language());
    quoted("ASSOC-LANGUAGE", r.assocLanguage());
    quoted("STABLE-RENDITION-ID", r.stableRenditionId());
    yes("DEFAULT", r.selection().isDefault());
    yes("AUTOSELECT", r.selection().autoselect());
    yes("FORCED", r.selection().forced());
    quoted("INSTREAM-ID", r.instreamId());
    quoted("CHARACTERISTICS", r.characteristics());
    quoted("CHANNELS", r.channels());
    quoted("URI", r.uri());
    end();
  }

  private void variant(Variant v) {
    tag("EXT-X-STREAM-INF");
    streamInfo(v.stream());
    decimal("FRAME-RATE", v.frameRate());
    quoted("AUDIO", v.groups().audio());
    quoted("VIDEO", v.groups().video());
    quoted("SUBTITLES", v.groups().subtitles());
    if (v.groups().closedCaptionsNone()) {
      enumerated("CLOSED-CAPTIONS", "NONE");
    } else {
      quoted("CLOSED-CAPTIONS", v.groups().closedCaptions());
    }
    end();
    uriLine(v.uri());
  }

  private void streamInfo(StreamInfo s) {
    integer("BANDWIDTH", s.bandwidth());
    integer("AVERAGE-BANDWIDTH", s.averageBandwidth());
    decimal("SCORE", s.score());
    quoted("CODECS", s.codecs());
    quoted("SUPPLEMENTAL-CODECS", s.supplementalCodecs());
    s.resolution().ifPresent(r -> enumerated("RESOLUTION", r.toString()));
    s.hdcpLevel().ifPresent(h -> enumerated("HDCP-LEVEL", h.text()));
    quoted("ALLOWED-CPC", s.allowedCpc());
    s.videoRange().ifPresent(v -> enumerated("VIDEO-RANGE", v.name()));
    quoted("REQ-VIDEO-LAYOUT", s.reqVideoLayout());
    quoted("STABLE-VARIANT-ID", s.stableVariantId());
    quoted("PATHWAY-ID", s.pathwayId());
  }

  // ---- media ----

  private void media(MediaPlaylist p) {
    line("#EXTM3U");
    version(p.header());
    p.targetDurationSeconds().ifPresent(t -> line("#EXT-X-TARGETDURATION:" + t));
    if (p.mediaSequence() != 0) {
      line("#EXT-X-MEDIA-SEQUENCE:" + p.mediaSequence());
    }
    if (p.discontinuitySequence() != 0) {
      line("#EXT-X-DISCONTINUITY-SEQUENCE:" + p.discontinuitySequence());
    }
    p.playlistType().ifPresent(t -> line("#EXT-X-PLAYLIST-TYPE:" + t.name()));
    if (p.iFramesOnly()) {
      line("#EXT-X-I-FRAMES-ONLY");
    }
    header(p.header());
    LowLatency ll = p.lowLatency();
    ll.partInf().ifPresent(pi -> {
      tag("EXT-X-PART-INF");
      decimal("PART-TARGET", pi.partTargetSeconds());
      end();
    });
    ll.serverControl().ifPresent(this::serverControl);
    ll.skip().ifPresent(s -> {
      tag("EXT-X-SKIP");
      integer("SKIPPED-SEGMENTS", s.skippedSegments());
      if (!s.recentlyRemovedDateRanges().isEmpty()) {
        quoted("RECENTLY-REMOVED-DATERANGES", String.join("\t", s.recentlyRemovedDateRanges()));
      }
      end();
    });
    List<HlsUnknownTag> unknown = p.unknownTags();
    int next = 0;
    Context context = Context.NONE;
    List<Segment> segments = p.segments();
    for (int i = 0; i < segments.size(); i++) {
      next = unknownTags(unknown, next, i);
      Segment s = segments.get(i);
      if (s.discontinuity()) {
        line("#EXT-X-DISCONTINUITY");
      }
      if (s.context() != context) {
        context(context, s.context());
        context = s.context();
      }
      s.programDateTime().ifPresent(this::dateTimeTag);
      for (DateRange d : s.dateRanges()) {
        dateRange(d);
      }
      for (Part part : s.parts()) {
        part(part);
      }
      if (s.gap()) {
        line("#EXT-X-GAP");
      }
      out.append("#EXTINF:").append(s.durationSeconds().toPlainString()).append(',');
      s.title().ifPresent(this::text);
      out.append('\n');
      s.byteRange().ifPresent(r -> out.append("#EXT-X-BYTERANGE:").append(r.length()).append('@')
          .append(r.offset()).append('\n'));
      uriLine(s.uri());
    }
    unknownTags(unknown, next, Integer.MAX_VALUE);
    for (Part part : ll.trailingParts()) {
      part(part);
    }
    for (PreloadHint hint : ll.preloadHints()) {
      tag("EXT-X-PRELOAD-HINT");
      enumerated("TYPE", hint.type().name());
      quoted("URI", hint.uri());
      if (hint.byteRangeStart() != 0) {
        integer("BYTERANGE-START", hint.byteRangeStart());
      }
      integer("BYTERANGE-LENGTH", hint.byteRangeLength());
      end();
    }
    for (RenditionReport r : ll.renditionReports()) {
      tag("EXT-X-RENDITION-REPORT");
      quoted("URI", r.uri());
      integer("LAST-MSN", r.lastMsn());
      integer("LAST-PART", r.lastPart());
      end();
    }
    if (p.endList()) {
      line("#EXT-X-ENDLIST");
    }
  }

  private void serverControl(ServerControl sc) {
    tag("EXT-X-SERVER-CONTROL");
    decimal("CAN-SKIP-UNTIL", sc.canSkipUntilSeconds());
    yes("CAN-SKIP-DATERANGES", sc.canSkipDateRanges());
    decimal("HOLD-BACK", sc.holdBackSeconds());
    decimal("PART-HOLD-BACK", sc.partHoldBackSeconds());
    yes("CAN-BLOCK-RELOAD", sc.canBlockReload());
    end();
  }

  /** Writes the tags that turn the context in effect into the next one. */
  private void context(Context previous, Context next) {
    if (!previous.keys().equals(next.keys())) {
      keys(previous.keys(), next.keys());
    }
    if (!previous.map().equals(next.map())) {
      next.map().ifPresent(this::map);
    }
    if (!previous.bitrateKbps().equals(next.bitrateKbps())) {
      next.bitrateKbps().ifPresent(b -> line("#EXT-X-BITRATE:" + b));
    }
  }

  /**
   * Writes the #EXT-X-KEY tags that turn one key list into another: a key replaces the one of the
   * same KEYFORMAT and new formats are appended, so a list that keeps the earlier formats in order
   * only needs its changed keys; any other change starts over from METHOD=NONE.
   */
  private void keys(List<HlsKey> previous, List<HlsKey> next) {
    boolean extendsPrevious = next.size() >= previous.size();
    for (int i = 0; extendsPrevious && i < previous.size(); i++) {
      extendsPrevious = previous.get(i).effectiveKeyFormat().equals(next.get(i).effectiveKeyFormat());
    }
    if (!extendsPrevious) {
      line("#EXT-X-KEY:METHOD=NONE");
    }
    for (int i = 0; i < next.size(); i++) {
      if (!extendsPrevious || i >= previous.size() || !previous.get(i).equals(next.get(i))) {
        key("EXT-X-KEY", next.get(i));
      }
    }
  }

  private void map(InitSection m) {
    tag("EXT-X-MAP");
    quoted("URI", m.uri());
    m.byteRange().ifPresent(r -> quoted("BYTERANGE", r.toString()));
    end();
  }

  private void part(Part part) {
    tag("EXT-X-PART");
    decimal("DURATION", part.durationSeconds());
    quoted("URI", part.uri());
    yes("INDEPENDENT", part.independent());
    part.byteRange().ifPresent(r -> quoted("BYTERANGE", r.toString()));
    yes("GAP", part.gap());
    end();
  }

  private void dateTimeTag(OffsetDateTime t) {
    out.append("#EXT-X-PROGRAM-DATE-TIME:");
    HlsValues.appendDateTime(out, t);
    out.append('\n');
  }

  private void dateRange(DateRange d) {
    tag("EXT-X-DATERANGE");
    quoted("ID", d.id());
    quoted("CLASS", d.rangeClass());
    d.startDate().ifPresent(t -> dateAttribute("START-DATE", t));
    if (!d.cue().isEmpty()) {
      quoted("CUE", String.join(",", d.cue()));
    }
    d.endDate().ifPresent(t -> dateAttribute("END-DATE", t));
    decimal("DURATION", d.durationSeconds());
    decimal("PLANNED-DURATION", d.plannedDurationSeconds());
    for (DateRange.Attribute a : d.otherAttributes()) {
      if (a.quoted()) {
        quoted(a.name(), a.value());
      } else {
        enumerated(a.name(), a.value());
      }
    }
    yes("END-ON-NEXT", d.endOnNext());
    end();
  }

  private void dateAttribute(String name, OffsetDateTime t) {
    name(name);
    out.append('"');
    HlsValues.appendDateTime(out, t);
    out.append('"');
  }

  // ---- shared ----

  private void version(HlsHeader h) {
    h.version().ifPresent(v -> line("#EXT-X-VERSION:" + v));
  }

  /** The shared tags other than EXT-X-VERSION. */
  private void header(HlsHeader h) {
    if (h.independentSegments()) {
      line("#EXT-X-INDEPENDENT-SEGMENTS");
    }
    h.start().ifPresent(s -> {
      tag("EXT-X-START");
      decimal("TIME-OFFSET", s.timeOffsetSeconds());
      yes("PRECISE", s.precise());
      end();
    });
    for (HlsHeader.Define d : h.defines()) {
      tag("EXT-X-DEFINE");
      switch (d.source()) {
        case VALUE -> {
          quoted("NAME", d.name());
          quoted("VALUE", d.value().orElse(""));
        }
        case IMPORT -> quoted("IMPORT", d.name());
        case QUERYPARAM -> quoted("QUERYPARAM", d.name());
      }
      end();
    }
  }

  private void key(String tagName, HlsKey k) {
    tag(tagName);
    enumerated("METHOD", k.method().text());
    quoted("URI", k.uri());
    k.iv().ifPresent(iv -> enumerated("IV", iv));
    quoted("KEYFORMAT", k.keyFormat());
    quoted("KEYFORMATVERSIONS", k.keyFormatVersions());
    end();
  }

  /** Writes the unknown tags from index {@code from} whose position is at most {@code position}. */
  private int unknownTags(List<HlsUnknownTag> tags, int from, int position) {
    int i = from;
    while (i < tags.size() && tags.get(i).position() <= position) {
      text(tags.get(i).text());
      out.append('\n');
      i++;
    }
    return i;
  }

  // ---- low level: one attribute list at a time ----

  private void tag(String name) {
    out.append('#').append(name).append(':');
    first = true;
  }

  private void end() {
    if (first) {
      out.setLength(out.length() - 1);
    }
    out.append('\n');
  }

  private void name(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    out.append(name).append('=');
  }

  private void quoted(String name, String value) {
    if (value.indexOf('"') >= 0) {
      throw new IllegalArgumentException(name + " cannot be written as a quoted-string: " + value);
    }
    name(name);
    out.append('"');
    text(value);
    out.append('"');
  }

  private void quoted(String name, Optional<String> value) {
    if (value.isPresent()) {
      quoted(name, value.get());
    }
  }

  private void enumerated(String name, String value) {
    if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0) {
      throw new IllegalArgumentException(name + " cannot be written unquoted: " + value);
    }
    name(name);
    text(value);
  }

  private void enumerated(String name, Optional<String> value) {
    if (value.isPresent()) {
      enumerated(name, value.get());
    }
  }

  private void integer(String name, long value) {
    name(name);
    out.append(value);
  }

  private void integer(String name, OptionalLong value) {
    if (value.isPresent()) {
      integer(name, value.getAsLong());
    }
  }

  private void decimal(String name, BigDecimal value) {
    name(name);
    out.append(value.toPlainString());
  }

  private void decimal(String name, Optional<BigDecimal> value) {
    if (value.isPresent()) {
      decimal(name, value.get());
    }
  }

  private void yes(String name, boolean value) {
    if (value) {
      name(name);
      out.append("YES");
    }
  }

  private void line(String text) {
    out.append(text).append('\n');
  }

  private void uriLine(String uri) {
    if (uri.isEmpty() || uri.charAt(0) == '#' || uri.strip().length() != uri.length()) {
      throw new IllegalArgumentException("cannot be written as a URI line: \"" + uri + "\"");
    }
    text(uri);
    out.append('\n');
  }

  /** Appends text, refusing line breaks and replacing unpaired surrogates. */
  private void text(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        throw new IllegalArgumentException("a playlist value cannot contain a line break: " + s);
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          out.append(c).append(s.charAt(++i));
        } else {
          out.append('\uFFFD');
        }
      } else {
        out.append(c);
      }
    }
  }
}
