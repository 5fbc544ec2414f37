package dev.kanal.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One player event reported to {@code POST /api/qoe}.
 *
 * @param sessionId the session it belongs to
 * @param type what happened
 * @param at when it happened, on the player's clock
 * @param position the playback position at the time
 * @param bitrate the bitrate playing, in bits per second
 * @param bandwidthEstimate the player's bandwidth estimate, in bits per second
 * @param detail free text (for errors: the player's error type first, e.g. {@code networkError/fragLoadError})
 */
public record QoeEvent(String sessionId, Type type, Instant at, Optional<Duration> position, OptionalLong bitrate,
    OptionalLong bandwidthEstimate, String detail) {

  /** The event types a player may send. */
  public enum Type {
    /** The first frame is on screen; {@code at} minus the session's start is the startup time. */
    STARTUP,
    /** Playback stopped to buffer. */
    STALL_START,
    /** Playback resumed after a stall. */
    STALL_END,
    /** The player switched to another variant (rendition). */
    LEVEL_SWITCH,
    /** The player hit an error. */
    ERROR,
    /** The viewer jumped to another position. */
    SEEK,
    /** Playback ended (end of the video, or the viewer stopped). */
    ENDED;

    /** The name used in JSON: {@code stall_start}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code label}, or empty for an unknown name. */
    public static Optional<Type> of(String label) {
      for (Type t : values()) {
        if (t.label().equals(label)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  public QoeEvent {
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(at, "at");
    detail = detail == null ? "" : detail;
  }

  /** An event with only a type and a time. */
  public static QoeEvent of(String sessionId, Type type, Instant at) {
    return new QoeEvent(sessionId, type, at, Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), "");
  }
}
