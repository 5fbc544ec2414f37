package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.media.PlaybackDecision.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The playback decision per video, from stream descriptions as ffprobe gives them. */
class PlaybackDecisionTest {

  static MediaInfo.Stream video(int index, String codec, String profile, String pix) {
    return new MediaInfo.Stream(index, "video", codec, profile, 40, 1920, 1080, 25.0, null, pix, null, null, null, null,
        null, true);
  }

  static MediaInfo.Stream audio(int index, String codec, boolean isDefault) {
    return new MediaInfo.Stream(index, "audio", codec, "LC", null, null, null, null, 128_000L, null, null, 2, "stereo",
        "eng", null, isDefault);
  }

  static MediaInfo info(String container, MediaInfo.Stream... streams) {
    return new MediaInfo(container, 60.0, 5_000_000L, List.of(streams), List.of());
  }

  @Test
  void decide_h264AacInMp4_isDirect() {
    PlaybackDecision d = PlaybackDecision.decide(info("mov,mp4,m4a,3gp,3g2,mj2", video(0, "h264", "High", "yuv420p"),
        audio(1, "aac", true)), "video/mp4", false);
    assertThat(d.mode()).isEqualTo(Mode.DIRECT);
    assertThat(d.reason()).contains("h264/aac").contains("MP4");
  }

  @Test
  void decide_hevcInMatroska_isRemux() {
    PlaybackDecision d = PlaybackDecision.decide(info("matroska,webm", video(0, "hevc", "Main", "yuv420p"),
        audio(1, "aac", true)), "video/x-matroska", false);
    assertThat(d.mode()).isEqualTo(Mode.REMUX);
    assertThat(d.copyVideo()).isTrue();
    assertThat(d.copyAudio()).isTrue();
    assertThat(d.reason()).contains("Matroska");
  }

  @Test
  void decide_hevcInMp4_isRemux_becauseBrowsersDoNotAllDecodeIt() {
    PlaybackDecision d = PlaybackDecision.decide(info("mov,mp4", video(0, "hevc", "Main 10", "yuv420p10le"),
        audio(1, "aac", true)), "video/mp4", false);
    assertThat(d.mode()).isEqualTo(Mode.REMUX);
  }

  @Test
  void decide_tenBitH264_transcodesVideo_andTheAudioWithIt() {
    PlaybackDecision d = PlaybackDecision.decide(info("mov,mp4", video(0, "h264", "High 10", "yuv420p10le"),
        audio(1, "aac", true)), "video/mp4", false);
    assertThat(d.mode()).isEqualTo(Mode.TRANSCODE);
    assertThat(d.copyVideo()).isFalse();
    assertThat(d.copyAudio()).isFalse();
    assertThat(d.reason()).contains("10-bit").contains("re-encoded with it");
  }

  @Test
  void decide_vp9InMatroska_transcodes_butVp9InWebm_isDirect() {
    assertThat(PlaybackDecision.decide(info("matroska,webm", video(0, "vp9", "Profile 0", "yuv420p"), audio(1, "opus", true)),
        "video/x-matroska", false).mode()).isEqualTo(Mode.TRANSCODE);
    assertThat(PlaybackDecision.decide(info("matroska,webm", video(0, "vp9", "Profile 0", "yuv420p"), audio(1, "opus", true)),
        "video/webm", false).mode()).isEqualTo(Mode.DIRECT);
  }

  @Test
  void decide_h264WithDts_transcodesOnlyTheAudio() {
    PlaybackDecision d = PlaybackDecision.decide(info("matroska,webm", video(0, "h264", "High", "yuv420p"),
        audio(1, "dts", true)), "video/x-matroska", false);
    assertThat(d.mode()).isEqualTo(Mode.TRANSCODE);
    assertThat(d.copyVideo()).isTrue();
    assertThat(d.copyAudio()).isFalse();
    assertThat(d.reason()).contains("dts").contains("only the audio");
  }

  @Test
  void decide_twoAudioTracks_picksTheDefault() {
    PlaybackDecision d = PlaybackDecision.decide(info("matroska,webm", video(0, "h264", "High", "yuv420p"),
        audio(1, "aac", false), audio(2, "ac3", true)), "video/x-matroska", false);
    assertThat(d.audio()).hasValueSatisfying(a -> assertThat(a.index()).isEqualTo(2));
    assertThat(d.mode()).isEqualTo(Mode.REMUX);
  }

  @Test
  void decide_mpeg2_transcodes_andPackagedWins() {
    MediaInfo mpeg2 = info("mpegts", video(0, "mpeg2video", "Main", "yuv420p"), audio(1, "mp2", true));
    PlaybackDecision d = PlaybackDecision.decide(mpeg2, "video/mp2t", false);
    assertThat(d.mode()).isEqualTo(Mode.TRANSCODE);
    assertThat(d.reason()).contains("mpeg2video").contains("mp2");
    assertThat(PlaybackDecision.decide(mpeg2, "video/mp2t", true).mode()).isEqualTo(Mode.PACKAGED);
  }
}
