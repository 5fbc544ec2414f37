package dev.kanal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A playback in progress: a player watching a video or a channel, kept alive by heartbeats.
 *
 * @param id random, URL-safe
 * @param userId whose playback it is
 * @param kind what is watched
 * @param targetId the video id or channel id
 * @param deviceId the device playing
 * @param startedAt when the session was created (store clock)
 * @param lastHeartbeat the last sign of life (creation counts as one)
 * @param expiresAt when it ends without another heartbeat
 * @param position the last position reported by a heartbeat
 * @param bitrate the last bitrate reported by a heartbeat, in bits per second
 */
public record PlaybackSession(String id, String userId, Kind kind, String targetId, String deviceId,
    Instant startedAt, Instant lastHeartbeat, Instant expiresAt, Optional<Duration> position, OptionalLong bitrate) {

  /** What a session plays. */
  public enum Kind {
    /** A video of the library ({@code videoId}). */
    VIDEO,
    /** A live TV channel ({@code channelId}). */
    CHANNEL;

    /** The lower-case name used in JSON, metrics labels and store keys. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code label}. */
    public static Kind of(String label) {
      return valueOf(label.toUpperCase(Locale.ROOT));
    }
  }

  public PlaybackSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(position, "position");
    Objects.requireNonNull(bitrate, "bitrate");
  }

  /**
   * A session being created.
   *
   * @param id the new session's id
   * @param userId whose playback it is
   * @param kind what is watched
   * @param targetId the video or channel id
   * @param deviceId the device playing
   * @param clientStartedAt when the player started (its clock), the origin of the startup time; the
   *     server's receive time when the player did not say
   */
  public record Start(String id, String userId, Kind kind, String targetId, String deviceId, Instant clientStartedAt) {}

  /**
   * What a heartbeat reports; both optional.
   *
   * @param position the player's position
   * @param bitrate the bitrate playing, in bits per second
   */
  public record Heartbeat(Optional<Duration> position, OptionalLong bitrate) {
    /** A heartbeat that reports nothing but being alive. */
    public static Heartbeat empty() {
      return new Heartbeat(Optional.empty(), OptionalLong.empty());
    }
  }
}
