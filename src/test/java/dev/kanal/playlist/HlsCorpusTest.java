package dev.kanal.playlist;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MasterPlaylist.RenditionType;
import dev.kanal.playlist.MediaPlaylist.Segment;
import dev.kanal.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every HLS file of the shared corpus parses with the right kind; counts were taken independently
 * (grep of #EXTINF, #EXT-X-STREAM-INF, #EXT-X-I-FRAME-STREAM-INF, #EXT-X-MEDIA lines; exact sums of
 * the EXTINF values).
 */
class HlsCorpusTest {

  static Playlist parse(String relative) throws IOException, PlaylistParseException {
    try (InputStream in = Files.newInputStream(Corpus.file(relative))) {
      return Playlists.parse(in, ParseOptions.DEFAULTS);
    }
  }

  static Stream<Arguments> mediaFiles() {
    return Stream.of(
        Arguments.of("hls/globocom/relative-playlist.m3u8", 6, "31320"),
        Arguments.of("hls/globocom/simple-playlist.m3u8", 1, "5220"),
        Arguments.of("hls/m3u8-parser/media/apple-media.m3u8", 100, "600.00000"),
        Arguments.of("hls/m3u8-parser/media/iframe.m3u8", 7, "22.4"),
        Arguments.of("hls/m3u8-parser/media/issue-17.m3u8", 2, "0.960011"),
        Arguments.of("hls/m3u8-parser/media/ll-hls-byteranges.m3u8", 3, "12.00024"),
        Arguments.of("hls/m3u8-parser/media/ll-hls.m3u8", 4, "16.00032"),
        Arguments.of("hls/m3u8-parser/media/media-lenient.m3u8", 3, "18.00000"),
        Arguments.of("hls/m3u8-parser/media/media-playlist-with-date-range-and-cue-out-cue-in.m3u8", 8, "48.000"),
        Arguments.of("hls/m3u8-parser/media/media-playlist-with-date-range-and-cue-out-cue-in_2.m3u8", 8, "48.000"),
        Arguments.of("hls/m3u8-parser/media/media-playlist-with-date-range.m3u8", 8, "48.000"),
        Arguments.of("hls/m3u8-parser/media/media-variables.m3u8", 1, "6.0"),
        Arguments.of("hls/m3u8-parser/media/mp4-iframe.m3u8", 1275, "4080.0"),
        Arguments.of("hls/m3u8-parser/media/mp4.m3u8", 5, "16.0"),
        Arguments.of("hls/m3u8-parser/media/variant.m3u8", 7, "22.4"),
        Arguments.of("hls/m3u8-parser/open-m3u8/liveMediaPlaylist.m3u8", 3, "23.891"),
        Arguments.of("hls/m3u8-parser/open-m3u8/negativeDurationMediaPlaylist.m3u8", 3, "-3"),
        Arguments.of("hls/m3u8-parser/open-m3u8/playlistWithEncryptedMediaSegments.m3u8", 4, "46.166"),
        Arguments.of("hls/m3u8-parser/open-m3u8/playlistWithMultipleEncryptedMediaSegments.m3u8", 4, "46.166"),
        Arguments.of("hls/m3u8-parser/open-m3u8/simpleMediaPlaylist.m3u8", 3, "21.021"),
        Arguments.of("hls/m3u8-parser/open-m3u8/twoMediaPlaylists.m3u8", 5, "39.042"),
        Arguments.of("hls/m3u8-parser/open-m3u8/withDiscontinuity.m3u8", 5, "50"));
  }

  static Stream<Arguments> masterFiles() {
    return Stream.of(
        Arguments.of("hls/m3u8-parser/multivariant/apple-multivariant.m3u8", 24, 6, 5),
        Arguments.of("hls/m3u8-parser/multivariant/content-steering.m3u8", 4, 1, 2),
        Arguments.of("hls/m3u8-parser/multivariant/multivariant-alt-video.m3u8", 2, 4, 5),
        Arguments.of("hls/m3u8-parser/multivariant/multivariant-lenient.m3u8", 1, 0, 0),
        Arguments.of("hls/m3u8-parser/multivariant/multivariant-variables.m3u8", 1, 0, 0),
        Arguments.of("hls/m3u8-parser/multivariant/multivariant.m3u8", 7, 7, 2),
        Arguments.of("hls/m3u8-parser/open-m3u8/multivariantPlaylist.m3u8", 4, 0, 0),
        Arguments.of("hls/m3u8-parser/open-m3u8/multivariantPlaylistWithAlternativeAudio.m3u8", 4, 0, 3),
        Arguments.of("hls/m3u8-parser/open-m3u8/multivariantPlaylistWithAlternativeVideo.m3u8", 4, 0, 9),
        Arguments.of("hls/m3u8-parser/open-m3u8/multivariantPlaylistWithIFrames.m3u8", 4, 3, 0));
  }

  /** Every .m3u8 under hls/ of the corpus, to be sure the two lists above miss none. */
  static List<String> allHlsFiles() throws IOException {
    Path root = Corpus.root();
    try (Stream<Path> files = Files.walk(root.resolve("hls"))) {
      return files.filter(f -> f.toString().endsWith(".m3u8")).map(f -> root.relativize(f).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  @Test
  void corpus_everyHlsFile_isListedWithItsExpectedKind() throws IOException {
    List<String> listed = Stream.concat(mediaFiles(), masterFiles()).map(a -> (String) a.get()[0]).sorted().toList();
    assertThat(listed).isEqualTo(allHlsFiles());
  }

  @ParameterizedTest
  @MethodSource("mediaFiles")
  void parseCorpus_mediaPlaylist_hasExpectedSegmentsAndExactTotal(String file, int segments, String total)
      throws Exception {
    Playlist p = parse(file);
    assertThat(p).isInstanceOf(MediaPlaylist.class);
    MediaPlaylist m = (MediaPlaylist) p;
    assertThat(m.segments()).hasSize(segments);
    assertThat(m.totalDurationSeconds()).isEqualTo(new BigDecimal(total));
  }

  @ParameterizedTest
  @MethodSource("masterFiles")
  void parseCorpus_multivariantPlaylist_hasExpectedVariantsAndRenditions(String file, int variants, int iframes,
      int renditions) throws Exception {
    Playlist p = parse(file);
    assertThat(p).isInstanceOf(MasterPlaylist.class);
    MasterPlaylist m = (MasterPlaylist) p;
    assertThat(m.variants()).hasSize(variants);
    assertThat(m.iframeVariants()).hasSize(iframes);
    assertThat(m.renditions()).hasSize(renditions);
    assertThat(m.warnings()).isEmpty();
  }

  @Test
  void parseCorpus_appleMedia_resolvesByteRangesAndMap() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/apple-media.m3u8");
    assertThat(m.warnings()).isEmpty();
    assertThat(m.header().version()).hasValue(7);
    assertThat(m.header().independentSegments()).isTrue();
    assertThat(m.playlistType()).contains(MediaPlaylist.PlaylistType.VOD);
    Segment first = m.segments().getFirst();
    assertThat(first.byteRange()).contains(new HlsByteRange(1508000, 719));
    assertThat(first.map()).contains(new MediaPlaylist.InitSection("main.mp4", Optional.of(new HlsByteRange(719, 0))));
    assertThat(first.title()).isEmpty();
    assertThat(m.segments().getLast().byteRange()).contains(new HlsByteRange(1504803, 148977509));
    assertThat(m.segments()).extracting(Segment::mediaSequence).startsWith(1L, 2L).endsWith(100L);
    for (int i = 1; i < m.segments().size(); i++) {
      assertThat(m.segments().get(i).byteRange().orElseThrow().offset())
          .isEqualTo(m.segments().get(i - 1).byteRange().orElseThrow().end());
    }
  }

  @Test
  void parseCorpus_llHls_groupsPartsWithTheirSegment() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/ll-hls.m3u8");
    assertThat(m.warnings()).isEmpty();
    assertThat(m.segments()).extracting(Segment::uri).containsExactly("fileSequence269.mp4", "fileSequence270.mp4",
        "fileSequence271.mp4", "fileSequence272.mp4");
    assertThat(m.segments()).extracting(Segment::mediaSequence).containsExactly(269L, 270L, 271L, 272L);
    assertThat(m.segments()).extracting(s -> s.parts().size()).containsExactly(0, 0, 12, 12);
    assertThat(m.segments().get(3).programDateTime()).contains(OffsetDateTime.parse("2019-02-14T02:14:00.106Z"));
    assertThat(m.lowLatency().trailingParts()).hasSize(4);
    assertThat(m.lowLatency().preloadHints()).singleElement()
        .extracting(MediaPlaylist.PreloadHint::uri).isEqualTo("filePart273.4.mp4");
    assertThat(m.lowLatency().renditionReports()).hasSize(2);
    assertThat(m.lowLatency().skip()).contains(new MediaPlaylist.Skip(3, List.of()));
  }

  @Test
  void parseCorpus_llHlsByteRanges_readsPartRanges() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/ll-hls-byteranges.m3u8");
    assertThat(m.segments().get(2).parts()).hasSize(10);
    assertThat(m.segments().get(2).parts().get(9).byteRange()).contains(new HlsByteRange(1589, 16474));
    assertThat(m.lowLatency().trailingParts()).extracting(p -> p.byteRange().orElseThrow().offset())
        .containsExactly(0L, 1949L, 3778L, 5658L);
  }

  @Test
  void parseCorpus_iframe_assumesOffsetZeroWhenThePreviousRangeIsAnotherResource() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/iframe.m3u8");
    assertThat(m.iFramesOnly()).isTrue();
    assertThat(m.segments().get(3).byteRange()).contains(new HlsByteRange(14100, 0));
    assertThat(m.warnings()).extracting(ParseWarning::line).containsExactly(7, 17);
  }

  @Test
  void parseCorpus_dateRangeAndCues_keepsDateRangeAndCueTags() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse(
        "hls/m3u8-parser/media/media-playlist-with-date-range-and-cue-out-cue-in.m3u8");
    MediaPlaylist.DateRange d = m.segments().get(1).dateRanges().getFirst();
    assertThat(d.id()).isEqualTo("20");
    assertThat(d.plannedDurationSeconds()).contains(new BigDecimal("19"));
    assertThat(d.attribute("SCTE35-OUT")).hasValueSatisfying(v -> assertThat(v).startsWith("0xFC3020"));
    assertThat(m.segments().get(1).programDateTime()).contains(OffsetDateTime.parse("2020-06-03T14:56:00Z"));
    assertThat(m.unknownTags()).extracting(HlsUnknownTag::position, HlsUnknownTag::text).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "#EXT-X-CUE-OUT:19"), org.assertj.core.groups.Tuple.tuple(4, "#EXT-X-CUE-IN"));
  }

  @Test
  void parseCorpus_dateRange_readsBothRangesWithOffsets() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/media-playlist-with-date-range.m3u8");
    assertThat(m.segments().get(1).dateRanges().getFirst().attribute("X-AD-URL")).contains("http://ad.com/acme");
    assertThat(m.segments().get(4).dateRanges().getFirst().startDate())
        .contains(OffsetDateTime.parse("2017-04-28T11:55:01.12+03:00"));
  }

  @Test
  void parseCorpus_encryptedSegments_applyKeysPerFormat() throws Exception {
    MediaPlaylist one = (MediaPlaylist) parse("hls/m3u8-parser/open-m3u8/playlistWithEncryptedMediaSegments.m3u8");
    assertThat(one.segments()).extracting(s -> s.keys().getFirst().uri().orElseThrow()).containsExactly(
        "https://priv.example.com/key.php?r=52", "https://priv.example.com/key.php?r=52",
        "https://priv.example.com/key.php?r=52", "https://priv.example.com/key.php?r=53");
    MediaPlaylist two = (MediaPlaylist) parse(
        "hls/m3u8-parser/open-m3u8/playlistWithMultipleEncryptedMediaSegments.m3u8");
    assertThat(two.segments().getFirst().keys()).extracting(k -> k.keyFormat().orElseThrow()).containsExactly("123", "456");
    assertThat(two.segments().getLast().keys()).extracting(k -> k.uri().orElseThrow()).containsExactly(
        "https://priv.example.com/key.php?r=53", "https://priv.example.com/key.php?r=63");
  }

  @Test
  void parseCorpus_relativeGlobocom_toleratesSpaceAndUppercaseHexPrefix() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/globocom/relative-playlist.m3u8");
    assertThat(m.segments().getFirst().keys().getFirst().iv()).contains("0X10ef8f758ca555115584bb5b3c687f52");
    assertThat(m.segments()).extracting(Segment::uri).containsExactly("/entire1.ts", "../entire2.ts",
        "../../entire3.ts", "entire4.ts", "./entire5.ts", ".//entire6.ts");
    assertThat(m.warnings()).hasSize(2);
  }

  @Test
  void parseCorpus_variant_readsGapBitrateDiscontinuitySequenceAndAllowCache() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/media/variant.m3u8");
    assertThat(m.discontinuitySequence()).isEqualTo(7);
    assertThat(m.segments().get(5).gap()).isTrue();
    assertThat(m.segments().get(0).bitrateKbps()).isEmpty();
    assertThat(m.segments().get(1).bitrateKbps()).isEqualTo(OptionalLong.of(500000));
    assertThat(m.unknownTags()).extracting(HlsUnknownTag::name).containsExactly("EXT-X-ALLOW-CACHE");
  }

  @Test
  void parseCorpus_negativeDuration_isReadWithWarnings() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/open-m3u8/negativeDurationMediaPlaylist.m3u8");
    assertThat(m.targetDurationSeconds()).isEmpty();
    assertThat(m.segments()).extracting(s -> s.title().orElseThrow()).containsExactly("TOP 100", "Channel 5", "Klubb");
    assertThat(m.warnings()).isNotEmpty();
  }

  @Test
  void parseCorpus_twoMediaPlaylists_readsOnAfterSecondHeader() throws Exception {
    MediaPlaylist m = (MediaPlaylist) parse("hls/m3u8-parser/open-m3u8/twoMediaPlaylists.m3u8");
    assertThat(m.segments()).extracting(Segment::uri).last().isEqualTo("http://media.example.com/fifth.ts");
    assertThat(m.warnings()).extracting(ParseWarning::message).contains("#EXTM3U appears again");
  }

  @Test
  void parseCorpus_appleMultivariant_readsVariantsRenditionsAndSteering() throws Exception {
    MasterPlaylist m = (MasterPlaylist) parse("hls/m3u8-parser/multivariant/apple-multivariant.m3u8");
    MasterPlaylist.Variant first = m.variants().getFirst();
    assertThat(first.uri()).isEqualTo("v5/prog_index.m3u8");
    assertThat(first.stream().averageBandwidth()).isEqualTo(OptionalLong.of(2168183));
    assertThat(first.stream().resolution().orElseThrow()).hasToString("960x540");
    assertThat(first.frameRate()).contains(new BigDecimal("60.000"));
    assertThat(first.groups().closedCaptions()).contains("cc1");
    assertThat(m.header().start()).contains(new HlsHeader.Start(new BigDecimal("2.4"), true));
    assertThat(m.contentSteering()).contains(
        new MasterPlaylist.ContentSteering("/steering?video=00012", Optional.of("CDN-A")));
    assertThat(m.renditions(RenditionType.AUDIO, "aud2")).singleElement()
        .satisfies(r -> assertThat(r.channels()).contains("6"));
    assertThat(m.renditions(RenditionType.CLOSED_CAPTIONS, "cc1")).singleElement()
        .satisfies(r -> assertThat(r.instreamId()).contains("CC1"));
  }

  @Test
  void parseCorpus_multivariant_readsSessionDataKeysHdcpAndVideoRange() throws Exception {
    MasterPlaylist m = (MasterPlaylist) parse("hls/m3u8-parser/multivariant/multivariant.m3u8");
    assertThat(m.sessionData()).hasSize(3);
    assertThat(m.sessionKeys()).extracting(HlsKey::method)
        .containsExactly(HlsKey.Method.AES_128, HlsKey.Method.SAMPLE_AES);
    assertThat(m.variants().get(5).stream().hdcpLevel()).contains(MasterPlaylist.HdcpLevel.TYPE_0);
    assertThat(m.variants().get(6).stream().videoRange()).contains(MasterPlaylist.VideoRange.PQ);
    assertThat(m.variants().get(6).uri()).isEqualTo("7e49634b-6e5a-42ef-b060-503610ddc517/hls,v6/v6.m3u8");
    assertThat(m.renditions().get(0).characteristics())
        .contains("public.accessibility.describes-music-and-sound,public.easy-to-read");
    assertThat(m.renditions().get(1).name()).contains("Uppläst text");
  }

  @Test
  void parseCorpus_multivariantVariables_substitutesTheVariable() throws Exception {
    MasterPlaylist m = (MasterPlaylist) parse("hls/m3u8-parser/multivariant/multivariant-variables.m3u8");
    assertThat(m.variants().getFirst().uri()).isEqualTo("bipbop_gear1/prog_index.m3u8?auth_token=/aazv/54334:pp2");
  }

  @Test
  void parseCorpus_contentSteering_readsPathwaysAndStableIds() throws Exception {
    MasterPlaylist m = (MasterPlaylist) parse("hls/m3u8-parser/multivariant/content-steering.m3u8");
    assertThat(m.variants()).extracting(v -> v.stream().pathwayId().orElseThrow())
        .containsExactly("CDN-A", "CDN-A", "CDN-B", "CDN-B");
    assertThat(m.variants().getFirst().stream().stableVariantId()).contains("Video-128");
    assertThat(m.renditions().getFirst().stableRenditionId()).contains("Audio-37262");
  }

  static Stream<Arguments> globocomExtracts() {
    return Stream.of(
        Arguments.of("low-latency-delta-update.m3u8", "media", 4),
        Arguments.of("low-latency-part.m3u8", "media", 9),
        Arguments.of("daterange-scte35-out-and-in.m3u8", "media", 7),
        Arguments.of("gap.m3u8", "media", 4),
        Arguments.of("bitrate.m3u8", "media", 2),
        Arguments.of("cue-out-elemental.m3u8", "media", 11),
        Arguments.of("multiple-keys-unencrypted-and-encrypted.m3u8", "media", 8),
        Arguments.of("delta-update-skip-dateranges.m3u8", "media", 6),
        Arguments.of("multi-media.m3u8", "master", 3),
        Arguments.of("variant-none-cc-and-audio.m3u8", "master", 2));
  }

  @ParameterizedTest
  @MethodSource("globocomExtracts")
  void parseGlobocomExtract_hasExpectedKindAndCount(String file, String kind, int count) throws Exception {
    Playlist p = Playlists.parse(HlsRoundTripTest.resource("globocom/" + file));
    assertThat(p.kind()).isEqualTo(kind);
    int actual = p instanceof MediaPlaylist m ? m.segments().size() : ((MasterPlaylist) p).variants().size();
    assertThat(actual).isEqualTo(count);
  }

  @Test
  void parseGlobocomExtract_deltaUpdate_numbersSegmentsAfterSkip() throws Exception {
    MediaPlaylist m = (MediaPlaylist) Playlists.parse(HlsRoundTripTest.resource("globocom/delta-update-skip-dateranges.m3u8"));
    assertThat(m.segments().getFirst().mediaSequence()).isEqualTo(17);
    assertThat(m.lowLatency().skip()).contains(new MediaPlaylist.Skip(16, List.of("1")));
    assertThat(m.unknownTags()).extracting(HlsUnknownTag::text)
        .containsExactly("#EXT-X-DATERANGE:ID=\"P\"", "#EXT-X-DATERANGE:ID=\"Q\"");
  }

  @Test
  void parseGlobocomExtract_elementalCues_keepsEveryCueTag() throws Exception {
    MediaPlaylist m = (MediaPlaylist) Playlists.parse(HlsRoundTripTest.resource("globocom/cue-out-elemental.m3u8"));
    assertThat(m.unknownTags()).extracting(HlsUnknownTag::name).containsExactly("EXT-OATCLS-SCTE35", "EXT-X-ASSET",
        "EXT-X-CUE-OUT", "EXT-X-CUE-OUT-CONT", "EXT-X-CUE-OUT-CONT", "EXT-X-CUE-OUT-CONT", "EXT-X-CUE-OUT-CONT",
        "EXT-X-CUE-OUT-CONT", "EXT-X-CUE-IN");
    assertThat(m.unknownTags().get(2).position()).isEqualTo(3);
  }
}
