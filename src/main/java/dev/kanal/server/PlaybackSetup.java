package dev.kanal.server;

import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.store.PlaybackStore;
import java.time.Clock;
import java.util.Objects;

/**
 * What the playback routes need ({@code /api/progress}, {@code /api/sessions}, {@code /api/qoe}).
 *
 * @param store where progress, sessions and QoE live (SQLite or Redis); closed by its owner, not the server
 * @param config session TTL, session limit, QoE retention
 * @param clock the server's clock (receive times)
 */
public record PlaybackSetup(PlaybackStore store, PlaybackConfig config, Clock clock) {
  public PlaybackSetup {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
  }
}
