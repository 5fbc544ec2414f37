package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.ValidationIssue.Severity;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlaylistValidatorTest {

  private static final String APPLE_MASTER = """
      #EXTM3U
      #EXT-X-VERSION:6
      #EXT-X-INDEPENDENT-SEGMENTS
      #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="a/en.m3u8"
      #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",LANGUAGE="fr",NAME="Français",AUTOSELECT=YES,CHANNELS="2",URI="a/fr.m3u8"
      #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="sub",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="s/en.m3u8"
      #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,INSTREAM-ID="CC1"
      #EXT-X-STREAM-INF:BANDWIDTH=2177116,AVERAGE-BANDWIDTH=2168183,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc",AUDIO="aud",SUBTITLES="sub"
      v5/prog_index.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=8001098,AVERAGE-BANDWIDTH=7968416,CODECS="avc1.64002a,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc",AUDIO="aud",SUBTITLES="sub"
      v9/prog_index.m3u8
      #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=187492,AVERAGE-BANDWIDTH=183689,CODECS="avc1.64002a",RESOLUTION=1920x1080,URI="v9/iframe_index.m3u8"
      """;

  private static final String APPLE_MEDIA = """
      #EXTM3U
      #EXT-X-VERSION:7
      #EXT-X-TARGETDURATION:6
      #EXT-X-MEDIA-SEQUENCE:1
      #EXT-X-PLAYLIST-TYPE:VOD
      #EXT-X-INDEPENDENT-SEGMENTS
      #EXT-X-MAP:URI="main.mp4",BYTERANGE="719@0"
      #EXTINF:6.00600,
      #EXT-X-BYTERANGE:1508000@719
      main.mp4
      #EXTINF:5.97300,
      #EXT-X-BYTERANGE:1510244
      main.mp4
      #EXT-X-ENDLIST
      """;

  static List<ValidationIssue> validate(String text) throws PlaylistParseException {
    return PlaylistValidator.validate(Playlists.parse(text));
  }

  static List<String> errorCodes(List<ValidationIssue> issues) {
    return issues.stream().filter(i -> i.severity() == Severity.ERROR).map(ValidationIssue::code).toList();
  }

  static List<String> warningCodes(List<ValidationIssue> issues) {
    return issues.stream().filter(i -> i.severity() == Severity.WARNING).map(ValidationIssue::code).toList();
  }

  private static String media(String body) {
    return "#EXTM3U\n#EXT-X-VERSION:12\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n" + body
        + "#EXT-X-ENDLIST\n";
  }

  private static String master(String body) {
    return "#EXTM3U\n#EXT-X-VERSION:12\n#EXT-X-INDEPENDENT-SEGMENTS\n" + body;
  }

  @Test
  void validate_appleStylePlaylists_haveNoIssues() throws Exception {
    assertThat(validate(APPLE_MASTER)).isEmpty();
    assertThat(validate(APPLE_MEDIA)).isEmpty();
  }

  @Test
  void validate_appleCorpusFiles_haveNoErrors() throws Exception {
    for (String file : List.of("hls/m3u8-parser/media/apple-media.m3u8",
        "hls/m3u8-parser/multivariant/apple-multivariant.m3u8")) {
      assertThat(errorCodes(PlaylistValidator.validate(HlsCorpusTest.parse(file)))).as(file).isEmpty();
    }
  }

  @Test
  void validate_extinfRoundingAboveTarget_isAnError() throws Exception {
    List<ValidationIssue> issues = validate(media("#EXTINF:6.49,\na.ts\n#EXTINF:6.5,\nb.ts\n"));
    assertThat(issues).filteredOn(i -> i.code().equals("EXTINF-OVER-TARGET")).singleElement()
        .satisfies(i -> {
          assertThat(i.severity()).isEqualTo(Severity.ERROR);
          assertThat(i.line()).isEqualTo(7);
        });
  }

  @Test
  void validate_missingTargetDurationAndNegativeDuration_areErrors() throws Exception {
    List<ValidationIssue> issues = validate("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:-1,\na.ts\n");
    assertThat(errorCodes(issues)).containsExactly("SYNTAX", "TARGETDURATION-MISSING", "EXTINF-NEGATIVE");
    assertThat(issues.getFirst().message()).isEqualTo("#EXTINF duration is negative: -1");
  }

  static Stream<Arguments> versionedFeatures() {
    return Stream.of(
        Arguments.of("#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0x00000000000000000000000000000001\n#EXTINF:6,\na.ts", 1,
            "the IV attribute of EXT-X-KEY"),
        Arguments.of("#EXTINF:5.5,\na.ts", 2, "a decimal EXTINF duration"),
        Arguments.of("#EXTINF:6,\n#EXT-X-BYTERANGE:10@0\na.ts", 3, "EXT-X-BYTERANGE"),
        Arguments.of("#EXT-X-KEY:METHOD=AES-128,URI=\"k\",KEYFORMAT=\"identity\"\n#EXTINF:6,\na.ts", 4,
            "KEYFORMAT and KEYFORMATVERSIONS"),
        Arguments.of("#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"k\"\n#EXTINF:6,\na.ts", 4, "METHOD=SAMPLE-AES"),
        Arguments.of("#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:6,\na.mp4", 5, "EXT-X-MAP"),
        Arguments.of("#EXT-X-DEFINE:NAME=\"a\",VALUE=\"b\"\n#EXTINF:6,\na.ts", 7, "EXT-X-DEFINE"),
        Arguments.of("#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n#EXTINF:6,\na.ts", 8, "EXT-X-SKIP"));
  }

  @ParameterizedTest
  @MethodSource("versionedFeatures")
  void validate_featureAboveDeclaredVersion_isAnError(String body, int declared, String feature) throws Exception {
    String text = "#EXTM3U\n#EXT-X-VERSION:" + declared + "\n#EXT-X-TARGETDURATION:6\n" + body + "\n";
    List<ValidationIssue> issues = validate(text);
    assertThat(issues).filteredOn(i -> i.code().equals("VERSION-TOO-LOW")).singleElement()
        .satisfies(i -> assertThat(i.message()).startsWith(feature + " needs EXT-X-VERSION " + (declared + 1)));
  }

  @Test
  void validate_iframeOnlyAndMapInIframePlaylist_needVersions4And5() throws Exception {
    List<ValidationIssue> issues = validate("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-I-FRAMES-ONLY\n"
        + "#EXT-X-MAP:URI=\"i.mp4\"\n#EXTINF:6,\na.mp4\n");
    assertThat(issues).filteredOn(i -> i.code().equals("VERSION-TOO-LOW")).extracting(ValidationIssue::message)
        .anySatisfy(m -> assertThat(m).startsWith("EXT-X-I-FRAMES-ONLY needs EXT-X-VERSION 4"))
        .anySatisfy(m -> assertThat(m).startsWith("EXT-X-MAP in an I-frame playlist needs EXT-X-VERSION 5"));
  }

  @Test
  void validate_keyProblems_areErrors() throws Exception {
    List<ValidationIssue> issues = validate(media("#EXT-X-KEY:METHOD=AES-128,IV=0x1234\n#EXTINF:6,\na.ts\n"));
    assertThat(errorCodes(issues)).containsExactly("SYNTAX", "KEY-URI-MISSING", "KEY-IV-LENGTH");
  }

  @Test
  void validate_dateRangeRules_areErrors() throws Exception {
    List<ValidationIssue> issues = validate(media("""
        #EXT-X-DATERANGE:ID="a"
        #EXT-X-DATERANGE:ID="b",START-DATE="2020-01-01T00:01:00Z",END-DATE="2020-01-01T00:00:00Z"
        #EXT-X-DATERANGE:ID="c",START-DATE="2020-01-01T00:00:00Z",END-DATE="2020-01-01T00:01:00Z",DURATION=59.5
        #EXT-X-DATERANGE:ID="d",START-DATE="2020-01-01T00:00:00Z",END-DATE="2020-01-01T00:01:00.5Z",DURATION=60.5
        #EXT-X-DATERANGE:ID="e",START-DATE="2020-01-01T00:00:00Z",END-ON-NEXT=YES,DURATION=1
        #EXTINF:6,
        a.ts
        """));
    assertThat(errorCodes(issues)).containsExactly("DATERANGE-START-MISSING", "DATERANGE-END-BEFORE-START",
        "DATERANGE-DURATION-MISMATCH", "DATERANGE-END-ON-NEXT", "DATERANGE-END-ON-NEXT",
        "DATERANGE-WITHOUT-PROGRAM-DATE-TIME");
  }

  @Test
  void validate_lowLatencyRules_areErrors() throws Exception {
    List<ValidationIssue> parts = validate(media("#EXT-X-PART:DURATION=1,URI=\"p\"\n#EXTINF:6,\na.ts\n"));
    assertThat(errorCodes(parts)).containsExactly("PART-WITHOUT-PART-INF");
    List<ValidationIssue> control = validate(media("""
        #EXT-X-PART-INF:PART-TARGET=1
        #EXT-X-SERVER-CONTROL:PART-HOLD-BACK=1.5,HOLD-BACK=17,CAN-SKIP-UNTIL=35.9
        #EXT-X-PART:DURATION=1.2,URI="p"
        #EXTINF:6,
        a.ts
        """));
    assertThat(errorCodes(control)).containsExactly("PART-OVER-TARGET", "PART-HOLD-BACK-TOO-SMALL",
        "HOLD-BACK-TOO-SMALL", "CAN-SKIP-UNTIL-TOO-SMALL");
    List<ValidationIssue> noHoldBack = validate(media("#EXT-X-PART-INF:PART-TARGET=1\n#EXTINF:6,\na.ts\n"));
    assertThat(errorCodes(noHoldBack)).containsExactly("PART-HOLD-BACK-MISSING");
  }

  @Test
  void validate_appleMediaRecommendations_areWarnings() throws Exception {
    List<ValidationIssue> issues = validate("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\na.ts\n#EXT-X-ENDLIST\n");
    assertThat(errorCodes(issues)).isEmpty();
    assertThat(warningCodes(issues)).containsExactly("APPLE-TARGET-DURATION", "APPLE-PLAYLIST-TYPE");
    List<ValidationIssue> vod = validate("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:6,\na.ts\n");
    assertThat(warningCodes(vod)).containsExactly("APPLE-VOD-ENDLIST");
  }

  @Test
  void validate_variantRules_areErrors() throws Exception {
    List<ValidationIssue> issues = validate(master("""
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",URI="a.m3u8"
        #EXT-X-STREAM-INF:CODECS="mp4a.40.2",AVERAGE-BANDWIDTH=1,AUDIO="aud",SUBTITLES="missing"
        a.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=2,AVERAGE-BANDWIDTH=1,CODECS="mp4a.40.2",CLOSED-CAPTIONS=NONE,VIDEO="aud"
        b.m3u8
        """));
    assertThat(errorCodes(issues)).containsExactly("SYNTAX", "BANDWIDTH-MISSING", "GROUP-MISSING", "GROUP-MISSING",
        "CLOSED-CAPTIONS-NONE-MIXED");
    assertThat(issues).filteredOn(i -> i.code().equals("GROUP-MISSING")).extracting(ValidationIssue::line)
        .containsExactly(5, 7);
  }

  @Test
  void validate_renditionRules_areErrors() throws Exception {
    List<ValidationIssue> issues = validate(master("""
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",URI="x.m3u8"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="a.m3u8"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="b.m3u8",FORCED=YES
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC",URI="cc.m3u8"
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="sub",NAME="Sub",INSTREAM-ID="CC1"
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc2",NAME="Service",INSTREAM-ID="SERVICE3"
        #EXT-X-STREAM-INF:BANDWIDTH=1,AVERAGE-BANDWIDTH=1,CODECS="mp4a.40.2",AUDIO="aud"
        a.m3u8
        """));
    assertThat(errorCodes(issues)).containsExactly("SYNTAX", "MEDIA-NAME-MISSING", "MEDIA-NAME-DUPLICATE",
        "MEDIA-DEFAULT-DUPLICATE", "MEDIA-FORCED", "MEDIA-INSTREAM-ID-MISSING", "MEDIA-CC-URI", "MEDIA-INSTREAM-ID",
        "MEDIA-URI-MISSING");
    List<ValidationIssue> service = validate(master("").replace("VERSION:12", "VERSION:6")
        + "#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID=\"cc\",NAME=\"S\",INSTREAM-ID=\"SERVICE3\"\n");
    assertThat(service).filteredOn(i -> i.code().equals("VERSION-TOO-LOW")).singleElement()
        .satisfies(i -> assertThat(i.message()).startsWith("INSTREAM-ID=SERVICEn needs EXT-X-VERSION 7"));
  }

  @Test
  void validate_sessionDataRules_areErrors() throws Exception {
    List<ValidationIssue> issues = validate(master("""
        #EXT-X-SESSION-DATA:DATA-ID="com.a",VALUE="x",URI="y"
        #EXT-X-SESSION-DATA:DATA-ID="com.b",LANGUAGE="en",VALUE="x"
        #EXT-X-SESSION-DATA:DATA-ID="com.b",LANGUAGE="en",VALUE="y"
        #EXT-X-SESSION-DATA:DATA-ID="com.b",LANGUAGE="fr",VALUE="z"
        #EXT-X-SESSION-DATA:DATA-ID="com.c"
        """));
    assertThat(errorCodes(issues)).containsExactly("SESSION-DATA-VALUE-URI", "SESSION-DATA-DUPLICATE",
        "SESSION-DATA-VALUE-URI");
  }

  @Test
  void validate_appleVariantRecommendations_areWarnings() throws Exception {
    List<ValidationIssue> issues = validate("""
        #EXTM3U
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,URI="a.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.640020,mp4a.40.2",AUDIO="aud"
        v.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=1
        w.m3u8
        """);
    assertThat(errorCodes(issues)).isEmpty();
    assertThat(warningCodes(issues)).containsExactly("APPLE-DEFAULT-AUTOSELECT", "APPLE-AVERAGE-BANDWIDTH",
        "APPLE-RESOLUTION", "APPLE-FRAME-RATE", "APPLE-CODECS", "APPLE-AVERAGE-BANDWIDTH",
        "APPLE-INDEPENDENT-SEGMENTS", "APPLE-IFRAME-PLAYLISTS");
  }

  @Test
  void validate_manyFindingsOfOneRule_areCapped() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 80; i++) {
      body.append("#EXTINF:9,\ns").append(i).append(".ts\n");
    }
    List<ValidationIssue> issues = validate(media(body.toString()));
    assertThat(issues).filteredOn(i -> i.code().equals("EXTINF-OVER-TARGET")).hasSize(51)
        .last().satisfies(i -> assertThat(i.message()).isEqualTo("30 more EXTINF-OVER-TARGET findings left out"));
  }

  @Test
  void validate_droppedTagWithoutRequiredAttribute_isASyntaxError() throws Exception {
    List<ValidationIssue> issues = validate(master("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1\n"
        + "#EXT-X-STREAM-INF:BANDWIDTH=1,AVERAGE-BANDWIDTH=1,CODECS=\"mp4a.40.2\"\na.m3u8\n"));
    assertThat(issues).containsExactly(
        new ValidationIssue(Severity.ERROR, 4, "SYNTAX", "required attribute URI is missing"));
  }

  @Test
  void validate_iptvPlaylist_reportsParseWarningsAndEntriesWithoutUrl() {
    IptvPlaylist playlist = new IptvPlaylist(Map.of(), List.of(IptvPlaylist.Entry.of("A", "http://a/1.m3u8"),
        IptvPlaylist.Entry.of("B", "").withLine(7)), List.of(), List.of(new ParseWarning(3, "odd line")));
    assertThat(PlaylistValidator.validate(playlist)).containsExactly(
        new ValidationIssue(Severity.WARNING, 3, "PARSE", "odd line"),
        new ValidationIssue(Severity.ERROR, 7, "IPTV-URL-MISSING", "entry \"B\" has no URL"));
  }

  // ---- reloads ----

  private static MediaPlaylist live(int sequence, int discontinuitySequence, String... segments) throws Exception {
    StringBuilder sb = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:" + sequence
        + "\n#EXT-X-DISCONTINUITY-SEQUENCE:" + discontinuitySequence + "\n");
    for (String s : segments) {
      if (s.startsWith("|")) {
        sb.append("#EXT-X-DISCONTINUITY\n");
        s = s.substring(1);
      }
      sb.append("#EXTINF:6,\n").append(s).append('\n');
    }
    return (MediaPlaylist) Playlists.parse(sb.toString());
  }

  @Test
  void validateReload_slidingWindow_isValid() throws Exception {
    MediaPlaylist before = live(10, 0, "a.ts", "|b.ts", "c.ts");
    MediaPlaylist after = live(12, 1, "c.ts", "d.ts", "|e.ts");
    assertThat(PlaylistValidator.validateReload(before, after)).isEmpty();
  }

  @Test
  void validateReload_sequenceGoesBack_isAnError() throws Exception {
    List<ValidationIssue> issues = PlaylistValidator.validateReload(live(10, 0, "a.ts", "b.ts"), live(9, 0, "z.ts"));
    assertThat(errorCodes(issues)).contains("RELOAD-SEQUENCE-BACK", "RELOAD-SEGMENTS-REMOVED-AT-END");
  }

  @Test
  void validateReload_segmentChangesUriOrDuration_isAnError() throws Exception {
    MediaPlaylist before = live(10, 0, "a.ts", "b.ts");
    MediaPlaylist after = live(11, 0, "x.ts", "c.ts");
    List<ValidationIssue> issues = PlaylistValidator.validateReload(before, after);
    assertThat(issues).singleElement().satisfies(i -> {
      assertThat(i.code()).isEqualTo("RELOAD-URI-CHANGED");
      assertThat(i.message()).isEqualTo("segment 11 changed its URI from b.ts to x.ts");
    });
    MediaPlaylist longer = (MediaPlaylist) Playlists.parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:11\n#EXTINF:5,\nb.ts\n");
    assertThat(errorCodes(PlaylistValidator.validateReload(before, longer))).containsExactly("RELOAD-DURATION-CHANGED");
  }

  @Test
  void validateReload_discontinuitySequenceNotCountingRemovedDiscontinuities_isAnError() throws Exception {
    MediaPlaylist before = live(10, 3, "|a.ts", "b.ts", "c.ts");
    assertThat(errorCodes(PlaylistValidator.validateReload(before, live(11, 3, "b.ts", "c.ts"))))
        .containsExactly("RELOAD-DISCONTINUITY-SEQUENCE");
    assertThat(PlaylistValidator.validateReload(before, live(11, 4, "b.ts", "c.ts"))).isEmpty();
    assertThat(errorCodes(PlaylistValidator.validateReload(before, live(10, 4, "|a.ts", "b.ts", "c.ts"))))
        .containsExactly("RELOAD-DISCONTINUITY-SEQUENCE");
  }

  @Test
  void validateReload_endedOrEventPlaylistChanging_isAnError() throws Exception {
    MediaPlaylist ended = (MediaPlaylist) Playlists.parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXT-X-ENDLIST\n");
    MediaPlaylist grown = (MediaPlaylist) Playlists.parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts\n#EXTINF:6,\nb.ts\n#EXT-X-ENDLIST\n");
    assertThat(errorCodes(PlaylistValidator.validateReload(ended, grown))).containsExactly("RELOAD-AFTER-ENDLIST");
    MediaPlaylist event = (MediaPlaylist) Playlists.parse(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6,\na.ts\n");
    MediaPlaylist slid = (MediaPlaylist) Playlists.parse("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-PLAYLIST-TYPE:EVENT\n"
        + "#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:6,\nb.ts\n");
    assertThat(errorCodes(PlaylistValidator.validateReload(event, slid))).containsExactly("RELOAD-EVENT-REMOVED");
  }

  @Test
  void validateReload_targetDurationOrTypeChanging_isAnError() throws Exception {
    MediaPlaylist before = live(1, 0, "a.ts");
    MediaPlaylist after = (MediaPlaylist) Playlists.parse("#EXTM3U\n#EXT-X-TARGETDURATION:8\n#EXT-X-PLAYLIST-TYPE:EVENT\n"
        + "#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:6,\na.ts\n");
    assertThat(errorCodes(PlaylistValidator.validateReload(before, after)))
        .containsExactly("RELOAD-TARGET-DURATION", "RELOAD-PLAYLIST-TYPE");
  }
}
