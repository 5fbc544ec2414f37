package dev.kanal.server;

import dev.kanal.config.KanalConfig.RelayConfig;
import dev.kanal.iptv.LiveTv;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What the live TV routes need ({@code /api/channels}, {@code /iptv/...}, {@code /live/...}, HDHomeRun).
 *
 * @param tv the current catalog and guide
 * @param relay the relay settings
 * @param secret the key relay URLs are signed with (at least 32 bytes)
 * @param ffmpeg the ffmpeg executable behind {@code /live/{id}.ts}; empty when none was found
 */
public record LiveSetup(LiveTv tv, RelayConfig relay, byte[] secret, Optional<Path> ffmpeg) {
  public LiveSetup {
    Objects.requireNonNull(tv, "tv");
    Objects.requireNonNull(relay, "relay");
    if (secret.length < 32) {
      throw new IllegalArgumentException("the relay secret must be at least 32 bytes");
    }
    secret = secret.clone();
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }
}
