package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.playlist.MasterPlaylist.Groups;
import dev.kanal.playlist.MasterPlaylist.HdcpLevel;
import dev.kanal.playlist.MasterPlaylist.IFrameVariant;
import dev.kanal.playlist.MasterPlaylist.Rendition;
import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MasterPlaylist.Resolution;
import dev.kanal.playlist.MasterPlaylist.Selection;
import dev.kanal.playlist.MasterPlaylist.SessionData;
import dev.kanal.playlist.MasterPlaylist.StreamInfo;
import dev.kanal.playlist.MasterPlaylist.Variant;
import dev.kanal.playlist.MasterPlaylist.VideoRange;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class MasterPlaylistParserTest {

  static MasterPlaylist master(String text) throws PlaylistParseException {
    Playlist p = Playlists.parse(text);
    assertThat(p).isInstanceOf(MasterPlaylist.class);
    return (MasterPlaylist) p;
  }

  @Test
  void parseMasterPlaylist_streamInf_readsEveryAttribute() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-VERSION:12
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",URI="a.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=2177116,AVERAGE-BANDWIDTH=2168183,SCORE=1.5,CODECS="avc1.640020,mp4a.40.2",SUPPLEMENTAL-CODECS="dvh1.08.07/db4h",RESOLUTION=1280x720,FRAME-RATE=59.940,HDCP-LEVEL=TYPE-1,ALLOWED-CPC="com.example.drm1:SMART-TV/PC",VIDEO-RANGE=PQ,REQ-VIDEO-LAYOUT="CH-STEREO",STABLE-VARIANT-ID="v1",AUDIO="aud",VIDEO="vid",SUBTITLES="sub",CLOSED-CAPTIONS="cc1",PATHWAY-ID="CDN-A"
        v5/prog_index.m3u8
        """);
    Variant v = p.variants().getFirst();
    assertThat(v.uri()).isEqualTo("v5/prog_index.m3u8");
    assertThat(v.line()).isEqualTo(5);
    StreamInfo s = v.stream();
    assertThat(s.bandwidth()).isEqualTo(OptionalLong.of(2177116));
    assertThat(s.averageBandwidth()).isEqualTo(OptionalLong.of(2168183));
    assertThat(s.score()).contains(new BigDecimal("1.5"));
    assertThat(s.codecs()).contains("avc1.640020,mp4a.40.2");
    assertThat(s.supplementalCodecs()).contains("dvh1.08.07/db4h");
    assertThat(s.resolution()).contains(new Resolution(1280, 720));
    assertThat(s.resolution().orElseThrow()).hasToString("1280x720");
    assertThat(v.frameRate()).contains(new BigDecimal("59.940"));
    assertThat(s.hdcpLevel()).contains(HdcpLevel.TYPE_1);
    assertThat(s.allowedCpc()).contains("com.example.drm1:SMART-TV/PC");
    assertThat(s.videoRange()).contains(VideoRange.PQ);
    assertThat(s.reqVideoLayout()).contains("CH-STEREO");
    assertThat(s.stableVariantId()).contains("v1");
    assertThat(s.pathwayId()).contains("CDN-A");
    assertThat(v.groups()).isEqualTo(new Groups(Optional.of("aud"), Optional.of("vid"), Optional.of("sub"),
        Optional.of("cc1"), false));
    assertThat(p.header().version()).isEqualTo(OptionalInt.of(12));
    assertThat(p.header().independentSegments()).isTrue();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parseMasterPlaylist_closedCaptionsNone_isNotAGroup() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CLOSED-CAPTIONS=NONE\nlow.m3u8\n");
    assertThat(p.variants().getFirst().groups().closedCaptionsNone()).isTrue();
    assertThat(p.variants().getFirst().groups().closedCaptions()).isEmpty();
  }

  @Test
  void parseMasterPlaylist_iframeStreamInf_readsUriAndStreamInfo() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-I-FRAME-STREAM-INF:AVERAGE-BANDWIDTH=183689,BANDWIDTH=187492,CODECS="avc1.64002a",RESOLUTION=1920x1080,URI="v7/iframe_index.m3u8",VIDEO="AVC-0",VIDEO-RANGE=SDR
        """);
    IFrameVariant v = p.iframeVariants().getFirst();
    assertThat(v.uri()).isEqualTo("v7/iframe_index.m3u8");
    assertThat(v.stream().bandwidth()).isEqualTo(OptionalLong.of(187492));
    assertThat(v.stream().resolution()).contains(new Resolution(1920, 1080));
    assertThat(v.stream().videoRange()).contains(VideoRange.SDR);
    assertThat(v.video()).contains("AVC-0");
  }

  @Test
  void parseMasterPlaylist_media_readsEveryAttribute() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-MEDIA:LANGUAGE="sv",AUTOSELECT=YES,TYPE=AUDIO,GROUP-ID="audio",DEFAULT=YES,NAME="Originalljud",ASSOC-LANGUAGE="en",CHARACTERISTICS="public.accessibility.describes-music-and-sound",CHANNELS="6",STABLE-RENDITION-ID="a1",URI="a/a.m3u8"
        #EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc1",LANGUAGE="en",NAME="English",INSTREAM-ID="CC1"
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="sub1",NAME="English",FORCED=YES,URI="s.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=1000
        v.m3u8
        """);
    Rendition a = p.renditions().get(0);
    assertThat(a).isEqualTo(new Rendition(2, RenditionType.AUDIO, "audio", Optional.of("Originalljud"),
        Optional.of("a/a.m3u8"), Optional.of("sv"), Optional.of("en"), new Selection(true, true, false),
        Optional.empty(), Optional.of("public.accessibility.describes-music-and-sound"), Optional.of("6"),
        Optional.of("a1")));
    assertThat(p.renditions().get(1).instreamId()).contains("CC1");
    assertThat(p.renditions().get(1).type()).isEqualTo(RenditionType.CLOSED_CAPTIONS);
    assertThat(p.renditions().get(2).selection().forced()).isTrue();
    assertThat(p.renditions(RenditionType.AUDIO, "audio")).containsExactly(a);
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void parseMasterPlaylist_sessionDataKeysAndSteering_areRead() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-CONTENT-STEERING:SERVER-URI="/steering?video=00012",PATHWAY-ID="CDN-A"
        #EXT-X-SESSION-DATA:DATA-ID="com.example.lyrics",URI="lyrics.json",FORMAT=JSON
        #EXT-X-SESSION-DATA:DATA-ID="com.example.title",LANGUAGE="en",VALUE="This is an example"
        #EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://k",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"
        #EXT-X-STREAM-INF:BANDWIDTH=1000
        v.m3u8
        """);
    assertThat(p.contentSteering()).contains(
        new MasterPlaylist.ContentSteering("/steering?video=00012", Optional.of("CDN-A")));
    assertThat(p.sessionData()).containsExactly(
        new SessionData(3, "com.example.lyrics", Optional.empty(), Optional.of("lyrics.json"), Optional.of("JSON"),
            Optional.empty()),
        new SessionData(4, "com.example.title", Optional.of("This is an example"), Optional.empty(),
            Optional.empty(), Optional.of("en")));
    assertThat(p.sessionKeys()).containsExactly(new HlsKey(HlsKey.Method.SAMPLE_AES, Optional.of("skd://k"),
        Optional.empty(), Optional.of("com.apple.streamingkeydelivery"), Optional.of("1")));
  }

  @Test
  void parseMasterPlaylist_define_substitutesInUriLinesAndQuotedValues() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-DEFINE:NAME="auth",VALUE="?auth_token=/aazv/54334:pp2"
        #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",URI="a.m3u8{$auth}"
        #EXT-X-STREAM-INF:BANDWIDTH=1156000,RESOLUTION=640x480,CODECS="avc1.4d001e,mp4a.40.2",AUDIO="aud"
        bipbop_gear1/prog_index.m3u8{$auth}
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.variants().getFirst().uri()).isEqualTo("bipbop_gear1/prog_index.m3u8?auth_token=/aazv/54334:pp2");
    assertThat(p.renditions().getFirst().uri()).contains("a.m3u8?auth_token=/aazv/54334:pp2");
  }

  @Test
  void parseMasterPlaylist_defineImport_isNotAllowedInMultivariant() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-DEFINE:IMPORT=\"x\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n");
    assertThat(p.warnings()).extracting(ParseWarning::message).first().asString().contains("IMPORT");
  }

  @Test
  void parseMasterPlaylist_missingBandwidth_warnsAndKeepsVariant() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"avc1.4d401f\"\nv.m3u8\n");
    assertThat(p.variants().getFirst().stream().bandwidth()).isEmpty();
    assertThat(p.warnings()).containsExactly(new ParseWarning(2, "required attribute BANDWIDTH is missing"));
  }

  @Test
  void parseMasterPlaylist_unknownEnumerations_warnAndAreLeftOut() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-MEDIA:TYPE=HOLOGRAM,GROUP-ID="h",NAME="3D"
        #EXT-X-STREAM-INF:BANDWIDTH=1,HDCP-LEVEL=TYPE-9,VIDEO-RANGE=XDR,RESOLUTION=big
        v.m3u8
        """);
    assertThat(p.renditions()).isEmpty();
    assertThat(p.variants().getFirst().stream().hdcpLevel()).isEmpty();
    assertThat(p.variants().getFirst().stream().videoRange()).isEmpty();
    assertThat(p.variants().getFirst().stream().resolution()).isEmpty();
    assertThat(p.warnings()).extracting(ParseWarning::message).containsExactly(
        "unknown TYPE value \"HOLOGRAM\"", "#EXT-X-MEDIA without a valid TYPE and GROUP-ID is ignored",
        "RESOLUTION is not a decimal-resolution: big", "unknown HDCP-LEVEL value \"TYPE-9\"",
        "unknown VIDEO-RANGE value \"XDR\"");
  }

  @Test
  void parseMasterPlaylist_streamInfWithoutUri_warns() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n#EXT-X-STREAM-INF:BANDWIDTH=2\nb.m3u8\n"
        + "#EXT-X-STREAM-INF:BANDWIDTH=3\n");
    assertThat(p.variants()).extracting(Variant::uri).containsExactly("b.m3u8");
    assertThat(p.variants().getFirst().stream().bandwidth()).isEqualTo(OptionalLong.of(2));
    assertThat(p.warnings()).extracting(ParseWarning::line).containsExactly(2, 5);
  }

  @Test
  void parseMasterPlaylist_uriWithoutStreamInf_isIgnoredWithWarning() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\nstray.m3u8\n");
    assertThat(p.variants()).hasSize(1);
    assertThat(p.warnings()).containsExactly(new ParseWarning(4, "URI line without #EXT-X-STREAM-INF is ignored"));
  }

  @Test
  void parseMasterPlaylist_unknownTags_keepPositionAmongVariants() throws Exception {
    MasterPlaylist p = master("""
        #EXTM3U
        #EXT-X-MY-CUSTOM-TAG:WithSomeAttributes=8
        #EXT-X-STREAM-INF:BANDWIDTH=1,XYZ=9
        a.m3u8
        #EXT-X-OTHER
        #EXT-X-STREAM-INF:BANDWIDTH=2
        b.m3u8
        """);
    assertThat(p.warnings()).isEmpty();
    assertThat(p.unknownTags()).containsExactly(new HlsUnknownTag(2, 0, "#EXT-X-MY-CUSTOM-TAG:WithSomeAttributes=8"),
        new HlsUnknownTag(5, 1, "#EXT-X-OTHER"));
  }

  @Test
  void parseMasterPlaylist_mediaTagInMultivariant_warnsInLenientAndThrowsInStrict() throws Exception {
    String text = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXTINF:10,\n";
    MasterPlaylist p = master(text);
    assertThat(p.unknownTags()).extracting(HlsUnknownTag::text).containsExactly("#EXTINF:10,");
    assertThatThrownBy(() -> Playlists.parse(text, ParseOptions.DEFAULTS.withStrict(true)))
        .isInstanceOf(PlaylistParseException.class)
        .hasMessageContaining("line 4");
  }

  @Test
  void parseMasterPlaylist_quotedStringWithCommas_isOneValue() throws Exception {
    MasterPlaylist p = master("#EXTM3U\n#EXT-X-STREAM-INF:CODECS=\"a,b,c\",BANDWIDTH=5\nhls,v6/v6.m3u8\n");
    assertThat(p.variants()).singleElement().satisfies(v -> {
      assertThat(v.stream().codecs()).contains("a,b,c");
      assertThat(v.uri()).isEqualTo("hls,v6/v6.m3u8");
      assertThat(v.stream().bandwidth()).isEqualTo(OptionalLong.of(5));
    });
    assertThat(List.copyOf(p.warnings())).isEmpty();
  }
}
