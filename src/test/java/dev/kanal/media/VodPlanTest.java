package dev.kanal.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.VodCheck;
import org.junit.jupiter.api.Test;

/** Segment plans: cuts at key frames for copies, a fixed grid for transcodes, and the playlists they give. */
class VodPlanTest {

  @Test
  void keyframes_cutAtTheFirstKeyFrameAtLeastOneGridApart_relativeToTheFirstKeyFrame() {
    // A TS-like source starting at 1.4 s with key frames every 2.5 s, 31.4 s long.
    long[] keys = new long[13];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = 1_400_000 + i * 2_500_000L;
    }
    KeyframeIndex index = new KeyframeIndex(keys, 1_400_000, 31_400_000, new long[keys.length], 1000);
    VodPlan plan = VodPlan.keyframes(index, 6_000_000);
    assertThat(plan.starts()).containsExactly(0, 7_500_000, 15_000_000, 22_500_000);
    assertThat(plan.endMicros()).isEqualTo(31_400_000);
    assertThat(plan.originMicros()).isEqualTo(1_400_000);
    assertThat(plan.duration(3)).isEqualTo(8_900_000);
    assertThat(plan.targetDuration()).isEqualTo(9);
    assertThat(plan.segmentAt(15_000_000)).isEqualTo(2);
    assertThat(plan.segmentAt(14_999_999)).isEqualTo(1);
  }

  @Test
  void grid_foldsALastSliver_andGivesAStrictlyValidPlaylist() {
    VodPlan plan = VodPlan.grid(600_460_000, 6_000_000, 0);
    assertThat(plan.size()).isEqualTo(100);
    assertThat(plan.duration(99)).isEqualTo(6_460_000);
    String text = plan.mediaPlaylist();
    assertThat(text).contains("#EXT-X-TARGETDURATION:6\n").contains("#EXTINF:6.460000,\n99.ts\n")
        .endsWith("#EXT-X-ENDLIST\n");
    assertThat(VodCheck.validateStrict(text)).isEmpty();
    assertThat(VodCheck.startOf(text, 100)).isEqualTo(600.46);
  }

  @Test
  void grid_keepsALastSegmentOfAQuarterGridOrMore() {
    VodPlan plan = VodPlan.grid(13_500_000, 6_000_000, 0);
    assertThat(plan.starts()).containsExactly(0, 6_000_000, 12_000_000);
    assertThat(plan.duration(2)).isEqualTo(1_500_000);
  }
}
