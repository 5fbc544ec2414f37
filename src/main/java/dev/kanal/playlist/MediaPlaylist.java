package dev.kanal.playlist;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An HLS media playlist: the segments of one rendition (RFC 8216bis 4.4.3 to 4.4.5).
 *
 * @param header the tags shared with multivariant playlists (EXT-X-VERSION, EXT-X-INDEPENDENT-SEGMENTS,
 *     EXT-X-START, EXT-X-DEFINE)
 * @param targetDurationSeconds the maximum segment duration in whole seconds, as defined by #EXT-X-TARGETDURATION
 *     (absent only when a lenient parse met a playlist without a valid one)
 * @param mediaSequence the media sequence number of the first segment, as defined by #EXT-X-MEDIA-SEQUENCE (0 when absent)
 * @param discontinuitySequence the discontinuity sequence number of the first segment, as defined by
 *     #EXT-X-DISCONTINUITY-SEQUENCE (0 when absent)
 * @param playlistType whether the playlist is immutable or append-only, as defined by #EXT-X-PLAYLIST-TYPE
 * @param endList whether no more segments will be added, as defined by #EXT-X-ENDLIST
 * @param iFramesOnly whether each segment is a single I-frame, as defined by #EXT-X-I-FRAMES-ONLY
 * @param lowLatency the Low-Latency HLS tags (EXT-X-PART-INF, EXT-X-SERVER-CONTROL, EXT-X-SKIP, trailing
 *     EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT)
 * @param segments the media segments in order, as defined by #EXTINF and the URI line that follows
 * @param unknownTags tags the parser does not model, with their positions among the segments
 * @param warnings problems the lenient parser tolerated
 */
public record MediaPlaylist(HlsHeader header, OptionalLong targetDurationSeconds, long mediaSequence,
    long discontinuitySequence, Optional<PlaylistType> playlistType, boolean endList, boolean iFramesOnly,
    LowLatency lowLatency, List<Segment> segments, List<HlsUnknownTag> unknownTags,
    List<ParseWarning> warnings) implements Playlist {

  /** Copies the lists and requires every component. */
  public MediaPlaylist {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(targetDurationSeconds, "targetDurationSeconds");
    Objects.requireNonNull(playlistType, "playlistType");
    Objects.requireNonNull(lowLatency, "lowLatency");
    segments = List.copyOf(segments);
    unknownTags = List.copyOf(unknownTags);
    warnings = List.copyOf(warnings);
  }

  /** The sum of the segment durations in seconds, exact. */
  public BigDecimal totalDurationSeconds() {
    BigDecimal total = BigDecimal.ZERO;
    for (Segment s : segments) {
      total = total.add(s.durationSeconds());
    }
    return total;
  }

  /** The media sequence number the next segment added to this playlist will have. */
  public long nextMediaSequence() {
    return segments.isEmpty()
        ? mediaSequence + lowLatency.skip().map(Skip::skippedSegments).orElse(0L)
        : segments.getLast().mediaSequence() + 1;
  }

  /** A copy without warnings and with every line number 0, to compare playlists read from different texts. */
  public MediaPlaylist withoutSourceInfo() {
    List<Segment> plainSegments = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      plainSegments.add(s.withoutLine());
    }
    LowLatency ll = lowLatency;
    LowLatency plainLowLatency = new LowLatency(ll.partInf(), ll.serverControl(), ll.skip(),
        ll.trailingParts().stream().map(Part::withoutLine).toList(), ll.preloadHints(), ll.renditionReports());
    return new MediaPlaylist(header, targetDurationSeconds, mediaSequence, discontinuitySequence, playlistType,
        endList, iFramesOnly, plainLowLatency, plainSegments,
        unknownTags.stream().map(HlsUnknownTag::withoutLine).toList(), List.of());
  }

  /** The values of #EXT-X-PLAYLIST-TYPE. */
  public enum PlaylistType {
    /** Segments are only added at the end (EVENT). */
    EVENT,
    /** The playlist never changes (VOD). */
    VOD
  }

  /**
   * One media segment.
   *
   * @param line the 1-based line of its #EXTINF tag, or 0 when not read from text
   * @param mediaSequence its media sequence number, counted from #EXT-X-MEDIA-SEQUENCE (and #EXT-X-SKIP)
   * @param uri the URI line, with variables substituted
   * @param durationSeconds the duration in seconds exactly as written, as defined by #EXTINF
   * @param title the human-readable title after the comma, as defined by #EXTINF
   * @param byteRange the sub-range of the resource, as defined by #EXT-X-BYTERANGE, with an implicit offset resolved
   * @param discontinuity whether a discontinuity precedes it, as defined by #EXT-X-DISCONTINUITY
   * @param gap whether the segment is missing and must not be loaded, as defined by #EXT-X-GAP
   * @param programDateTime the wall-clock time of its first sample, as defined by #EXT-X-PROGRAM-DATE-TIME
   * @param context the keys, initialization section and bitrate in effect, as defined by #EXT-X-KEY,
   *     #EXT-X-MAP and #EXT-X-BITRATE
   * @param dateRanges the date ranges written just before it, as defined by #EXT-X-DATERANGE
   * @param parts its partial segments, as defined by #EXT-X-PART
   */
  public record Segment(int line, long mediaSequence, String uri, BigDecimal durationSeconds,
      Optional<String> title, Optional<HlsByteRange> byteRange, boolean discontinuity, boolean gap,
      Optional<OffsetDateTime> programDateTime, Context context, List<DateRange> dateRanges, List<Part> parts) {

    /** Copies the lists and requires every component. */
    public Segment {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(durationSeconds, "durationSeconds");
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(byteRange, "byteRange");
      Objects.requireNonNull(programDateTime, "programDateTime");
      Objects.requireNonNull(context, "context");
      dateRanges = List.copyOf(dateRanges);
      parts = List.copyOf(parts);
    }

    /** A plain segment: a URI and a duration, nothing else. */
    public static Segment of(long mediaSequence, String uri, BigDecimal durationSeconds) {
      return new Segment(0, mediaSequence, uri, durationSeconds, Optional.empty(), Optional.empty(), false, false,
          Optional.empty(), Context.NONE, List.of(), List.of());
    }

    /** The keys in effect, as defined by #EXT-X-KEY; empty when the segment is not encrypted. */
    public List<HlsKey> keys() {
      return context.keys();
    }

    /** The media initialization section in effect, as defined by #EXT-X-MAP. */
    public Optional<InitSection> map() {
      return context.map();
    }

    /** The approximate bitrate in kbit/s in effect, as defined by #EXT-X-BITRATE. */
    public OptionalLong bitrateKbps() {
      return context.bitrateKbps();
    }

    Segment withoutLine() {
      boolean partsHaveLines = parts.stream().anyMatch(p -> p.line() != 0);
      boolean rangesHaveLines = dateRanges.stream().anyMatch(d -> d.line() != 0);
      if (line == 0 && !partsHaveLines && !rangesHaveLines) {
        return this;
      }
      return new Segment(0, mediaSequence, uri, durationSeconds, title, byteRange, discontinuity, gap,
          programDateTime, context, dateRanges.stream().map(DateRange::withoutLine).toList(),
          parts.stream().map(Part::withoutLine).toList());
    }
  }

  /**
   * The tags that apply to a segment and every later one until replaced; consecutive segments share
   * one instance.
   *
   * @param keys the keys in effect, one per KEYFORMAT, as defined by #EXT-X-KEY (METHOD=NONE clears them)
   * @param map the media initialization section, as defined by #EXT-X-MAP
   * @param bitrateKbps the approximate bitrate in kbit/s, as defined by #EXT-X-BITRATE (RFC 8216bis says it
   *     does not describe segments that have a byte range)
   */
  public record Context(List<HlsKey> keys, Optional<InitSection> map, OptionalLong bitrateKbps) {

    /** No keys, no initialization section, no bitrate. */
    public static final Context NONE = new Context(List.of(), Optional.empty(), OptionalLong.empty());

    /** Copies the list and requires every component. */
    public Context {
      keys = List.copyOf(keys);
      Objects.requireNonNull(map, "map");
      Objects.requireNonNull(bitrateKbps, "bitrateKbps");
    }
  }

  /**
   * A media initialization section, as defined by #EXT-X-MAP.
   *
   * @param uri where it is, as defined by the URI attribute
   * @param byteRange the sub-range of that resource, as defined by the BYTERANGE attribute
   */
  public record InitSection(String uri, Optional<HlsByteRange> byteRange) {

    /** Requires every component. */
    public InitSection {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(byteRange, "byteRange");
    }
  }

  /**
   * A range of time with attributes, as defined by #EXT-X-DATERANGE (RFC 8216bis 4.4.5.1).
   *
   * @param line the 1-based line it was read from, or 0 when not read from text
   * @param id the identifier, as defined by the ID attribute
   * @param rangeClass the semantics class, as defined by the CLASS attribute
   * @param startDate when it starts, as defined by START-DATE
   * @param endDate when it ends, as defined by END-DATE
   * @param durationSeconds how long it lasts, as defined by DURATION
   * @param plannedDurationSeconds the expected duration, as defined by PLANNED-DURATION
   * @param cue when to trigger it (PRE, POST, ONCE), as defined by CUE
   * @param endOnNext whether it ends where the next range of its class starts, as defined by END-ON-NEXT
   * @param otherAttributes SCTE35-CMD, SCTE35-OUT, SCTE35-IN, X-client attributes and any other, in order
   */
  public record DateRange(int line, String id, Optional<String> rangeClass, Optional<OffsetDateTime> startDate,
      Optional<OffsetDateTime> endDate, Optional<BigDecimal> durationSeconds,
      Optional<BigDecimal> plannedDurationSeconds, List<String> cue, boolean endOnNext,
      List<Attribute> otherAttributes) {

    /** Copies the lists and requires every component. */
    public DateRange {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(rangeClass, "rangeClass");
      Objects.requireNonNull(startDate, "startDate");
      Objects.requireNonNull(endDate, "endDate");
      Objects.requireNonNull(durationSeconds, "durationSeconds");
      Objects.requireNonNull(plannedDurationSeconds, "plannedDurationSeconds");
      cue = List.copyOf(cue);
      otherAttributes = List.copyOf(otherAttributes);
    }

    /** The value of another attribute (SCTE35-OUT, X-AD-ID...) by name, without quotes. */
    public Optional<String> attribute(String name) {
      for (Attribute a : otherAttributes) {
        if (a.name().equals(name)) {
          return Optional.of(a.value());
        }
      }
      return Optional.empty();
    }

    DateRange withoutLine() {
      return line == 0 ? this : new DateRange(0, id, rangeClass, startDate, endDate, durationSeconds,
          plannedDurationSeconds, cue, endOnNext, otherAttributes);
    }

    /**
     * An attribute of a date range that has no component of its own.
     *
     * @param name the attribute name, e.g. {@code SCTE35-OUT} or {@code X-AD-ID}
     * @param value the value without quotes
     * @param quoted whether it was a quoted-string (otherwise a hexadecimal-sequence or a number)
     */
    public record Attribute(String name, String value, boolean quoted) {

      /** Requires every component. */
      public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
      }
    }
  }

  /**
   * A partial segment, as defined by #EXT-X-PART (RFC 8216bis 4.4.4.9).
   *
   * @param line the 1-based line it was read from, or 0 when not read from text
   * @param uri where it is, as defined by the URI attribute
   * @param durationSeconds its duration, as defined by the DURATION attribute
   * @param independent whether it starts with an independent frame, as defined by INDEPENDENT
   * @param byteRange the sub-range of the resource, as defined by BYTERANGE, with an implicit offset resolved
   * @param gap whether it is unavailable, as defined by the GAP attribute
   */
  public record Part(int line, String uri, BigDecimal durationSeconds, boolean independent,
      Optional<HlsByteRange> byteRange, boolean gap) {

    /** Requires every component. */
    public Part {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(durationSeconds, "durationSeconds");
      Objects.requireNonNull(byteRange, "byteRange");
    }

    Part withoutLine() {
      return line == 0 ? this : new Part(0, uri, durationSeconds, independent, byteRange, gap);
    }
  }

  /**
   * The Low-Latency HLS tags of a media playlist (RFC 8216bis 4.4.3.7, 4.4.3.8 and 4.4.5).
   *
   * @param partInf the partial segment target, as defined by #EXT-X-PART-INF
   * @param serverControl what the server supports, as defined by #EXT-X-SERVER-CONTROL
   * @param skip how many segments a delta update left out, as defined by #EXT-X-SKIP
   * @param trailingParts the #EXT-X-PART tags after the last complete segment (of the segment in progress)
   * @param preloadHints resources the client may request ahead, as defined by #EXT-X-PRELOAD-HINT
   * @param renditionReports the state of other renditions, as defined by #EXT-X-RENDITION-REPORT
   */
  public record LowLatency(Optional<PartInf> partInf, Optional<ServerControl> serverControl, Optional<Skip> skip,
      List<Part> trailingParts, List<PreloadHint> preloadHints, List<RenditionReport> renditionReports) {

    /** No Low-Latency HLS tag at all. */
    public static final LowLatency NONE =
        new LowLatency(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(), List.of());

    /** Copies the lists and requires every component. */
    public LowLatency {
      Objects.requireNonNull(partInf, "partInf");
      Objects.requireNonNull(serverControl, "serverControl");
      Objects.requireNonNull(skip, "skip");
      trailingParts = List.copyOf(trailingParts);
      preloadHints = List.copyOf(preloadHints);
      renditionReports = List.copyOf(renditionReports);
    }
  }

  /**
   * The partial segment information, as defined by #EXT-X-PART-INF.
   *
   * @param partTargetSeconds the maximum partial segment duration, as defined by PART-TARGET
   */
  public record PartInf(BigDecimal partTargetSeconds) {

    /** Requires the target. */
    public PartInf {
      Objects.requireNonNull(partTargetSeconds, "partTargetSeconds");
    }
  }

  /**
   * What the server supports for playlist delivery, as defined by #EXT-X-SERVER-CONTROL.
   *
   * @param canSkipUntilSeconds the skip boundary for delta updates, as defined by CAN-SKIP-UNTIL
   * @param canSkipDateRanges whether delta updates may also skip date ranges, as defined by CAN-SKIP-DATERANGES
   * @param holdBackSeconds the minimum distance from the live edge, as defined by HOLD-BACK
   * @param partHoldBackSeconds the minimum distance from the live edge in low-latency mode, as defined by PART-HOLD-BACK
   * @param canBlockReload whether blocking playlist reload is supported, as defined by CAN-BLOCK-RELOAD
   */
  public record ServerControl(Optional<BigDecimal> canSkipUntilSeconds, boolean canSkipDateRanges,
      Optional<BigDecimal> holdBackSeconds, Optional<BigDecimal> partHoldBackSeconds, boolean canBlockReload) {

    /** Requires every component. */
    public ServerControl {
      Objects.requireNonNull(canSkipUntilSeconds, "canSkipUntilSeconds");
      Objects.requireNonNull(holdBackSeconds, "holdBackSeconds");
      Objects.requireNonNull(partHoldBackSeconds, "partHoldBackSeconds");
    }
  }

  /**
   * The segments a playlist delta update left out, as defined by #EXT-X-SKIP.
   *
   * @param skippedSegments how many segments were left out, as defined by SKIPPED-SEGMENTS
   * @param recentlyRemovedDateRanges IDs of date ranges removed since, as defined by RECENTLY-REMOVED-DATERANGES
   */
  public record Skip(long skippedSegments, List<String> recentlyRemovedDateRanges) {

    /** Copies the list. */
    public Skip {
      recentlyRemovedDateRanges = List.copyOf(recentlyRemovedDateRanges);
    }
  }

  /**
   * A resource the client may request before it is needed, as defined by #EXT-X-PRELOAD-HINT.
   *
   * @param type what it is, as defined by the TYPE attribute
   * @param uri where it is, as defined by the URI attribute
   * @param byteRangeStart the first byte, as defined by BYTERANGE-START (0 when absent)
   * @param byteRangeLength how many bytes, as defined by BYTERANGE-LENGTH (to the end when absent)
   */
  public record PreloadHint(HintType type, String uri, long byteRangeStart, OptionalLong byteRangeLength) {

    /** Requires every component. */
    public PreloadHint {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(byteRangeLength, "byteRangeLength");
    }

    /** The values of the TYPE attribute of #EXT-X-PRELOAD-HINT. */
    public enum HintType {
      /** A partial segment. */
      PART,
      /** A media initialization section. */
      MAP
    }
  }

  /**
   * The state of another rendition of the same content, as defined by #EXT-X-RENDITION-REPORT.
   *
   * @param uri the other rendition's media playlist, as defined by the URI attribute
   * @param lastMsn its last media sequence number, as defined by LAST-MSN
   * @param lastPart its last partial segment index, as defined by LAST-PART
   */
  public record RenditionReport(String uri, OptionalLong lastMsn, OptionalLong lastPart) {

    /** Requires every component. */
    public RenditionReport {
      Objects.requireNonNull(uri, "uri");
      Objects.requireNonNull(lastMsn, "lastMsn");
      Objects.requireNonNull(lastPart, "lastPart");
    }
  }
}
