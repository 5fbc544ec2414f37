package dev.kanal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The on-demand keys of the {@code vod} section: defaults, values from a file, validation by key. */
class VodConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults_sixSecondsTenGibThreeAheadSoftwareNoCors() throws Exception {
    KanalConfig.VodConfig vod = ConfigLoader.load(Optional.empty(), Map.of(), List.of()).vod();
    assertThat(vod.segmentDuration()).isEqualTo(Duration.ofSeconds(6));
    assertThat(vod.cacheSize().bytes()).isEqualTo(10L << 30);
    assertThat(vod.runAhead()).isEqualTo(3);
    assertThat(vod.encoder()).isEqualTo("software");
    assertThat(vod.corsOrigins()).isEmpty();
  }

  @Test
  void file_goodValues_areRead() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          segmentDuration: 4s
          cacheSize: 64MiB
          runAhead: 20
          encoder: vaapi
          corsOrigins: ["https://app.example", "http://tv.lan:8080"]
        """);
    KanalConfig.VodConfig vod = ConfigLoader.load(Optional.of(file), Map.of(), List.of()).vod();
    assertThat(vod.segmentDuration()).isEqualTo(Duration.ofSeconds(4));
    assertThat(vod.cacheSize().bytes()).isEqualTo(64L << 20);
    assertThat(vod.encoder()).isEqualTo("vaapi");
    assertThat(vod.corsOrigins()).containsExactly("https://app.example", "http://tv.lan:8080");
  }

  @Test
  void file_badValues_areReportedByKey() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          segmentDuration: 61s
          cacheSize: 63MiB
          runAhead: 0
          encoder: cuda
          corsOrigins: ["https://app.example/path"]
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::key)
            .containsExactlyInAnyOrder("vod.segmentDuration", "vod.cacheSize", "vod.runAhead", "vod.encoder",
                "vod.corsOrigins[0]"))
        .hasMessageContaining("software, vaapi, nvenc, qsv, videotoolbox");
  }
}
