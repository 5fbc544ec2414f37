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

/** The {@code store} and {@code playback} sections: defaults, environment variables, validation. */
class PlaybackConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaults_embeddedStoreAnd90sSessions() throws Exception {
    KanalConfig config = ConfigLoader.load(Optional.empty(), Map.of(), List.of());
    assertThat(config.store().redis().url()).isEmpty();
    assertThat(config.store().redis().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.playback()).isEqualTo(new KanalConfig.PlaybackConfig(Duration.ofSeconds(90), 10_000, Duration.ofDays(7)));
  }

  @Test
  void environment_setsTheRedisUrlAndTheTtl() throws Exception {
    assertThat(ConfigLoader.environmentVariables()).containsEntry("KANAL_STORE_REDIS_URL", "store.redis.url")
        .containsEntry("KANAL_PLAYBACK_SESSION_TTL", "playback.sessionTtl");
    KanalConfig config = ConfigLoader.load(Optional.empty(),
        Map.of("KANAL_STORE_REDIS_URL", "redis://cache.lan:6380/2", "KANAL_PLAYBACK_SESSION_TTL", "2s"), List.of());
    assertThat(config.store().redis().url()).isEqualTo("redis://cache.lan:6380/2");
    assertThat(config.playback().sessionTtl()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void file_badValues_areReportedByKeyWithoutRepeatingThePassword() throws Exception {
    Path file = Files.writeString(dir.resolve("kanal.yaml"), """
        store:
          redis:
            url: http://user:hunter2@cache.lan
        playback:
          sessionTtl: 0s
          maxSessions: 0
          qoeRetention: 1000d
        """);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).extracting(ConfigProblem::key)
            .containsExactlyInAnyOrder("store.redis.url", "playback.sessionTtl", "playback.maxSessions",
                "playback.qoeRetention"))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("kanal.yaml:3");
  }

  @Test
  void withLibraryAndWithIptv_keepTheStoreAndPlaybackSections() throws Exception {
    KanalConfig config = ConfigLoader.load(Optional.empty(), Map.of("KANAL_STORE_REDIS_URL", "redis://r:6379"), List.of());
    assertThat(config.withLibrary(KanalConfig.LibraryConfig.of(List.of(dir))).store().redis().url()).isEqualTo("redis://r:6379");
    assertThat(config.withIptv(config.iptv()).store()).isEqualTo(config.store());
  }
}
