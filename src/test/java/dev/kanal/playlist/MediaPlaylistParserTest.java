package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.playlist.MediaPlaylist.DateRange;
import dev.kanal.playlist.MediaPlaylist.Part;
import dev.kanal.playlist.MediaPlaylist.PlaylistType;
import dev.kanal.playlist.MediaPlaylist.PreloadHint;
import dev.kanal.playlist.MediaPlaylist.Segment;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MediaPlaylistParserTest {

  static MediaPlaylist media(String text) throws PlaylistParseException {
    return media(text, ParseOptions.DEFAULTS);
  }

  static MediaPlaylist media(String text, ParseOptions options) throws PlaylistParseException {
    Playlist p = Playlists.parse(text, options);
    assertThat(p).isInstanceOf(MediaPlaylist.class);
    return (MediaPlaylist) p;
  }

  static List<String> messages(Playlist p) {
    return p.warnings().stream().map(ParseWarning::message).toList();
  }

  @Test
  void parseMediaPlaylist_simpleVod_readsPlaylistTagsAndSegments() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-VERSION:3
        #EXT-X-TARGETDURATION:10
        #EXT-X-MEDIA-SEQUENCE:7
        #EXT-X-PLAYLIST-TYPE:VOD
        #EXTINF:9.009,First
        first.ts
        #EXTINF:10,
        second.ts
        #EXT-X-ENDLIST
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.kind()).isEqualTo("media");
    assertThat(p.header().version()).isEqualTo(OptionalInt.of(3));
    assertThat(p.targetDurationSeconds()).isEqualTo(OptionalLong.of(10));
    assertThat(p.mediaSequence()).isEqualTo(7);
    assertThat(p.playlistType()).contains(PlaylistType.VOD);
    assertThat(p.endList()).isTrue();
    assertThat(p.segments()).extracting(Segment::uri).containsExactly("first.ts", "second.ts");
    assertThat(p.segments()).extracting(Segment::mediaSequence).containsExactly(7L, 8L);
    assertThat(p.segments().get(0).title()).contains("First");
    assertThat(p.segments().get(1).title()).isEmpty();
    assertThat(p.segments().get(0).line()).isEqualTo(6);
    assertThat(p.nextMediaSequence()).isEqualTo(9);
  }

  @Test
  void parseMediaPlaylist_extinfDuration_staysExactAndSumsExactly() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:10
        #EXTINF:9.009,
        a.ts
        #EXTINF:9.009,
        b.ts
        #EXTINF:3.003,
        c.ts
        #EXTINF:6.00000,
        d.ts
        #EXTINF:0.000011,
        e.ts
        """);
    assertThat(p.segments().get(0).durationSeconds()).isEqualTo(new BigDecimal("9.009"));
    assertThat(p.segments().get(3).durationSeconds().toPlainString()).isEqualTo("6.00000");
    assertThat(p.segments().get(4).durationSeconds()).isEqualTo(new BigDecimal("0.000011"));
    assertThat(p.totalDurationSeconds()).isEqualByComparingTo("27.021011");
  }

  @Test
  void parseMediaPlaylist_extinfTitle_keepsCommasAndDropsBlankTitles() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.2,hello,hello\na.ts\n#EXTINF:3.2,\t\nb.ts\n");
    assertThat(p.segments().get(0).title()).contains("hello,hello");
    assertThat(p.segments().get(1).title()).isEmpty();
  }

  @Test
  void parseMediaPlaylist_extinfWithoutComma_warnsOnceAndKeepsSegments() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:3.2\na.ts\n#EXTINF:3.2\nb.ts\n");
    assertThat(p.segments()).hasSize(2);
    assertThat(p.warnings()).singleElement().satisfies(w -> {
      assertThat(w.line()).isEqualTo(3);
      assertThat(w.message()).contains("no comma");
    });
  }

  @Test
  void parseMediaPlaylist_withByteRange_readsLengthAndOffset() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-VERSION:4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:1508000@719
        main.mp4
        """);
    assertThat(p.segments().get(0).byteRange()).contains(new HlsByteRange(1508000, 719));
    assertThat(p.segments().get(0).byteRange().get().end()).isEqualTo(1508719);
  }

  @Test
  void parseMediaPlaylist_withByteRangeWithoutOffset_usesPreviousEnd() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:100@50
        main.mp4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:200
        main.mp4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:300
        main.mp4
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.segments()).extracting(s -> s.byteRange().orElseThrow()).containsExactly(
        new HlsByteRange(100, 50), new HlsByteRange(200, 150), new HlsByteRange(300, 350));
  }

  @Test
  void parseMediaPlaylist_withByteRangeWithoutOffsetAfterOtherResource_continuesSameUriWithWarning()
      throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:100@0
        a.mp4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:100@0
        b.mp4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:10
        a.mp4
        #EXTINF:6.0,
        #EXT-X-BYTERANGE:10
        c.mp4
        """);
    assertThat(p.segments().get(2).byteRange()).contains(new HlsByteRange(10, 100));
    assertThat(p.segments().get(3).byteRange()).contains(new HlsByteRange(10, 0));
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(10, 13);
  }

  @Test
  void parseMediaPlaylist_malformedByteRange_warnsAndIgnoresIt() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\n#EXT-X-BYTERANGE:12@x\na.ts\n");
    assertThat(p.segments().get(0).byteRange()).isEmpty();
    assertThat(messages(p)).singleElement().asString().contains("byte range");
  }

  @Test
  void parseMediaPlaylist_discontinuity_marksSegmentAndReadsSequence() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:10
        #EXT-X-DISCONTINUITY-SEQUENCE:7
        #EXTINF:10,
        a.ts
        #EXT-X-DISCONTINUITY
        #EXTINF:10,
        b.ts
        """);
    assertThat(p.discontinuitySequence()).isEqualTo(7);
    assertThat(p.segments()).extracting(Segment::discontinuity).containsExactly(false, true);
  }

  @Test
  void parseMediaPlaylist_key_appliesToFollowingSegmentsUntilReplaced() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:15
        #EXTINF:2.833,
        clear.ts
        #EXT-X-KEY:METHOD=AES-128,URI="https://k/52",IV=0x10ef8f758ca555115584bb5b3c687f52
        #EXTINF:15.0,
        a.ts
        #EXTINF:15.0,
        b.ts
        #EXT-X-KEY:METHOD=AES-128,URI="https://k/53"
        #EXTINF:15.0,
        c.ts
        """);
    List<Segment> s = p.segments();
    assertThat(s.get(0).keys()).isEmpty();
    assertThat(s.get(1).keys()).containsExactly(new HlsKey(HlsKey.Method.AES_128, Optional.of("https://k/52"),
        Optional.of("0x10ef8f758ca555115584bb5b3c687f52"), Optional.empty(), Optional.empty()));
    assertThat(s.get(2).context()).isSameAs(s.get(1).context());
    assertThat(s.get(3).keys()).containsExactly(HlsKey.of(HlsKey.Method.AES_128, "https://k/53"));
  }

  @Test
  void parseMediaPlaylist_keysWithDifferentKeyFormats_applyTogetherAndReplaceByFormat() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:15
        #EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://a",KEYFORMAT="com.apple.streamingkeydelivery"
        #EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:w1",KEYFORMAT="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"
        #EXTINF:10,
        a.ts
        #EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://b",KEYFORMAT="com.apple.streamingkeydelivery"
        #EXTINF:10,
        b.ts
        #EXT-X-KEY:METHOD=NONE
        #EXTINF:10,
        c.ts
        """);
    List<Segment> s = p.segments();
    assertThat(s.get(0).keys()).extracting(k -> k.uri().orElseThrow()).containsExactly("skd://a", "data:w1");
    assertThat(s.get(1).keys()).extracting(k -> k.uri().orElseThrow()).containsExactly("skd://b", "data:w1");
    assertThat(s.get(2).keys()).isEmpty();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parseMediaPlaylist_keyWithUnknownMethod_warnsAndIsIgnored() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-KEY:METHOD=ROT13,URI=\"k\"\n#EXTINF:10,\na.ts\n");
    assertThat(p.segments().get(0).keys()).isEmpty();
    assertThat(messages(p)).containsExactly("unknown METHOD value \"ROT13\"");
  }

  @Test
  void parseMediaPlaylist_map_appliesWithByteRange() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-MAP:URI="main.mp4",BYTERANGE="719@0"
        #EXTINF:6,
        a.mp4
        #EXT-X-MAP:URI="other.mp4"
        #EXTINF:6,
        b.mp4
        """);
    assertThat(p.segments().get(0).map()).contains(
        new MediaPlaylist.InitSection("main.mp4", Optional.of(new HlsByteRange(719, 0))));
    assertThat(p.segments().get(1).map()).contains(new MediaPlaylist.InitSection("other.mp4", Optional.empty()));
  }

  @Test
  void parseMediaPlaylist_programDateTime_readsEveryOffsetForm() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-PROGRAM-DATE-TIME:2019-02-14T02:14:00.106Z
        #EXTINF:6,
        a.ts
        #EXT-X-PROGRAM-DATE-TIME:2017-04-28T11:50:46+03:00
        #EXTINF:6,
        b.ts
        #EXT-X-PROGRAM-DATE-TIME:2017-04-28T11:50:46+0300
        #EXTINF:6,
        c.ts
        #EXT-X-PROGRAM-DATE-TIME:2017-04-28T11:50:46.123456789-05
        #EXTINF:6,
        d.ts
        #EXTINF:6,
        e.ts
        """);
    assertThat(p.warnings()).isEmpty();
    List<Segment> s = p.segments();
    assertThat(s.get(0).programDateTime()).contains(OffsetDateTime.parse("2019-02-14T02:14:00.106Z"));
    assertThat(s.get(1).programDateTime()).contains(OffsetDateTime.parse("2017-04-28T11:50:46+03:00"));
    assertThat(s.get(2).programDateTime()).isEqualTo(s.get(1).programDateTime());
    assertThat(s.get(3).programDateTime()).contains(
        OffsetDateTime.of(2017, 4, 28, 11, 50, 46, 123456789, ZoneOffset.ofHours(-5)));
    assertThat(s.get(4).programDateTime()).isEmpty();
  }

  @Test
  void parseMediaPlaylist_programDateTimeWithoutOffset_assumesUtcWithWarning() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PROGRAM-DATE-TIME:2020-01-01T00:00:00\n"
        + "#EXTINF:6,\na.ts\n#EXT-X-PROGRAM-DATE-TIME:2020-13-01T00:00:00Z\n#EXTINF:6,\nb.ts\n");
    assertThat(p.segments().get(0).programDateTime()).contains(OffsetDateTime.parse("2020-01-01T00:00:00Z"));
    assertThat(p.segments().get(1).programDateTime()).isEmpty();
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(3, 6);
  }

  @Test
  void parseMediaPlaylist_dateRange_keepsScte35AndClientAttributes() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-PROGRAM-DATE-TIME:2017-04-28T11:50:46+03:00
        #EXT-X-DATERANGE:ID="441",START-DATE="2017-04-28T11:50:59.12+03:00",DURATION=242,X-AD-ID="441",SCTE35-OUT=0xFC30,CLASS="io.lindstrom.test",PLANNED-DURATION=19.5,CUE="PRE,ONCE"
        #EXTINF:6.000,
        2.ts
        """);
    assertThat(p.warnings()).isEmpty();
    DateRange d = p.segments().get(0).dateRanges().getFirst();
    assertThat(d.id()).isEqualTo("441");
    assertThat(d.rangeClass()).contains("io.lindstrom.test");
    assertThat(d.startDate()).contains(OffsetDateTime.parse("2017-04-28T11:50:59.12+03:00"));
    assertThat(d.durationSeconds()).contains(new BigDecimal("242"));
    assertThat(d.plannedDurationSeconds()).contains(new BigDecimal("19.5"));
    assertThat(d.cue()).containsExactly("PRE", "ONCE");
    assertThat(d.otherAttributes()).containsExactly(new DateRange.Attribute("X-AD-ID", "441", true),
        new DateRange.Attribute("SCTE35-OUT", "0xFC30", false));
    assertThat(d.attribute("SCTE35-OUT")).contains("0xFC30");
    assertThat(d.line()).isEqualTo(4);
  }

  @Test
  void parseMediaPlaylist_dateRangeWithoutId_warnsAndIsDropped() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-DATERANGE:CLASS=\"x\"\n#EXTINF:6,\na.ts\n");
    assertThat(p.segments().get(0).dateRanges()).isEmpty();
    assertThat(messages(p)).containsExactly("required attribute ID is missing");
  }

  @Test
  void parseMediaPlaylist_gapAndBitrate_applyAsSpecified() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:10
        #EXT-X-BITRATE:1674
        #EXTINF:9.6,
        a.ts
        #EXTINF:9.6,
        #EXT-X-GAP
        b.ts
        #EXT-X-BITRATE:1625
        #EXTINF:9.6,
        c.ts
        """);
    assertThat(p.segments()).extracting(Segment::gap).containsExactly(false, true, false);
    assertThat(p.segments()).extracting(Segment::bitrateKbps)
        .containsExactly(OptionalLong.of(1674), OptionalLong.of(1674), OptionalLong.of(1625));
  }

  @Test
  void parseMediaPlaylist_lowLatency_readsPartsHintsReportsAndServerControl() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:4
        #EXT-X-VERSION:9
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=24.0,HOLD-BACK=12,CAN-SKIP-DATERANGES=YES
        #EXT-X-PART-INF:PART-TARGET=0.33334
        #EXT-X-MEDIA-SEQUENCE:266
        #EXT-X-SKIP:SKIPPED-SEGMENTS=3,RECENTLY-REMOVED-DATERANGES="a\tb"
        #EXTINF:4.00008,
        fileSequence269.mp4
        #EXT-X-PART:DURATION=0.33334,URI="filePart270.0.mp4",INDEPENDENT=YES
        #EXT-X-PART:DURATION=0.33334,URI="filePart270.1.mp4",GAP=YES
        #EXTINF:4.00008,
        fileSequence270.mp4
        #EXT-X-PART:DURATION=0.33334,URI="filePart271.0.mp4"
        #EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart271.1.mp4",BYTERANGE-START=10,BYTERANGE-LENGTH=20
        #EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=273,LAST-PART=2
        """);
    assertThat(p.warnings()).isEmpty();
    MediaPlaylist.LowLatency ll = p.lowLatency();
    assertThat(ll.partInf()).contains(new MediaPlaylist.PartInf(new BigDecimal("0.33334")));
    assertThat(ll.serverControl()).contains(new MediaPlaylist.ServerControl(Optional.of(new BigDecimal("24.0")),
        true, Optional.of(new BigDecimal("12")), Optional.of(new BigDecimal("1.0")), true));
    assertThat(ll.skip()).contains(new MediaPlaylist.Skip(3, List.of("a", "b")));
    assertThat(p.segments()).extracting(Segment::mediaSequence).containsExactly(269L, 270L);
    assertThat(p.segments().get(1).parts()).extracting(Part::uri, Part::independent, Part::gap).containsExactly(
        org.assertj.core.groups.Tuple.tuple("filePart270.0.mp4", true, false),
        org.assertj.core.groups.Tuple.tuple("filePart270.1.mp4", false, true));
    assertThat(ll.trailingParts()).extracting(Part::uri).containsExactly("filePart271.0.mp4");
    assertThat(ll.preloadHints()).containsExactly(
        new PreloadHint(PreloadHint.HintType.PART, "filePart271.1.mp4", 10, OptionalLong.of(20)));
    assertThat(ll.renditionReports()).containsExactly(new MediaPlaylist.RenditionReport("../1M/waitForMSN.php",
        OptionalLong.of(273), OptionalLong.of(2)));
    assertThat(p.nextMediaSequence()).isEqualTo(271);
  }

  @Test
  void parseMediaPlaylist_partsWithByteRangeWithoutOffset_continuePreviousPart() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:4
        #EXT-X-PART-INF:PART-TARGET=1
        #EXT-X-PART:DURATION=1,URI="f.mp4",BYTERANGE="100@0"
        #EXT-X-PART:DURATION=1,URI="f.mp4",BYTERANGE="50"
        #EXTINF:2,
        f.mp4
        """);
    assertThat(p.segments().get(0).parts()).extracting(part -> part.byteRange().orElseThrow())
        .containsExactly(new HlsByteRange(100, 0), new HlsByteRange(50, 100));
  }

  @Test
  void parseMediaPlaylist_sharedHeaderTags_areRead() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:4
        #EXT-X-I-FRAMES-ONLY
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-START:TIME-OFFSET=-4.5,PRECISE=YES
        #EXTINF:3.2,
        #EXT-X-BYTERANGE:5076@376
        v.ts
        """);
    assertThat(p.iFramesOnly()).isTrue();
    assertThat(p.header().independentSegments()).isTrue();
    assertThat(p.header().start()).contains(new HlsHeader.Start(new BigDecimal("-4.5"), true));
  }

  @Test
  void parseMediaPlaylist_defineValue_substitutesInUrisAndQuotedAttributes() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-VERSION:8
        #EXT-X-TARGETDURATION:6
        #EXT-X-DEFINE:NAME="host",VALUE="https://cdn.example.com"
        #EXT-X-DEFINE:NAME="q",VALUE="?t=1"
        #EXT-X-MAP:URI="{$host}/init.mp4{$q}"
        #EXTINF:6,
        {$host}/a.mp4{$q}
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.segments().get(0).uri()).isEqualTo("https://cdn.example.com/a.mp4?t=1");
    assertThat(p.segments().get(0).map().orElseThrow().uri()).isEqualTo("https://cdn.example.com/init.mp4?t=1");
    assertThat(p.header().defines()).containsExactly(
        new HlsHeader.Define(HlsHeader.Define.Source.VALUE, "host", Optional.of("https://cdn.example.com")),
        new HlsHeader.Define(HlsHeader.Define.Source.VALUE, "q", Optional.of("?t=1")));
  }

  @Test
  void parseMediaPlaylist_defineImport_takesValueFromOptions() throws Exception {
    String text = """
        #EXTM3U
        #EXT-X-VERSION:8
        #EXT-X-DEFINE:IMPORT="auth"
        #EXT-X-TARGETDURATION:7
        #EXTINF:6.0,
        segment_1.m4s{$auth}
        """;
    MediaPlaylist p = media(text, ParseOptions.DEFAULTS.withImportVariables(Map.of("auth", "?token=x")));
    assertThat(p.warnings()).isEmpty();
    assertThat(p.segments().get(0).uri()).isEqualTo("segment_1.m4s?token=x");
    assertThat(p.header().defines()).containsExactly(
        new HlsHeader.Define(HlsHeader.Define.Source.IMPORT, "auth", Optional.of("?token=x")));
  }

  @Test
  void parseMediaPlaylist_defineQueryParam_takesValueFromBaseUri() throws Exception {
    String text = "#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-DEFINE:QUERYPARAM=\"token\"\n#EXT-X-TARGETDURATION:7\n"
        + "#EXTINF:6.0,\na.m4s?token={$token}\n";
    MediaPlaylist p = media(text,
        ParseOptions.DEFAULTS.withBaseUri(URI.create("https://example.com/v.m3u8?a=1&token=abc%2Fdef")));
    assertThat(p.warnings()).isEmpty();
    assertThat(p.segments().get(0).uri()).isEqualTo("a.m4s?token=abc/def");
  }

  @Test
  void parseMediaPlaylist_undefinedVariable_warnsWhenLenientAndThrowsWhenStrict() throws Exception {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:7\n#EXTINF:6.0,\nsegment_1.m4s{$auth}\n";
    MediaPlaylist p = media(text);
    assertThat(p.segments().get(0).uri()).isEqualTo("segment_1.m4s{$auth}");
    assertThat(p.warnings()).containsExactly(new ParseWarning(4, "variable \"auth\" is not defined"));
    assertThatThrownBy(() -> Playlists.parse(text, ParseOptions.DEFAULTS.withStrict(true)))
        .isInstanceOf(PlaylistParseException.class)
        .satisfies(e -> assertThat(((PlaylistParseException) e).line()).isEqualTo(4));
  }

  @Test
  void parseMediaPlaylist_unknownTags_areKeptInOrderWithTheirPosition() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXT-X-ALLOW-CACHE:NO
        #EXTINF:6,
        a.ts
        #EXT-X-CUE-OUT:19
        #EXTINF:6,
        #EXT-X-CUE-OUT-CONT:ElapsedTime=6
        b.ts
        #EXT-X-CUE-IN
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.unknownTags()).containsExactly(new HlsUnknownTag(3, 0, "#EXT-X-ALLOW-CACHE:NO"),
        new HlsUnknownTag(6, 1, "#EXT-X-CUE-OUT:19"), new HlsUnknownTag(8, 1, "#EXT-X-CUE-OUT-CONT:ElapsedTime=6"),
        new HlsUnknownTag(10, 2, "#EXT-X-CUE-IN"));
    assertThat(p.unknownTags().get(1).name()).isEqualTo("EXT-X-CUE-OUT");
    assertThat(p.unknownTags().get(1).value()).contains("19");
  }

  @Test
  void parseMediaPlaylist_segmentTagsAfterLastSegment_areKeptVerbatim() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:6
        #EXTINF:6,
        a.ts
        #EXT-X-DATERANGE:ID="P"
        #EXT-X-PROGRAM-DATE-TIME:2020-01-01T00:00:00Z
        """);
    assertThat(p.segments()).hasSize(1);
    assertThat(p.unknownTags()).extracting(HlsUnknownTag::position, HlsUnknownTag::text).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "#EXT-X-DATERANGE:ID=\"P\""),
        org.assertj.core.groups.Tuple.tuple(1, "#EXT-X-PROGRAM-DATE-TIME:2020-01-01T00:00:00Z"));
  }

  @Test
  void parseMediaPlaylist_uriWithoutExtinf_isSkippedWithWarning() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\nlost.ts\n#EXTINF:6,\na.ts\n#EXTINF:6,\n");
    assertThat(p.segments()).extracting(Segment::uri).containsExactly("a.ts");
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(3, 6);
  }

  @Test
  void parseMediaPlaylist_extinfWithoutUri_isDroppedAndKeptVerbatimAtTheEnd() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:5,\n#EXTINF:bad,\na.ts\n#EXTINF:4,\n");
    assertThat(p.segments()).isEmpty();
    assertThat(p.unknownTags()).extracting(HlsUnknownTag::text).containsExactly("#EXTINF:4,");
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(3, 4, 5, 6);
  }

  @Test
  void parseMediaPlaylist_malformedValues_becomeWarningsNotExceptions() throws Exception {
    MediaPlaylist p = media("""
        #EXTM3U
        #EXT-X-TARGETDURATION:abc
        #EXT-X-MEDIA-SEQUENCE:99999999999999999999999
        #EXT-X-VERSION:
        #EXT-X-PLAYLIST-TYPE:LIVE
        #EXT-X-START:TIME-OFFSET=1e5
        #EXT-X-PART-INF:PART-TARGET="1"
        #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=MAYBE
        #EXT-X-KEY:METHOD=AES-128,URI="k",IV=0xZZ
        #EXT-X-MAP:URI="i.mp4",BYTERANGE="a@b"
        #EXT-X-BITRATE:-5
        #EXTINF:abc,
        dropped.ts
        #EXTINF:-1,Radio
        kept.ts
        #EXT-X-DATERANGE:ID="x",START-DATE="yesterday",DURATION=-3,SCTE35-OUT=xyz
        #EXTINF:5,
        b.ts
        """);
    assertThat(p.targetDurationSeconds()).isEmpty();
    assertThat(p.mediaSequence()).isZero();
    assertThat(p.header().version()).isEmpty();
    assertThat(p.playlistType()).isEmpty();
    assertThat(p.header().start()).isEmpty();
    assertThat(p.segments()).extracting(Segment::uri).containsExactly("kept.ts", "b.ts");
    assertThat(p.segments().get(0).durationSeconds()).isEqualByComparingTo("-1");
    assertThat(p.segments().get(0).keys().getFirst().iv()).isEmpty();
    assertThat(p.segments().get(1).dateRanges().getFirst().startDate()).isEmpty();
    assertThat(p.warnings()).hasSizeGreaterThanOrEqualTo(14);
  }

  @Test
  void parseMediaPlaylist_strictMode_throwsAtFirstProblemWithLineNumber() {
    String text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128, URI=\"k\"\n#EXTINF:6,\na.ts\n";
    assertThatThrownBy(() -> Playlists.parse(text, ParseOptions.DEFAULTS.withStrict(true)))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessage("line 3: white space around attribute name URI");
  }

  @Test
  void parseMediaPlaylist_spaceInAttributeList_isToleratedWhenLenient() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128, URI=\"k\"\n#EXTINF:6,\na.ts\n");
    assertThat(p.segments().get(0).keys().getFirst().uri()).contains("k");
    assertThat(p.warnings()).hasSize(1);
  }

  @Test
  void parseMediaPlaylist_multivariantTag_warnsAndIsKeptAsUnknown() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-SESSION-KEY:METHOD=AES-128,URI=\"k\"\n");
    assertThat(messages(p)).containsExactly("#EXT-X-SESSION-KEY does not belong in a media playlist");
    assertThat(p.unknownTags()).extracting(HlsUnknownTag::name).containsExactly("EXT-X-SESSION-KEY");
  }

  @Test
  void parseMediaPlaylist_crlfBomAndTrailingSpaces_areHandled() throws Exception {
    byte[] bytes = "\uFEFF#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,  \r\na.ts  \r\n#EXT-X-ENDLIST"
        .getBytes(StandardCharsets.UTF_8);
    Playlist p = Playlists.parse(new ByteArrayInputStream(bytes), ParseOptions.DEFAULTS);
    assertThat(p.warnings()).isEmpty();
    assertThat(((MediaPlaylist) p).segments()).extracting(Segment::uri).containsExactly("a.ts");
    assertThat(((MediaPlaylist) p).endList()).isTrue();
  }

  @Test
  void parseMediaPlaylist_withoutExtm3u_warns() throws Exception {
    MediaPlaylist p = media("#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n");
    assertThat(p.segments()).hasSize(1);
    assertThat(p.warnings()).containsExactly(new ParseWarning(1, "playlist does not start with #EXTM3U"));
  }

  @Test
  void parseMediaPlaylist_mediaSequenceAfterFirstSegment_isIgnoredWithWarning() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-MEDIA-SEQUENCE:5\n");
    assertThat(p.mediaSequence()).isZero();
    assertThat(p.warnings()).hasSize(1);
  }

  @Test
  void parseMediaPlaylist_endListInTheMiddle_stillReadsLaterSegments() throws Exception {
    MediaPlaylist p = media("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-ENDLIST\n#EXTINF:6,\na.ts\n");
    assertThat(p.endList()).isTrue();
    assertThat(p.segments()).hasSize(1);
    assertThat(p.warnings()).isEmpty();
  }
}
