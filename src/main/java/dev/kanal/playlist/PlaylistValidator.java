package dev.kanal.playlist;

import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MediaPlaylist.DateRange;
import dev.kanal.playlist.MediaPlaylist.Part;
import dev.kanal.playlist.MediaPlaylist.Segment;
import dev.kanal.playlist.MediaPlaylist.ServerControl;
import dev.kanal.playlist.ValidationIssue.Severity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks playlists against RFC 8216 / RFC 8216bis (ERROR for every violated MUST it knows) and the
 * Apple HLS Authoring Specification (WARNING for its recommendations).
 */
public final class PlaylistValidator {

  /** At most this many findings of one code are listed; one more finding counts the rest. */
  private static final int MAX_PER_CODE = 50;
  /** Codes listed in full: the parser already bounds its warnings, and IPTV entries are wanted one by one. */
  private static final Set<String> UNCAPPED = Set.of("SYNTAX", "PARSE", "IPTV-URL-MISSING");
  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  private static final BigDecimal THREE = BigDecimal.valueOf(3);
  private static final BigDecimal SIX = BigDecimal.valueOf(6);
  private static final Set<String> VIDEO_CODECS =
      Set.of("avc1", "avc3", "hvc1", "hev1", "dvh1", "dvhe", "dva1", "dvav", "av01", "vp09", "mp4v");

  private final List<ValidationIssue> issues = new ArrayList<>();
  private final Map<String, Integer> perCode = new HashMap<>();
  /** The first use of each feature that needs a protocol version above 1: feature -> {version, line}. */
  private final Map<String, int[]> features = new LinkedHashMap<>();
  /** The segment context checked last; consecutive segments share one. */
  private MediaPlaylist.Context lastContext;

  private PlaylistValidator() {}

  /**
   * Checks one playlist of any kind. What the lenient HLS parser tolerated breaks the RFC's syntax and
   * comes first as ERRORs with code {@code SYNTAX}; an IPTV list's parse warnings come as WARNINGs with
   * code {@code PARSE} (extended M3U has no specification to break).
   */
  public static List<ValidationIssue> validate(Playlist playlist) {
    PlaylistValidator v = new PlaylistValidator();
    boolean hls = !(playlist instanceof IptvPlaylist);
    for (ParseWarning w : playlist.warnings()) {
      v.add(hls ? Severity.ERROR : Severity.WARNING, w.line(), hls ? "SYNTAX" : "PARSE", w.message());
    }
    switch (playlist) {
      case MasterPlaylist m -> v.master(m);
      case MediaPlaylist m -> v.media(m);
      case IptvPlaylist p -> v.iptv(p);
    }
    return v.result();
  }

  /**
   * Checks that {@code next} is a legal reload of {@code previous} (RFC 8216bis 6.2.1 and 6.2.2): the
   * media sequence does not go back, segments keep their URI and duration, the discontinuity sequence
   * counts the discontinuities removed, the target duration and playlist type do not change, and an
   * ended playlist does not change at all.
   */
  public static List<ValidationIssue> validateReload(MediaPlaylist previous, MediaPlaylist next) {
    PlaylistValidator v = new PlaylistValidator();
    v.reload(previous, next);
    return v.result();
  }

  private List<ValidationIssue> result() {
    List<ValidationIssue> all = new ArrayList<>(issues);
    perCode.forEach((code, count) -> {
      if (count > MAX_PER_CODE) {
        all.add(new ValidationIssue(Severity.WARNING, 0, code, (count - MAX_PER_CODE) + " more " + code
            + " findings left out"));
      }
    });
    return List.copyOf(all);
  }

  private void add(Severity severity, int line, String code, String message) {
    int count = UNCAPPED.contains(code) ? 0 : perCode.merge(code, 1, Integer::sum);
    if (count <= MAX_PER_CODE) {
      issues.add(new ValidationIssue(severity, line, code, message));
    }
  }

  private void error(int line, String code, String message) {
    add(Severity.ERROR, line, code, message);
  }

  private void warning(int line, String code, String message) {
    add(Severity.WARNING, line, code, message);
  }

  /** Notes the first use of a feature that needs a compatibility version (RFC 8216bis section 7). */
  private void needs(int version, int line, String feature) {
    features.putIfAbsent(feature, new int[] {version, line});
  }

  private void checkVersion(HlsHeader header) {
    int declared = header.version().orElse(1);
    features.forEach((feature, use) -> {
      if (use[0] > declared) {
        error(use[1], "VERSION-TOO-LOW", feature + " needs EXT-X-VERSION " + use[0] + " or higher, but the playlist "
            + (header.version().isPresent() ? "declares " + declared : "has no EXT-X-VERSION (version 1)"));
      }
    });
  }

  private void header(HlsHeader header) {
    for (HlsHeader.Define d : header.defines()) {
      needs(8, 0, "EXT-X-DEFINE");
      if (d.source() == HlsHeader.Define.Source.QUERYPARAM) {
        needs(11, 0, "EXT-X-DEFINE:QUERYPARAM");
      }
    }
  }

  private void keyFeatures(HlsKey key, int line, String tag) {
    if (key.uri().isEmpty()) {
      error(line, "KEY-URI-MISSING", tag + " with METHOD=" + key.method().text() + " has no URI");
    }
    key.iv().ifPresent(iv -> {
      needs(2, line, "the IV attribute of " + tag);
      if (iv.length() != 34) {
        error(line, "KEY-IV-LENGTH", "IV must be 128 bits (32 hexadecimal digits): " + iv);
      }
    });
    if (key.keyFormat().isPresent() || key.keyFormatVersions().isPresent()) {
      needs(5, line, "KEYFORMAT and KEYFORMATVERSIONS");
    }
    if (key.method() != HlsKey.Method.AES_128) {
      needs(5, line, "METHOD=" + key.method().text());
    }
  }

  // ---- multivariant ----

  private void master(MasterPlaylist p) {
    header(p.header());
    Map<RenditionType, Set<String>> groups = new HashMap<>();
    renditions(p.renditions(), groups);
    for (HlsKey k : p.sessionKeys()) {
      keyFeatures(k, 0, "EXT-X-SESSION-KEY");
    }
    sessionData(p.sessionData());
    boolean anyNone = false;
    boolean allNone = true;
    boolean anyVideo = false;
    for (Variant v : p.variants()) {
      streamInfo(v.stream(), v.line(), "EXT-X-STREAM-INF");
      anyNone |= v.groups().closedCaptionsNone();
      allNone &= v.groups().closedCaptionsNone();
      checkGroup(groups, RenditionType.AUDIO, v.groups().audio(), v.line());
      checkGroup(groups, RenditionType.VIDEO, v.groups().video(), v.line());
      checkGroup(groups, RenditionType.SUBTITLES, v.groups().subtitles(), v.line());
      checkGroup(groups, RenditionType.CLOSED_CAPTIONS, v.groups().closedCaptions(), v.line());
      StreamInfo s = v.stream();
      if (s.codecs().isEmpty()) {
        warning(v.line(), "APPLE-CODECS", "variant should have a CODECS attribute");
      }
      if (s.averageBandwidth().isEmpty()) {
        warning(v.line(), "APPLE-AVERAGE-BANDWIDTH", "variant should have an AVERAGE-BANDWIDTH attribute");
      }
      if (hasVideo(s)) {
        anyVideo = true;
        if (s.resolution().isEmpty()) {
          warning(v.line(), "APPLE-RESOLUTION", "video variant should have a RESOLUTION attribute");
        }
        if (v.frameRate().isEmpty()) {
          warning(v.line(), "APPLE-FRAME-RATE", "video variant should have a FRAME-RATE attribute");
        }
      }
    }
    if (anyNone && !allNone) {
      error(0, "CLOSED-CAPTIONS-NONE-MIXED",
          "when one EXT-X-STREAM-INF has CLOSED-CAPTIONS=NONE, every EXT-X-STREAM-INF must");
    }
    for (IFrameVariant v : p.iframeVariants()) {
      streamInfo(v.stream(), v.line(), "EXT-X-I-FRAME-STREAM-INF");
      checkGroup(groups, RenditionType.VIDEO, v.video(), v.line());
    }
    if (!p.header().independentSegments() && !p.variants().isEmpty()) {
      warning(0, "APPLE-INDEPENDENT-SEGMENTS", "multivariant playlist should have EXT-X-INDEPENDENT-SEGMENTS");
    }
    if (anyVideo && p.iframeVariants().isEmpty()) {
      warning(0, "APPLE-IFRAME-PLAYLISTS", "video content should offer I-frame playlists (EXT-X-I-FRAME-STREAM-INF)");
    }
    checkVersion(p.header());
  }

  private void streamInfo(StreamInfo s, int line, String tag) {
    if (s.bandwidth().isEmpty()) {
      error(line, "BANDWIDTH-MISSING", tag + " has no BANDWIDTH attribute");
    }
    if (s.reqVideoLayout().isPresent()) {
      needs(12, line, "REQ-VIDEO-LAYOUT");
    }
  }

  private static boolean hasVideo(StreamInfo s) {
    if (s.resolution().isPresent()) {
      return true;
    }
    if (s.codecs().isEmpty()) {
      return false;
    }
    for (String codec : s.codecs().get().split(",")) {
      String c = codec.strip();
      int dot = c.indexOf('.');
      if (VIDEO_CODECS.contains(dot < 0 ? c : c.substring(0, dot))) {
        return true;
      }
    }
    return false;
  }

  private void checkGroup(Map<RenditionType, Set<String>> groups, RenditionType type, Optional<String> groupId,
      int line) {
    if (groupId.isPresent() && !groups.getOrDefault(type, Set.of()).contains(groupId.get())) {
      error(line, "GROUP-MISSING", "no EXT-X-MEDIA with TYPE=" + type.text() + " and GROUP-ID=\"" + groupId.get()
          + "\"");
    }
  }

  private void renditions(List<Rendition> renditions, Map<RenditionType, Set<String>> groups) {
    Map<String, Set<String>> namesByGroup = new HashMap<>();
    Set<String> defaults = new HashSet<>();
    for (Rendition r : renditions) {
      groups.computeIfAbsent(r.type(), t -> new HashSet<>()).add(r.groupId());
      String group = r.type().text() + "/" + r.groupId();
      if (r.name().isEmpty()) {
        error(r.line(), "MEDIA-NAME-MISSING", "EXT-X-MEDIA has no NAME attribute");
      } else if (!namesByGroup.computeIfAbsent(group, g -> new HashSet<>()).add(r.name().get())) {
        error(r.line(), "MEDIA-NAME-DUPLICATE", "another member of group \"" + r.groupId() + "\" has NAME \""
            + r.name().get() + "\"");
      }
      if (r.selection().isDefault() && !defaults.add(group)) {
        error(r.line(), "MEDIA-DEFAULT-DUPLICATE", "group \"" + r.groupId() + "\" has more than one DEFAULT=YES member");
      }
      if (r.selection().isDefault() && !r.selection().autoselect()) {
        warning(r.line(), "APPLE-DEFAULT-AUTOSELECT", "a DEFAULT=YES rendition should have AUTOSELECT=YES");
      }
      if (r.selection().forced() && r.type() != RenditionType.SUBTITLES) {
        error(r.line(), "MEDIA-FORCED", "FORCED is only allowed with TYPE=SUBTITLES");
      }
      if (r.type() == RenditionType.CLOSED_CAPTIONS) {
        if (r.instreamId().isEmpty()) {
          error(r.line(), "MEDIA-INSTREAM-ID-MISSING", "TYPE=CLOSED-CAPTIONS needs INSTREAM-ID");
        }
        if (r.uri().isPresent()) {
          error(r.line(), "MEDIA-CC-URI", "TYPE=CLOSED-CAPTIONS must not have a URI");
        }
      } else if (r.instreamId().isPresent()) {
        error(r.line(), "MEDIA-INSTREAM-ID", "INSTREAM-ID is only allowed with TYPE=CLOSED-CAPTIONS");
      }
      if (r.instreamId().isPresent() && r.instreamId().get().startsWith("SERVICE")) {
        needs(7, r.line(), "INSTREAM-ID=SERVICEn");
      }
      if (r.type() == RenditionType.SUBTITLES && r.uri().isEmpty()) {
        error(r.line(), "MEDIA-URI-MISSING", "TYPE=SUBTITLES needs a URI");
      }
    }
  }

  private void sessionData(List<SessionData> data) {
    Set<String> seen = new HashSet<>();
    for (SessionData d : data) {
      if (d.value().isPresent() == d.uri().isPresent()) {
        error(d.line(), "SESSION-DATA-VALUE-URI", "EXT-X-SESSION-DATA needs exactly one of VALUE and URI");
      }
      if (!seen.add(d.dataId() + "\u0000" + d.language().orElse(""))) {
        error(d.line(), "SESSION-DATA-DUPLICATE", "another EXT-X-SESSION-DATA has DATA-ID \"" + d.dataId()
            + "\" and the same LANGUAGE");
      }
    }
  }

  // ---- media ----

  private void media(MediaPlaylist p) {
    header(p.header());
    if (p.targetDurationSeconds().isEmpty()) {
      error(0, "TARGETDURATION-MISSING", "media playlist has no EXT-X-TARGETDURATION");
    } else if (p.targetDurationSeconds().getAsLong() != 6) {
      warning(0, "APPLE-TARGET-DURATION", "target duration should be 6 seconds, is "
          + p.targetDurationSeconds().getAsLong());
    }
    if (p.iFramesOnly()) {
      needs(4, 0, "EXT-X-I-FRAMES-ONLY");
    }
    if (p.endList() && p.playlistType().isEmpty()) {
      warning(0, "APPLE-PLAYLIST-TYPE", "a VOD playlist (with EXT-X-ENDLIST) should have EXT-X-PLAYLIST-TYPE:VOD");
    }
    if (p.playlistType().orElse(null) == MediaPlaylist.PlaylistType.VOD && !p.endList()) {
      warning(0, "APPLE-VOD-ENDLIST", "EXT-X-PLAYLIST-TYPE:VOD playlist should end with EXT-X-ENDLIST");
    }
    BigDecimal partTarget = p.lowLatency().partInf().map(MediaPlaylist.PartInf::partTargetSeconds).orElse(null);
    boolean anyProgramDateTime = false;
    DateRange firstRange = null;
    for (Segment s : p.segments()) {
      segment(p, s, partTarget);
      anyProgramDateTime |= s.programDateTime().isPresent();
      for (DateRange d : s.dateRanges()) {
        dateRange(d);
        if (firstRange == null) {
          firstRange = d;
        }
      }
    }
    for (Part part : p.lowLatency().trailingParts()) {
      part(part, partTarget);
    }
    if (firstRange != null && !anyProgramDateTime) {
      error(firstRange.line(), "DATERANGE-WITHOUT-PROGRAM-DATE-TIME",
          "a playlist with EXT-X-DATERANGE needs at least one EXT-X-PROGRAM-DATE-TIME");
    }
    lowLatency(p);
    checkVersion(p.header());
  }

  private void segment(MediaPlaylist p, Segment s, BigDecimal partTarget) {
    BigDecimal d = s.durationSeconds();
    if (d.signum() < 0) {
      error(s.line(), "EXTINF-NEGATIVE", "EXTINF duration is negative: " + d.toPlainString());
    }
    if (p.targetDurationSeconds().isPresent()) {
      long target = p.targetDurationSeconds().getAsLong();
      if (d.setScale(0, RoundingMode.HALF_UP).compareTo(BigDecimal.valueOf(target)) > 0) {
        error(s.line(), "EXTINF-OVER-TARGET", "EXTINF duration " + d.toPlainString()
            + " rounds to more than the target duration " + target);
      }
    }
    if (d.scale() > 0) {
      needs(3, s.line(), "a decimal EXTINF duration");
    }
    if (s.byteRange().isPresent()) {
      needs(4, s.line(), "EXT-X-BYTERANGE");
    }
    if (s.context() != lastContext) {
      lastContext = s.context();
      for (HlsKey k : s.keys()) {
        keyFeatures(k, s.line(), "EXT-X-KEY");
      }
    }
    if (s.map().isPresent()) {
      if (p.iFramesOnly()) {
        needs(5, s.line(), "EXT-X-MAP in an I-frame playlist");
      } else {
        needs(6, s.line(), "EXT-X-MAP");
      }
    }
    for (Part part : s.parts()) {
      part(part, partTarget);
    }
  }

  private void part(Part part, BigDecimal partTarget) {
    if (partTarget == null) {
      error(part.line(), "PART-WITHOUT-PART-INF", "EXT-X-PART needs EXT-X-PART-INF in the playlist");
    } else if (part.durationSeconds().compareTo(partTarget) > 0) {
      error(part.line(), "PART-OVER-TARGET", "EXT-X-PART duration " + part.durationSeconds().toPlainString()
          + " is more than PART-TARGET " + partTarget.toPlainString());
    }
  }

  private void dateRange(DateRange d) {
    if (d.startDate().isEmpty()) {
      error(d.line(), "DATERANGE-START-MISSING", "EXT-X-DATERANGE \"" + d.id() + "\" has no START-DATE");
    }
    if (d.durationSeconds().isPresent() && d.durationSeconds().get().signum() < 0
        || d.plannedDurationSeconds().isPresent() && d.plannedDurationSeconds().get().signum() < 0) {
      error(d.line(), "DATERANGE-NEGATIVE", "EXT-X-DATERANGE \"" + d.id() + "\" has a negative duration");
    }
    if (d.startDate().isPresent() && d.endDate().isPresent()) {
      if (d.endDate().get().isBefore(d.startDate().get())) {
        error(d.line(), "DATERANGE-END-BEFORE-START", "EXT-X-DATERANGE \"" + d.id() + "\" ends before it starts");
      } else if (d.durationSeconds().isPresent()) {
        BigDecimal nanos = d.durationSeconds().get().movePointRight(9).setScale(0, RoundingMode.HALF_UP);
        Duration between = Duration.between(d.startDate().get(), d.endDate().get());
        if (nanos.compareTo(BigDecimal.valueOf(between.getSeconds()).movePointRight(9)
            .add(BigDecimal.valueOf(between.getNano()))) != 0) {
          error(d.line(), "DATERANGE-DURATION-MISMATCH",
              "EXT-X-DATERANGE \"" + d.id() + "\": END-DATE must equal START-DATE plus DURATION");
        }
      }
    }
    if (d.endOnNext()) {
      if (d.rangeClass().isEmpty()) {
        error(d.line(), "DATERANGE-END-ON-NEXT", "END-ON-NEXT=YES needs a CLASS attribute");
      }
      if (d.durationSeconds().isPresent() || d.endDate().isPresent()) {
        error(d.line(), "DATERANGE-END-ON-NEXT", "END-ON-NEXT=YES must not come with DURATION or END-DATE");
      }
    }
  }

  private void lowLatency(MediaPlaylist p) {
    MediaPlaylist.LowLatency ll = p.lowLatency();
    ll.skip().ifPresent(skip -> {
      needs(9, 0, "EXT-X-SKIP");
      if (!skip.recentlyRemovedDateRanges().isEmpty()) {
        needs(10, 0, "RECENTLY-REMOVED-DATERANGES");
      }
    });
    long target = p.targetDurationSeconds().orElse(-1);
    ServerControl sc = ll.serverControl().orElse(null);
    if (ll.partInf().isPresent() && (sc == null || sc.partHoldBackSeconds().isEmpty())) {
      error(0, "PART-HOLD-BACK-MISSING", "a playlist with EXT-X-PART-INF needs PART-HOLD-BACK in EXT-X-SERVER-CONTROL");
    }
    if (sc == null) {
      return;
    }
    if (ll.partInf().isPresent() && sc.partHoldBackSeconds().isPresent()) {
      BigDecimal minimum = ll.partInf().get().partTargetSeconds().multiply(TWO);
      if (sc.partHoldBackSeconds().get().compareTo(minimum) < 0) {
        error(0, "PART-HOLD-BACK-TOO-SMALL", "PART-HOLD-BACK must be at least twice PART-TARGET ("
            + minimum.toPlainString() + ")");
      }
    }
    if (target >= 0 && sc.holdBackSeconds().isPresent()
        && sc.holdBackSeconds().get().compareTo(THREE.multiply(BigDecimal.valueOf(target))) < 0) {
      error(0, "HOLD-BACK-TOO-SMALL", "HOLD-BACK must be at least three times the target duration (" + 3 * target + ")");
    }
    if (target >= 0 && sc.canSkipUntilSeconds().isPresent()
        && sc.canSkipUntilSeconds().get().compareTo(SIX.multiply(BigDecimal.valueOf(target))) < 0) {
      error(0, "CAN-SKIP-UNTIL-TOO-SMALL", "CAN-SKIP-UNTIL must be at least six times the target duration ("
          + 6 * target + ")");
    }
  }

  // ---- reload ----

  private void reload(MediaPlaylist previous, MediaPlaylist next) {
    if (next.mediaSequence() < previous.mediaSequence()) {
      error(0, "RELOAD-SEQUENCE-BACK", "EXT-X-MEDIA-SEQUENCE went back from " + previous.mediaSequence() + " to "
          + next.mediaSequence());
    }
    if (next.nextMediaSequence() < previous.nextMediaSequence()) {
      error(0, "RELOAD-SEGMENTS-REMOVED-AT-END", "the last segment went back from media sequence "
          + (previous.nextMediaSequence() - 1) + " to " + (next.nextMediaSequence() - 1));
    }
    if (!previous.targetDurationSeconds().equals(next.targetDurationSeconds())) {
      error(0, "RELOAD-TARGET-DURATION", "EXT-X-TARGETDURATION changed from "
          + previous.targetDurationSeconds() + " to " + next.targetDurationSeconds());
    }
    if (!previous.playlistType().equals(next.playlistType())) {
      error(0, "RELOAD-PLAYLIST-TYPE", "EXT-X-PLAYLIST-TYPE changed");
    }
    Map<Long, Segment> before = new HashMap<>();
    for (Segment s : previous.segments()) {
      before.put(s.mediaSequence(), s);
    }
    for (Segment s : next.segments()) {
      Segment old = before.get(s.mediaSequence());
      if (old == null) {
        continue;
      }
      if (!old.uri().equals(s.uri())) {
        error(s.line(), "RELOAD-URI-CHANGED", "segment " + s.mediaSequence() + " changed its URI from "
            + old.uri() + " to " + s.uri());
      } else if (old.durationSeconds().compareTo(s.durationSeconds()) != 0) {
        error(s.line(), "RELOAD-DURATION-CHANGED", "segment " + s.mediaSequence() + " changed its duration from "
            + old.durationSeconds().toPlainString() + " to " + s.durationSeconds().toPlainString());
      }
    }
    discontinuitySequence(previous, next);
    if (previous.endList()) {
      if (!next.endList() || next.mediaSequence() != previous.mediaSequence()
          || next.segments().size() != previous.segments().size()) {
        error(0, "RELOAD-AFTER-ENDLIST", "a playlist with EXT-X-ENDLIST must not change");
      }
    } else if (previous.playlistType().orElse(null) == MediaPlaylist.PlaylistType.EVENT
        && next.mediaSequence() != previous.mediaSequence()) {
      error(0, "RELOAD-EVENT-REMOVED", "an EVENT playlist must not remove segments");
    }
  }

  private void discontinuitySequence(MediaPlaylist previous, MediaPlaylist next) {
    if (next.mediaSequence() <= previous.mediaSequence()) {
      if (next.mediaSequence() == previous.mediaSequence()
          && next.discontinuitySequence() != previous.discontinuitySequence()) {
        error(0, "RELOAD-DISCONTINUITY-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE changed from "
            + previous.discontinuitySequence() + " to " + next.discontinuitySequence()
            + " although no segment was removed");
      }
      return;
    }
    long removedDiscontinuities = 0;
    for (Segment s : previous.segments()) {
      if (s.mediaSequence() < next.mediaSequence() && s.discontinuity()) {
        removedDiscontinuities++;
      }
    }
    long expected = previous.discontinuitySequence() + removedDiscontinuities;
    boolean sawAllRemoved = next.mediaSequence() <= previous.nextMediaSequence()
        && previous.lowLatency().skip().isEmpty();
    if (sawAllRemoved ? next.discontinuitySequence() != expected : next.discontinuitySequence() < expected) {
      error(0, "RELOAD-DISCONTINUITY-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE is " + next.discontinuitySequence()
          + " but the removed segments carried " + removedDiscontinuities + " discontinuities after "
          + previous.discontinuitySequence());
    }
  }

  // ---- IPTV ----

  private void iptv(IptvPlaylist p) {
    for (IptvPlaylist.Entry e : p.entries()) {
      if (e.url().isBlank()) {
        error(e.line(), "IPTV-URL-MISSING", "entry \"" + e.title() + "\" has no URL");
      }
    }
  }
}
