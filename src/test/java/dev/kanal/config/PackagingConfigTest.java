package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vod.packaging}: the default ladder, a ladder from a file, and validation by key. */
class PackagingConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults_threeRungsAutoFormatOneJob() throws Exception {
    KanalConfig.PackagingConfig p = ConfigLoader.load(Optional.empty(), Map.of(), List.of()).vod().packaging();
    assertThat(p.ladder()).extracting(KanalConfig.RungConfig::height).containsExactly(1080, 720, 480);
    assertThat(p.ladder()).extracting(KanalConfig.RungConfig::videoKbps).containsExactly(6000, 3000, 1500);
    assertThat(p.format()).isEqualTo("auto");
    assertThat(p.concurrency()).isEqualTo(1);
  }

  @Test
  void file_setsTheLadder() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          packaging:
            ladder:
              - { height: 360, videoKbps: 800, audioKbps: 64 }
            format: fmp4
            concurrency: 2
        """);
    KanalConfig.PackagingConfig p = ConfigLoader.load(Optional.of(file), Map.of(), List.of()).vod().packaging();
    assertThat(p.ladder()).containsExactly(new KanalConfig.RungConfig(360, 800, 64));
    assertThat(p.format()).isEqualTo("fmp4");
    assertThat(p.concurrency()).isEqualTo(2);
  }

  @Test
  void file_badValues_areReportedByKey() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          packaging:
            ladder:
              - { height: 100, videoKbps: 0, audioKbps: 64 }
              - { height: 720, videoKbps: 3000, audioKbps: -1 }
              - { height: 720, videoKbps: 2000, audioKbps: 64 }
            format: mkv
            concurrency: 17
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::key)
            .containsExactlyInAnyOrder("vod.packaging.format", "vod.packaging.concurrency",
                "vod.packaging.ladder[0].height", "vod.packaging.ladder[0].videoKbps",
                "vod.packaging.ladder[1].audioKbps", "vod.packaging.ladder[2].height"));
  }

  @Test
  void file_emptyLadder_isRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          packaging:
            ladder: []
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::key)
            .containsExactly("vod.packaging.ladder"));
  }
}
