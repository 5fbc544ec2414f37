package dev.kanal.playlist;

import dev.kanal.playlist.MediaPlaylist.Context;
import dev.kanal.playlist.MediaPlaylist.DateRange;
import dev.kanal.playlist.MediaPlaylist.InitSection;
import dev.kanal.playlist.MediaPlaylist.LowLatency;
import dev.kanal.playlist.MediaPlaylist.Part;
import dev.kanal.playlist.MediaPlaylist.PartInf;
import dev.kanal.playlist.MediaPlaylist.PlaylistType;
import dev.kanal.playlist.MediaPlaylist.PreloadHint;
import dev.kanal.playlist.MediaPlaylist.RenditionReport;
import dev.kanal.playlist.MediaPlaylist.Segment;
import dev.kanal.playlist.MediaPlaylist.ServerControl;
import dev.kanal.playlist.MediaPlaylist.Skip;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads the tags of a media playlist (RFC 8216bis 4.4.3 to 4.4.5), one segment at a time. */
final class HlsMediaParser extends HlsParser {

  private static final PreloadHint.HintType[] HINT_TYPES = PreloadHint.HintType.values();
  private static final String[] HINT_TYPE_TEXTS = {"PART", "MAP"};
  private static final int ONCE_NO_COMMA = 0;
  private static final int ONCE_SEQUENCE_LATE = 1;

  // Playlist tags.
  private long targetDuration = -1;
  private long mediaSequence;
  private boolean sawMediaSequence;
  private long discontinuitySequence;
  private boolean sawDiscontinuitySequence;
  private PlaylistType playlistType;
  private boolean endList;
  private boolean iFramesOnly;
  private PartInf partInf;
  private ServerControl serverControl;
  private Skip skip;
  private final List<PreloadHint> preloadHints = new ArrayList<>();
  private final List<RenditionReport> renditionReports = new ArrayList<>();
  private final List<Segment> segments = new ArrayList<>();
  private long nextSequence;

  // Tags that apply until replaced.
  private Context context = Context.NONE;
  private boolean contextChanged;
  private List<HlsKey> keys = List.of();
  private InitSection map;
  private long bitrate = -1;

  // The segment being read.
  private boolean hasExtinf;
  private int extinfLine;
  private BigDecimal duration;
  private Optional<String> title = Optional.empty();
  private long rangeLength = -1;
  private long rangeOffset = -1;
  private int rangeLine;
  private boolean discontinuity;
  private boolean gap;
  private OffsetDateTime programDateTime;
  private List<DateRange> dateRanges;
  private List<Part> parts;
  /** Tags of the segment being read, kept verbatim in case no segment follows them. */
  private String[] pendingTexts = new String[0];
  private int[] pendingLines = new int[0];
  private int pendingCount;

  // The previous #EXTINF, whose duration is reused when the next one is written the same.
  private String previousExtinf;
  private int previousDurationEnd;
  private BigDecimal previousDuration;

  // The last n[@o] read by parseRange (-1: no offset).
  private long parsedLength;
  private long parsedOffset;

  private final Ranges segmentRanges = new Ranges(false);
  private final Ranges partRanges = new Ranges(true);

  HlsMediaParser(ParseOptions options) {
    super(options);
  }

  MediaPlaylist build() {
    LowLatency lowLatency = partInf == null && serverControl == null && skip == null && parts == null
        && preloadHints.isEmpty() && renditionReports.isEmpty()
        ? LowLatency.NONE
        : new LowLatency(opt(partInf), opt(serverControl), opt(skip), parts == null ? List.of() : parts,
            preloadHints, renditionReports);
    return new MediaPlaylist(header(), optLong(targetDuration), mediaSequence, discontinuitySequence,
        opt(playlistType), endList, iFramesOnly, lowLatency, segments, unknownTags, problems.toList());
  }

  @Override
  String kindName() {
    return "media";
  }

  @Override
  int position() {
    return segments.size();
  }

  @Override
  boolean tag(int id, String text, int valueStart) throws PlaylistParseException {
    switch (id) {
      case HlsTags.EXTINF -> extinf(text, valueStart);
      case HlsTags.EXT_X_BYTERANGE -> byteRange(text, valueStart);
      case HlsTags.EXT_X_DISCONTINUITY -> discontinuity(text);
      case HlsTags.EXT_X_KEY -> key(text, valueStart);
      case HlsTags.EXT_X_MAP -> map(text, valueStart);
      case HlsTags.EXT_X_PROGRAM_DATE_TIME -> programDateTime(text, valueStart);
      case HlsTags.EXT_X_GAP -> gap(text);
      case HlsTags.EXT_X_BITRATE -> bitrate(text, valueStart);
      case HlsTags.EXT_X_PART -> part(text, valueStart);
      case HlsTags.EXT_X_DATERANGE -> dateRange(text, valueStart);
      case HlsTags.EXT_X_SKIP -> skip(text, valueStart);
      case HlsTags.EXT_X_PRELOAD_HINT -> preloadHint(text, valueStart);
      case HlsTags.EXT_X_RENDITION_REPORT -> renditionReport(text, valueStart);
      case HlsTags.EXT_X_TARGETDURATION -> targetDuration(text, valueStart);
      case HlsTags.EXT_X_MEDIA_SEQUENCE -> mediaSequence(text, valueStart);
      case HlsTags.EXT_X_DISCONTINUITY_SEQUENCE -> discontinuitySequence(text, valueStart);
      case HlsTags.EXT_X_ENDLIST -> endList = true;
      case HlsTags.EXT_X_PLAYLIST_TYPE -> playlistType(text, valueStart);
      case HlsTags.EXT_X_I_FRAMES_ONLY -> iFramesOnly = true;
      case HlsTags.EXT_X_PART_INF -> partInf(text, valueStart);
      case HlsTags.EXT_X_SERVER_CONTROL -> serverControl(text, valueStart);
      default -> {
        return false;
      }
    }
    return true;
  }

  // ---- segments ----

  @Override
  void uri(String text) throws PlaylistParseException {
    if (!hasExtinf) {
      warn("URI line without #EXTINF is ignored: " + text);
      resetSegment();
      return;
    }
    String uri = substitute(text);
    Optional<HlsByteRange> range;
    if (rangeLength >= 0) {
      range = Optional.of(segmentRanges.resolve(rangeLine, uri, rangeLength, rangeOffset));
    } else {
      range = Optional.empty();
      segmentRanges.noRange();
    }
    if (segments.isEmpty()) {
      nextSequence = mediaSequence + (skip == null ? 0 : skip.skippedSegments());
    }
    if (contextChanged) {
      context = new Context(keys, opt(map), optLong(bitrate));
      contextChanged = false;
    }
    segments.add(new Segment(extinfLine, nextSequence++, uri, duration, title, range, discontinuity, gap,
        opt(programDateTime), context, dateRanges == null ? List.of() : dateRanges,
        parts == null ? List.of() : parts));
    resetSegment();
  }

  private void resetSegment() {
    hasExtinf = false;
    duration = null;
    title = Optional.empty();
    rangeLength = -1;
    rangeOffset = -1;
    discontinuity = false;
    gap = false;
    programDateTime = null;
    dateRanges = null;
    parts = null;
    pendingCount = 0;
  }

  @Override
  void end() throws PlaylistParseException {
    if (hasExtinf) {
      warnAt(extinfLine, "#EXTINF is not followed by a URI line");
    }
    // Tags after the last segment describe a segment that is not there (yet): keep them verbatim.
    for (int i = 0; i < pendingCount; i++) {
      unknownTags.add(new HlsUnknownTag(pendingLines[i], segments.size(), pendingTexts[i]));
    }
  }

  private void pending(String text) {
    if (pendingCount == pendingTexts.length) {
      int size = Math.max(8, pendingCount * 2);
      pendingTexts = Arrays.copyOf(pendingTexts, size);
      pendingLines = Arrays.copyOf(pendingLines, size);
    }
    pendingTexts[pendingCount] = text;
    pendingLines[pendingCount] = lineNumber;
    pendingCount++;
  }

  private void extinf(String text, int valueStart) throws PlaylistParseException {
    if (hasExtinf) {
      warnAt(extinfLine, "#EXTINF is not followed by a URI line");
      hasExtinf = false;
    }
    pending(text);
    if (valueStart < 0) {
      warn("#EXTINF has no duration");
      return;
    }
    int comma = text.indexOf(',', valueStart);
    int end = comma < 0 ? text.length() : comma;
    if (comma < 0) {
      warnOnce(ONCE_NO_COMMA, "#EXTINF has no comma after the duration");
    }
    BigDecimal value;
    String previous = previousExtinf;
    if (previous != null && previousDurationEnd == end
        && text.regionMatches(valueStart, previous, valueStart, end - valueStart)) {
      value = previousDuration;
    } else {
      value = HlsValues.parseDecimal(text, valueStart, end, true);
      if (value == null) {
        String trimmed = text.substring(valueStart, end).strip();
        value = HlsValues.parseDecimal(trimmed, 0, trimmed.length(), true);
        if (value == null) {
          warn("#EXTINF duration is not a decimal-floating-point: " + text.substring(valueStart, end));
          return;
        }
        warn("white space around the #EXTINF duration");
      }
      if (value.signum() < 0) {
        warn("#EXTINF duration is negative: " + value.toPlainString());
      }
      previousExtinf = text;
      previousDurationEnd = end;
      previousDuration = value;
    }
    hasExtinf = true;
    extinfLine = lineNumber;
    duration = value;
    if (comma >= 0 && comma + 1 < text.length()) {
      String t = text.substring(comma + 1).strip();
      title = t.isEmpty() ? Optional.empty() : Optional.of(t);
    } else {
      title = Optional.empty();
    }
  }

  private void byteRange(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    if (valueStart < 0) {
      warn("#EXT-X-BYTERANGE has no value");
      return;
    }
    if (parseRange(text, valueStart, text.length(), "#EXT-X-BYTERANGE")) {
      rangeLength = parsedLength;
      rangeOffset = parsedOffset;
      rangeLine = lineNumber;
    }
  }

  /** Reads {@code n[@o]} into parsedLength and parsedOffset (-1 when absent); false after a warning. */
  private boolean parseRange(String s, int from, int to, String what) throws PlaylistParseException {
    int at = s.indexOf('@', from);
    if (at >= to) {
      at = -1;
    }
    parsedLength = HlsValues.parseDecimalInteger(s, from, at < 0 ? to : at);
    parsedOffset = at < 0 ? -1 : HlsValues.parseDecimalInteger(s, at + 1, to);
    if (parsedLength < 0 || (at >= 0 && parsedOffset < 0)) {
      warn(what + " is not a byte range n[@o]: " + s.substring(from, to));
      return false;
    }
    return true;
  }

  private void discontinuity(String text) {
    pending(text);
    discontinuity = true;
  }

  private void gap(String text) {
    pending(text);
    gap = true;
  }

  private void programDateTime(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    if (valueStart < 0) {
      warn("#EXT-X-PROGRAM-DATE-TIME has no value");
      return;
    }
    OffsetDateTime value = dateTime(text.substring(valueStart), "#EXT-X-PROGRAM-DATE-TIME");
    if (value != null) {
      programDateTime = value;
    }
  }

  private void key(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    attributes(text, valueStart);
    HlsKey.Method method = keyMethod();
    if (method == null) {
      return;
    }
    if (method == HlsKey.Method.NONE) {
      if (attrs.size() > 1) {
        warn("#EXT-X-KEY with METHOD=NONE must have no other attribute");
      }
      if (!keys.isEmpty()) {
        keys = List.of();
        contextChanged = true;
      }
      return;
    }
    HlsKey key = key(method);
    List<HlsKey> next = new ArrayList<>(keys.size() + 1);
    boolean replaced = false;
    for (HlsKey k : keys) {
      if (k.effectiveKeyFormat().equals(key.effectiveKeyFormat())) {
        next.add(key);
        replaced = true;
      } else {
        next.add(k);
      }
    }
    if (!replaced) {
      next.add(key);
    }
    keys = List.copyOf(next);
    contextChanged = true;
  }

  private void map(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    attributes(text, valueStart);
    String uri = requireString(attrs, "URI");
    if (uri == null) {
      return;
    }
    Optional<HlsByteRange> range = Optional.empty();
    int k = attrs.indexOf("BYTERANGE");
    if (k >= 0) {
      if (!attrs.quoted(k)) {
        warn("BYTERANGE should be a quoted-string");
      }
      if (!parseRange(attrs.line(), attrs.valueStart(k), attrs.valueEnd(k), "BYTERANGE of #EXT-X-MAP")) {
        return;
      }
      if (parsedOffset < 0) {
        warn("BYTERANGE of #EXT-X-MAP has no offset; 0 is assumed");
      }
      range = Optional.of(new HlsByteRange(parsedLength, Math.max(parsedOffset, 0)));
    }
    map = new InitSection(uri, range);
    contextChanged = true;
  }

  private void bitrate(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    long value = requireTagInteger(text, valueStart);
    if (value >= 0) {
      bitrate = value;
      contextChanged = true;
    }
  }

  private void part(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    String uri = requireString(attrs, "URI");
    BigDecimal partDuration = requireDecimal(attrs, "DURATION");
    if (uri == null || partDuration == null) {
      return;
    }
    Optional<HlsByteRange> range = Optional.empty();
    int k = attrs.indexOf("BYTERANGE");
    if (k >= 0) {
      if (!attrs.quoted(k)) {
        warn("BYTERANGE should be a quoted-string");
      }
      if (parseRange(attrs.line(), attrs.valueStart(k), attrs.valueEnd(k), "BYTERANGE of #EXT-X-PART")) {
        range = Optional.of(partRanges.resolve(lineNumber, uri, parsedLength, parsedOffset));
      }
    } else {
      partRanges.noRange();
    }
    if (parts == null) {
      parts = new ArrayList<>();
    }
    parts.add(new Part(lineNumber, uri, partDuration, optionalYesNo(attrs, "INDEPENDENT"), range,
        optionalYesNo(attrs, "GAP")));
  }

  private void dateRange(String text, int valueStart) throws PlaylistParseException {
    pending(text);
    attributes(text, valueStart);
    String id = requireString(attrs, "ID");
    if (id == null) {
      return;
    }
    List<String> cue = List.of();
    String cueText = optionalString(attrs, "CUE");
    if (cueText != null) {
      cue = List.of(cueText.split(",", -1));
      for (String c : cue) {
        if (!c.equals("PRE") && !c.equals("POST") && !c.equals("ONCE")) {
          warn("unknown CUE value \"" + c + "\"");
        }
      }
    }
    boolean endOnNext = false;
    String endOnNextText = optionalEnum(attrs, "END-ON-NEXT");
    if (endOnNextText != null) {
      endOnNext = endOnNextText.equals("YES");
      if (!endOnNext) {
        warn("END-ON-NEXT must be YES, not " + endOnNextText);
      }
    }
    List<DateRange.Attribute> others = new ArrayList<>(2);
    for (int k = 0; k < attrs.size(); k++) {
      String name = attrs.name(k);
      switch (name) {
        case "ID", "CLASS", "START-DATE", "CUE", "END-DATE", "DURATION", "PLANNED-DURATION", "END-ON-NEXT" -> { }
        default -> {
          boolean quoted = attrs.quoted(k);
          String value = quoted ? substitute(attrs.value(k)) : attrs.value(k);
          if (!quoted && value.indexOf('"') >= 0) {
            warn(name + " is neither a quoted-string nor a plain value: " + value);
            continue;
          }
          if (name.startsWith("SCTE35-") && (quoted
              || !HlsValues.isHexSequence(attrs.line(), attrs.valueStart(k), attrs.valueEnd(k)))) {
            warn(name + " is not a hexadecimal-sequence");
          }
          others.add(new DateRange.Attribute(name, value, quoted));
        }
      }
    }
    if (dateRanges == null) {
      dateRanges = new ArrayList<>(2);
    }
    dateRanges.add(new DateRange(lineNumber, id, opt(optionalString(attrs, "CLASS")),
        opt(optionalDate(attrs, "START-DATE")), opt(optionalDate(attrs, "END-DATE")),
        opt(optionalDecimal(attrs, "DURATION")), opt(optionalDecimal(attrs, "PLANNED-DURATION")), cue, endOnNext,
        others));
  }

  // ---- playlist tags ----

  private void targetDuration(String text, int valueStart) throws PlaylistParseException {
    long value = requireTagInteger(text, valueStart);
    if (value < 0) {
      return;
    }
    if (targetDuration >= 0) {
      if (value != targetDuration) {
        warn("#EXT-X-TARGETDURATION appears more than once; the first is used");
      }
      return;
    }
    targetDuration = value;
  }

  private void mediaSequence(String text, int valueStart) throws PlaylistParseException {
    long value = requireTagInteger(text, valueStart);
    if (value < 0) {
      return;
    }
    if (!segments.isEmpty() || hasExtinf) {
      warnOnce(ONCE_SEQUENCE_LATE, "#EXT-X-MEDIA-SEQUENCE after the first segment is ignored");
      return;
    }
    if (sawMediaSequence) {
      if (value != mediaSequence) {
        warn("#EXT-X-MEDIA-SEQUENCE appears more than once; the first is used");
      }
      return;
    }
    sawMediaSequence = true;
    mediaSequence = value;
  }

  private void discontinuitySequence(String text, int valueStart) throws PlaylistParseException {
    long value = requireTagInteger(text, valueStart);
    if (value < 0) {
      return;
    }
    if (!segments.isEmpty() || hasExtinf) {
      warn("#EXT-X-DISCONTINUITY-SEQUENCE after the first segment is ignored");
      return;
    }
    if (sawDiscontinuitySequence) {
      warn("#EXT-X-DISCONTINUITY-SEQUENCE appears more than once; the first is used");
      return;
    }
    sawDiscontinuitySequence = true;
    discontinuitySequence = value;
  }

  private void playlistType(String text, int valueStart) throws PlaylistParseException {
    if (valueStart < 0) {
      warn("#EXT-X-PLAYLIST-TYPE has no value");
      return;
    }
    String value = text.substring(valueStart);
    PlaylistType type = switch (value) {
      case "VOD" -> PlaylistType.VOD;
      case "EVENT" -> PlaylistType.EVENT;
      default -> null;
    };
    if (type == null) {
      warn("unknown #EXT-X-PLAYLIST-TYPE \"" + value + "\"");
    } else if (playlistType != null && playlistType != type) {
      warn("#EXT-X-PLAYLIST-TYPE appears more than once; the first is used");
    } else {
      playlistType = type;
    }
  }

  private void partInf(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    BigDecimal target = requireDecimal(attrs, "PART-TARGET");
    if (target != null && partInf == null) {
      partInf = new PartInf(target);
    }
  }

  private void serverControl(String text, int valueStart) throws PlaylistParseException {
    if (valueStart < 0 || valueStart == text.length()) {
      // Every attribute is optional, so an empty list says "nothing special".
      attrs.parse("", 0);
    } else {
      attributes(text, valueStart);
    }
    if (serverControl != null) {
      warn("#EXT-X-SERVER-CONTROL appears more than once; the first is used");
      return;
    }
    serverControl = new ServerControl(opt(optionalDecimal(attrs, "CAN-SKIP-UNTIL")),
        optionalYesNo(attrs, "CAN-SKIP-DATERANGES"), opt(optionalDecimal(attrs, "HOLD-BACK")),
        opt(optionalDecimal(attrs, "PART-HOLD-BACK")), optionalYesNo(attrs, "CAN-BLOCK-RELOAD"));
  }

  private void skip(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    long skipped = requireLong(attrs, "SKIPPED-SEGMENTS");
    if (skipped < 0) {
      return;
    }
    if (!segments.isEmpty() || hasExtinf) {
      warn("#EXT-X-SKIP after the first segment is ignored");
      return;
    }
    String removed = optionalString(attrs, "RECENTLY-REMOVED-DATERANGES");
    skip = new Skip(skipped, removed == null || removed.isEmpty() ? List.of() : List.of(removed.split("\t")));
  }

  private void preloadHint(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    PreloadHint.HintType type = requireEnum(attrs, "TYPE", HINT_TYPES, HINT_TYPE_TEXTS);
    String uri = requireString(attrs, "URI");
    if (type == null || uri == null) {
      return;
    }
    long start = optionalLong(attrs, "BYTERANGE-START");
    preloadHints.add(new PreloadHint(type, uri, Math.max(start, 0), optLong(optionalLong(attrs, "BYTERANGE-LENGTH"))));
  }

  private void renditionReport(String text, int valueStart) throws PlaylistParseException {
    attributes(text, valueStart);
    String uri = requireString(attrs, "URI");
    if (uri == null) {
      return;
    }
    renditionReports.add(new RenditionReport(uri, optLong(optionalLong(attrs, "LAST-MSN")),
        optLong(optionalLong(attrs, "LAST-PART"))));
  }

  /** How far back an implicit byte range offset looks for an earlier sub-range of the same resource. */
  private static final int MAX_LOOK_BACK = 1000;

  /** The end of the last sub-range of {@code uri} among the last segments (or their parts), or -1. */
  private long earlierEnd(String uri, boolean ofParts) {
    if (ofParts && parts != null) {
      for (int i = parts.size() - 1; i >= 0; i--) {
        Part p = parts.get(i);
        if (p.uri().equals(uri) && p.byteRange().isPresent()) {
          return p.byteRange().get().end();
        }
      }
    }
    int stop = Math.max(0, segments.size() - MAX_LOOK_BACK);
    for (int i = segments.size() - 1; i >= stop; i--) {
      Segment s = segments.get(i);
      if (ofParts) {
        for (int j = s.parts().size() - 1; j >= 0; j--) {
          Part p = s.parts().get(j);
          if (p.uri().equals(uri) && p.byteRange().isPresent()) {
            return p.byteRange().get().end();
          }
        }
      } else if (s.uri().equals(uri) && s.byteRange().isPresent()) {
        return s.byteRange().get().end();
      }
    }
    return -1;
  }

  /**
   * Resolves byte ranges without an offset: RFC 8216bis 4.4.4.2 continues the sub-range of the
   * immediately preceding segment (or part) of the same resource; anything else is warned about and
   * continues the last earlier sub-range of that resource, or starts at 0.
   */
  private final class Ranges {
    private final boolean ofParts;
    private String previousUri;
    private long previousEnd;

    Ranges(boolean ofParts) {
      this.ofParts = ofParts;
    }

    HlsByteRange resolve(int line, String uri, long length, long offset) throws PlaylistParseException {
      long start = offset;
      if (start < 0) {
        if (uri.equals(previousUri)) {
          start = previousEnd;
        } else {
          long end = earlierEnd(uri, ofParts);
          start = Math.max(end, 0);
          warnAt(line, "byte range without offset does not follow a sub-range of the same resource; "
              + (end < 0 ? "offset 0 is assumed" : "it continues the last sub-range of " + uri));
        }
      }
      previousUri = uri;
      previousEnd = start + length;
      return new HlsByteRange(length, start);
    }

    void noRange() {
      previousUri = null;
    }
  }
}
