package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.PackagingConfig;
import dev.kanal.config.KanalConfig.RungConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder choice, the key-frame plan and the codec strings, without ffmpeg. */
class LadderTest {

  static final List<RungConfig> DEFAULT = PackagingConfig.defaults().ladder();

  static MediaInfo source(String codec, String profile, int w, int h, Long videoBps, String pix, String hdr,
      Long audioBps) {
    List<MediaInfo.Stream> streams = new java.util.ArrayList<>();
    streams.add(new MediaInfo.Stream(0, "video", codec, profile, 40, w, h, 25.0, videoBps, pix, hdr, null, null,
        null, null, true));
    if (audioBps != null) {
      streams.add(new MediaInfo.Stream(1, "audio", "aac", "LC", null, null, null, null, audioBps, null, null, 2,
          "stereo", null, null, true));
    }
    return new MediaInfo("mov,mp4", 120.0, null, streams, List.of());
  }

  static MediaInfo h264(int w, int h, long videoBps) {
    return source("h264", "High", w, h, videoBps, "yuv420p", null, 128_000L);
  }

  @Test
  void choose_1080pSource_getsAllThreeRungs_topOneCopied() {
    List<Ladder.Rung> ladder = Ladder.choose(DEFAULT, h264(1920, 1080, 5_000_000));
    assertThat(ladder).extracting(Ladder.Rung::name).containsExactly("1080p", "720p", "480p");
    assertThat(ladder).extracting(Ladder.Rung::copyVideo).containsExactly(true, false, false);
  }

  @Test
  void choose_720pSource_getsNo1080pRung() {
    List<Ladder.Rung> ladder = Ladder.choose(DEFAULT, h264(1280, 720, 2_500_000));
    assertThat(ladder).extracting(Ladder.Rung::name).containsExactly("720p", "480p");
    assertThat(ladder).allMatch(r -> r.boxHeight() <= 720);
    assertThat(ladder.getFirst().copyVideo()).isTrue();
  }

  @Test
  void choose_neverAddsARungAboveTheSourceHeight_forAnyHeight() {
    for (int h = 144; h <= 2160; h += 2) {
      int w = (int) Math.round(h * 16 / 9.0) & ~1;
      for (Ladder.Rung r : Ladder.choose(DEFAULT, h264(w, h, 1_000_000))) {
        int[] size = Ladder.outputSize(w, h, r);
        assertThat(size[1]).as("height %d rung %s", h, r.name()).isLessThanOrEqualTo(h);
        assertThat(size[0]).isLessThanOrEqualTo(w);
        if (h < 1080) {
          assertThat(r.name()).isNotEqualTo("1080p");
        }
      }
    }
  }

  @Test
  void choose_cinemascope1920x800_keeps1080pRungAtTheSourceSize() {
    List<Ladder.Rung> ladder = Ladder.choose(DEFAULT, h264(1920, 800, 4_000_000));
    assertThat(ladder).extracting(Ladder.Rung::name).containsExactly("1080p", "720p", "480p");
    assertThat(Ladder.outputSize(1920, 800, ladder.get(0))).containsExactly(1920, 800);
    assertThat(Ladder.outputSize(1920, 800, ladder.get(1))).containsExactly(1280, 534);
    assertThat(ladder.getFirst().copyVideo()).isTrue();
  }

  @Test
  void choose_portraitSource_usesPortraitBoxes() {
    List<Ladder.Rung> ladder = Ladder.choose(DEFAULT, h264(1080, 1920, 4_000_000));
    assertThat(ladder).extracting(Ladder.Rung::name).containsExactly("1080p", "720p", "480p");
    assertThat(Ladder.outputSize(1080, 1920, ladder.get(1))).containsExactly(720, 1280);
  }

  @Test
  void choose_sourceSmallerThanEveryRung_getsOneRungAtItsOwnSize() {
    List<Ladder.Rung> ladder = Ladder.choose(DEFAULT, h264(320, 180, 200_000));
    assertThat(ladder).hasSize(1);
    assertThat(Ladder.outputSize(320, 180, ladder.getFirst())).containsExactly(320, 180);
    assertThat(ladder.getFirst().videoKbps()).isLessThan(1500);
    assertThat(ladder.getFirst().copyVideo()).isTrue();
  }

  @Test
  void choose_copiesOnlyH264Within10PercentOfTheRungBitRate() {
    assertThat(Ladder.choose(DEFAULT, h264(1920, 1080, 6_600_000)).getFirst().copyVideo()).isTrue();
    assertThat(Ladder.choose(DEFAULT, h264(1920, 1080, 6_700_000)).getFirst().copyVideo()).isFalse();
    assertThat(Ladder.choose(DEFAULT, source("hevc", "Main", 1920, 1080, 3_000_000L, "yuv420p", null, null))
        .getFirst().copyVideo()).isFalse();
    assertThat(Ladder.choose(DEFAULT, source("h264", "High 10", 1920, 1080, 3_000_000L, "yuv420p10le", null, null))
        .getFirst().copyVideo()).isFalse();
    assertThat(Ladder.choose(DEFAULT, source("h264", "High", 1920, 1080, 3_000_000L, "yuv420p", "PQ", null))
        .getFirst().copyVideo()).isFalse();
    // Unknown bit rate: not copied (could be far above the rung).
    assertThat(Ladder.choose(DEFAULT, source("h264", "High", 1920, 1080, null, "yuv420p", null, null))
        .getFirst().copyVideo()).isFalse();
  }

  @Test
  void choose_audioIsCopiedIntoEveryRungOrNone() {
    // 128 kbit/s AAC fits the 128k rungs but not the 96k one: encoded everywhere.
    assertThat(Ladder.choose(DEFAULT, h264(1920, 1080, 5_000_000))).noneMatch(Ladder.Rung::copyAudio);
    assertThat(Ladder.choose(DEFAULT, source("h264", "High", 1920, 1080, 5_000_000L, "yuv420p", null, 96_000L)))
        .allMatch(Ladder.Rung::copyAudio);
  }

  @Test
  void choose_withoutVideo_isRefused() {
    MediaInfo audioOnly = new MediaInfo("mp3", 60.0, 128_000L, List.of(new MediaInfo.Stream(0, "audio", "mp3", null,
        null, null, null, null, 128_000L, null, null, 2, "stereo", null, null, true)), List.of());
    assertThatThrownBy(() -> Ladder.choose(DEFAULT, audioOnly)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keyframes_cutsFollowTheMuxerRule() {
    Keyframes every2 = Keyframes.of(List.of(0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0), 0, 15.0);
    assertThat(every2.cuts(6)).containsExactly(6.0, 12.0);
    assertThat(every2.longestSegment(6)).isEqualTo(6.0);
    // Every 5 s: cut at the first key frame at or after 6, 12, 18 ...
    Keyframes every5 = Keyframes.of(List.of(0.0, 5.0, 10.0, 15.0, 20.0, 25.0), 0, 30.0);
    assertThat(every5.cuts(6)).containsExactly(10.0, 15.0, 20.0, 25.0);
    assertThat(every5.longestSegment(6)).isEqualTo(10.0);
    // A start time is subtracted; decode order is sorted.
    Keyframes shifted = Keyframes.of(List.of(1.4, 5.4, 3.4), 1.4, 10);
    assertThat(shifted.times()).containsExactly(0.0, 2.0, 4.0);
  }

  @Test
  void keyframes_forceList_isHalfAFrameEarly_andThinnedWhenTooLong() {
    Keyframes k = Keyframes.of(List.of(0.0, 2.0, 4.0, 6.0), 0, 8);
    assertThat(k.forceList(6, 25)).isEqualTo("0.000,1.980,3.980,5.980");
    List<Double> many = new java.util.ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      many.add(i * 0.5);
    }
    Keyframes dense = Keyframes.of(many, 0, 20_000);
    String list = dense.forceList(6, 25);
    assertThat(list.length()).isLessThan(Keyframes.MAX_ARGUMENT);
    assertThat(list).startsWith("0.000,5.980,11.980,");
  }

  @Test
  void plan_noCopiedRung_usesA2SecondGridOnEveryRung() throws Exception {
    Packager p = new Packager(Path.of("ffmpeg"), Path.of("ffprobe"), PackagingConfig.defaults(), Duration.ofSeconds(6));
    assertThat(p.grid()).isEqualTo("expr:gte(t,n_forced*2.000000)");
    Packager five = new Packager(Path.of("ffmpeg"), Path.of("ffprobe"), PackagingConfig.defaults(), Duration.ofSeconds(5));
    assertThat(five.grid()).isEqualTo("expr:gte(t,n_forced*1.666667)");
    MediaInfo hevc = source("hevc", "Main", 1920, 1080, 3_000_000L, "yuv420p", null, 128_000L);
    Packager.Plan plan = p.plan(Path.of("unused"), hevc);
    assertThat(plan.fmp4()).as("HEVC goes to fMP4 in auto").isTrue();
    assertThat(plan.forceKeyFrames()).isEqualTo(p.grid());
    List<String> cmd = p.command(plan, Path.of("in.mkv"), hevc, Path.of("/out"));
    assertThat(String.join(" ", cmd)).contains("split=3").contains("-hls_segment_type fmp4")
        .contains("name:1080p").doesNotContain("copy");
  }

  @Test
  void codecStrings_fromTraceAndFromProfileNames() {
    String trace = """
        [trace_headers @ 0x1] 8           profile_idc                                          01001101 = 77
        [trace_headers @ 0x1] 16          constraint_set0_flag                                        0 = 0
        [trace_headers @ 0x1] 17          constraint_set1_flag                                        1 = 1
        [trace_headers @ 0x1] 24          level_idc                                            00011111 = 31
        [trace_headers @ 0x1] 8           profile_idc                                          01100100 = 100
        """;
    assertThat(CodecStrings.fromTrace(trace).codecs()).isEqualTo("avc1.4d401f");
    assertThat(CodecStrings.fromTrace("nothing")).isNull();
    assertThat(CodecStrings.fromProbe("High", 40).codecs()).isEqualTo("avc1.640028");
    assertThat(CodecStrings.fromProbe("Constrained Baseline", 30).codecs()).isEqualTo("avc1.42401e");
    assertThat(CodecStrings.aac("LC")).isEqualTo("mp4a.40.2");
    assertThat(CodecStrings.aac("HE-AAC")).isEqualTo("mp4a.40.5");
  }
}
