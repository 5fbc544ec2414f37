package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Playback state: resume positions per user, video and device; playback sessions kept alive by
 * heartbeats; per-session player analytics (QoE). Two implementations behave the same (one contract
 * test suite runs against both): the embedded SQLite database (one node) and Redis (several nodes
 * sharing it). Every method blocks: call it from a virtual thread, never from an event loop.
 */
public interface PlaybackStore extends AutoCloseable {

  /**
   * Writes one device's position. The device's entry is replaced unless it already holds a newer one
   * ({@link ProgressEntry#updatedAt}); the video's latest position is the newest over all devices.
   */
  ProgressUpdate putProgress(String userId, ProgressEntry entry) throws StoreException;

  /** The user's progress in a video, or empty when no device reported any. */
  Optional<VideoProgress> progress(String userId, String videoId) throws StoreException;

  /** "Continue watching": the latest entry of each unfinished video, most recently updated first. */
  List<ProgressEntry> continueWatching(String userId, int limit) throws StoreException;

  /**
   * Creates a session (its first heartbeat) and its QoE record.
   *
   * @return the session, or empty when {@code playback.maxSessions} are already active
   */
  Optional<PlaybackSession> startSession(PlaybackSession.Start start) throws StoreException;

  /** Extends an active session by the TTL and records what the heartbeat reports; empty when it is unknown or expired. */
  Optional<PlaybackSession> heartbeat(String sessionId, PlaybackSession.Heartbeat heartbeat) throws StoreException;

  /** Ends an active session; false when it is unknown or expired. Its QoE stays (see {@link #finishQoe}). */
  boolean endSession(String sessionId) throws StoreException;

  /** Active sessions, oldest first, at most {@code limit}. */
  List<PlaybackSession> activeSessions(int limit) throws StoreException;

  /** How many sessions of each kind are active (every kind present, maybe 0). */
  Map<PlaybackSession.Kind, Long> activeCounts() throws StoreException;

  /** Whether a session's QoE record exists (the session was started within the retention). */
  boolean hasQoe(String sessionId) throws StoreException;

  /** Applies player events to a session's QoE atomically; empty when the session has no QoE record. */
  Optional<QoeDelta> applyQoe(String sessionId, List<QoeEvent> events) throws StoreException;

  /** Marks a session's QoE as ended (it was deleted without an {@code ended} event); empty when unknown. */
  Optional<QoeDelta> finishQoe(String sessionId) throws StoreException;

  /**
   * The QoE of sessions last seen at or after {@code since}, newest first, at most {@code limit};
   * only those of {@code kind}/{@code targetId} when given.
   */
  List<QoeStats> qoeSessions(Instant since, Optional<PlaybackSession.Kind> kind, Optional<String> targetId, int limit)
      throws StoreException;

  /** Housekeeping: drops expired sessions and QoE older than the retention. Run periodically. */
  void sweep() throws StoreException;

  /** What backs the store, for logs: {@code sqlite} or {@code redis://host:port} (never a password). */
  String description();

  @Override
  void close();

  /**
   * The store the config asks for: Redis when {@code store.redis.url} is set, else the embedded
   * database {@code db}.
   *
   * @throws StoreException when Redis cannot be reached, or the tables cannot be created
   */
  static PlaybackStore open(KanalConfig.StoreConfig store, KanalConfig.PlaybackConfig playback, Database db, Clock clock)
      throws StoreException {
    String url = store.redis().url() == null ? "" : store.redis().url().strip();
    if (!url.isEmpty()) {
      return redis(store.redis(), playback, clock);
    }
    return sqlite(db, playback, clock);
  }

  /** The store in the embedded database (tables owned by {@code playback}). */
  static PlaybackStore sqlite(Database db, KanalConfig.PlaybackConfig playback, Clock clock) throws StoreException {
    return SqlitePlaybackStore.open(db, playback, clock);
  }

  /** The store in Redis; checks the connection with a PING. */
  static PlaybackStore redis(KanalConfig.RedisConfig redis, KanalConfig.PlaybackConfig playback, Clock clock)
      throws StoreException {
    return RedisPlaybackStore.connect(redis, playback, clock);
  }
}
