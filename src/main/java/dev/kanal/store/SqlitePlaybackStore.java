package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link PlaybackStore} in the embedded SQLite database (tables {@code playback_*}, owner
 * {@code playback}). Each write is one transaction, committed before the call returns; in WAL mode
 * with {@code synchronous=NORMAL} a committed write survives the process being killed.
 */
final class SqlitePlaybackStore implements PlaybackStore {

  private static final List<List<String>> SCHEMA = List.of(List.of(
      """
      CREATE TABLE playback_progress (
        user_id TEXT NOT NULL,
        video_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        position_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (user_id, video_id, device_id)) WITHOUT ROWID""",
      """
      CREATE TABLE playback_progress_latest (
        user_id TEXT NOT NULL,
        video_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        position_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        finished INTEGER NOT NULL,
        PRIMARY KEY (user_id, video_id)) WITHOUT ROWID""",
      "CREATE INDEX playback_progress_recent ON playback_progress_latest (user_id, finished, updated_at, received_at)",
      """
      CREATE TABLE playback_sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        last_heartbeat INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        position_ms INTEGER,
        bitrate INTEGER)""",
      "CREATE INDEX playback_sessions_expiry ON playback_sessions (expires_at)",
      """
      CREATE TABLE playback_qoe (
        session_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target_id TEXT NOT NULL,
        client_started_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        startup_ms INTEGER,
        first_frame_at INTEGER,
        last_event_at INTEGER,
        stall_count INTEGER NOT NULL,
        stalled_ms INTEGER NOT NULL,
        stall_open_since INTEGER,
        level_switches INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        seeks INTEGER NOT NULL,
        ended INTEGER NOT NULL)""",
      "CREATE INDEX playback_qoe_seen ON playback_qoe (last_seen)",
      "CREATE INDEX playback_qoe_target ON playback_qoe (kind, target_id, last_seen)"));

  private static final String PROGRESS_COLUMNS = "video_id, device_id, position_ms, duration_ms, updated_at, received_at";
  private static final String SESSION_COLUMNS =
      "id, user_id, kind, target_id, device_id, started_at, last_heartbeat, expires_at, position_ms, bitrate";
  private static final String QOE_COLUMNS = "session_id, user_id, kind, target_id, client_started_at, last_seen, "
      + "startup_ms, first_frame_at, last_event_at, stall_count, stalled_ms, stall_open_since, level_switches, errors, "
      + "seeks, ended";

  private final Database db;
  private final KanalConfig.PlaybackConfig config;
  private final Clock clock;

  private SqlitePlaybackStore(Database db, KanalConfig.PlaybackConfig config, Clock clock) {
    this.db = db;
    this.config = config;
    this.clock = clock;
  }

  static SqlitePlaybackStore open(Database db, KanalConfig.PlaybackConfig config, Clock clock) throws StoreException {
    db.migrate("playback", SCHEMA);
    return new SqlitePlaybackStore(db, config, clock);
  }

  @Override
  public ProgressUpdate putProgress(String userId, ProgressEntry entry) throws StoreException {
    return run(() -> db.transaction(c -> {
      ProgressMerge.Result merged = ProgressMerge.merge(devices(c, userId, entry.videoId()), entry);
      if (merged.applied()) {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO playback_progress (user_id, "
            + PROGRESS_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, userId);
          bindProgress(ps, 2, entry);
          ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM playback_progress WHERE user_id = ? AND video_id = ? AND device_id = ?")) {
          for (String device : merged.evicted()) {
            ps.setString(1, userId);
            ps.setString(2, entry.videoId());
            ps.setString(3, device);
            ps.executeUpdate();
          }
        }
        ProgressEntry latest = merged.devices().getFirst();
        try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO playback_progress_latest (user_id, "
            + PROGRESS_COLUMNS + ", finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
          ps.setString(1, userId);
          bindProgress(ps, 2, latest);
          ps.setInt(8, latest.finished() ? 1 : 0);
          ps.executeUpdate();
        }
      }
      return new ProgressUpdate(merged.applied(), merged.progress());
    }));
  }

  @Override
  public Optional<VideoProgress> progress(String userId, String videoId) throws StoreException {
    return run(() -> db.read(c -> Optional.ofNullable(ProgressMerge.of(devices(c, userId, videoId)))));
  }

  @Override
  public List<ProgressEntry> continueWatching(String userId, int limit) throws StoreException {
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + PROGRESS_COLUMNS + " FROM playback_progress_latest "
          + "WHERE user_id = ? AND finished = 0 ORDER BY updated_at DESC, received_at DESC LIMIT ?")) {
        ps.setString(1, userId);
        ps.setInt(2, limit);
        return progressRows(ps);
      }
    }));
  }

  private static List<ProgressEntry> devices(Connection c, String userId, String videoId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + PROGRESS_COLUMNS
        + " FROM playback_progress WHERE user_id = ? AND video_id = ?")) {
      ps.setString(1, userId);
      ps.setString(2, videoId);
      return progressRows(ps);
    }
  }

  private static List<ProgressEntry> progressRows(PreparedStatement ps) throws SQLException {
    List<ProgressEntry> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new ProgressEntry(rs.getString(1), rs.getString(2), Duration.ofMillis(rs.getLong(3)),
            Duration.ofMillis(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6))));
      }
    }
    return out;
  }

  private static void bindProgress(PreparedStatement ps, int first, ProgressEntry e) throws SQLException {
    ps.setString(first, e.videoId());
    ps.setString(first + 1, e.deviceId());
    ps.setLong(first + 2, e.position().toMillis());
    ps.setLong(first + 3, e.duration().toMillis());
    ps.setLong(first + 4, e.updatedAt().toEpochMilli());
    ps.setLong(first + 5, e.receivedAt().toEpochMilli());
  }

  @Override
  public Optional<PlaybackSession> startSession(PlaybackSession.Start start) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM playback_sessions WHERE expires_at > ?")) {
        ps.setLong(1, now.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getLong(1) >= config.maxSessions()) {
            return Optional.<PlaybackSession>empty();
          }
        }
      }
      PlaybackSession session = new PlaybackSession(start.id(), start.userId(), start.kind(), start.targetId(),
          start.deviceId(), now, now, now.plus(config.sessionTtl()), Optional.empty(), OptionalLong.empty());
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO playback_sessions (" + SESSION_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, session.id());
        ps.setString(2, session.userId());
        ps.setString(3, session.kind().label());
        ps.setString(4, session.targetId());
        ps.setString(5, session.deviceId());
        ps.setLong(6, now.toEpochMilli());
        ps.setLong(7, now.toEpochMilli());
        ps.setLong(8, session.expiresAt().toEpochMilli());
        ps.setNull(9, Types.INTEGER);
        ps.setNull(10, Types.INTEGER);
        ps.executeUpdate();
      }
      writeQoe(c, QoeStats.start(start, now), true);
      return Optional.of(session);
    }));
  }

  @Override
  public Optional<PlaybackSession> heartbeat(String sessionId, PlaybackSession.Heartbeat heartbeat) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.transaction(c -> {
      Optional<PlaybackSession> current = session(c, sessionId, now);
      if (current.isEmpty()) {
        return current;
      }
      PlaybackSession s = current.get();
      PlaybackSession next = new PlaybackSession(s.id(), s.userId(), s.kind(), s.targetId(), s.deviceId(), s.startedAt(),
          now, now.plus(config.sessionTtl()), heartbeat.position().or(s::position),
          heartbeat.bitrate().isPresent() ? heartbeat.bitrate() : s.bitrate());
      try (PreparedStatement ps = c.prepareStatement("UPDATE playback_sessions SET last_heartbeat = ?, expires_at = ?, "
          + "position_ms = ?, bitrate = ? WHERE id = ?")) {
        ps.setLong(1, now.toEpochMilli());
        ps.setLong(2, next.expiresAt().toEpochMilli());
        setLong(ps, 3, next.position().map(Duration::toMillis).orElse(null));
        setLong(ps, 4, next.bitrate().isPresent() ? next.bitrate().getAsLong() : null);
        ps.setString(5, sessionId);
        ps.executeUpdate();
      }
      return Optional.of(next);
    }));
  }

  @Override
  public boolean endSession(String sessionId) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM playback_sessions WHERE id = ? AND expires_at > ?")) {
        ps.setString(1, sessionId);
        ps.setLong(2, now.toEpochMilli());
        return ps.executeUpdate() > 0;
      }
    }));
  }

  @Override
  public List<PlaybackSession> activeSessions(int limit) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + SESSION_COLUMNS
          + " FROM playback_sessions WHERE expires_at > ? ORDER BY started_at, id LIMIT ?")) {
        ps.setLong(1, now.toEpochMilli());
        ps.setInt(2, limit);
        List<PlaybackSession> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(sessionRow(rs));
          }
        }
        return out;
      }
    }));
  }

  @Override
  public Map<PlaybackSession.Kind, Long> activeCounts() throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.read(c -> {
      Map<PlaybackSession.Kind, Long> counts = new EnumMap<>(PlaybackSession.Kind.class);
      for (PlaybackSession.Kind k : PlaybackSession.Kind.values()) {
        counts.put(k, 0L);
      }
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT kind, COUNT(*) FROM playback_sessions WHERE expires_at > ? GROUP BY kind")) {
        ps.setLong(1, now.toEpochMilli());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(PlaybackSession.Kind.of(rs.getString(1)), rs.getLong(2));
          }
        }
      }
      return counts;
    }));
  }

  private static Optional<PlaybackSession> session(Connection c, String id, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + SESSION_COLUMNS
        + " FROM playback_sessions WHERE id = ? AND expires_at > ?")) {
      ps.setString(1, id);
      ps.setLong(2, now.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(sessionRow(rs)) : Optional.empty();
      }
    }
  }

  private static PlaybackSession sessionRow(ResultSet rs) throws SQLException {
    long position = rs.getLong(9);
    Optional<Duration> pos = rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(position));
    long bitrate = rs.getLong(10);
    OptionalLong rate = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(bitrate);
    return new PlaybackSession(rs.getString(1), rs.getString(2), PlaybackSession.Kind.of(rs.getString(3)),
        rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)),
        Instant.ofEpochMilli(rs.getLong(8)), pos, rate);
  }

  @Override
  public boolean hasQoe(String sessionId) throws StoreException {
    return run(() -> db.read(c -> qoe(c, sessionId).isPresent()));
  }

  @Override
  public Optional<QoeDelta> applyQoe(String sessionId, List<QoeEvent> events) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.transaction(c -> {
      Optional<QoeStats> current = qoe(c, sessionId);
      if (current.isEmpty()) {
        return Optional.<QoeDelta>empty();
      }
      QoeStats.Applied applied = current.get().apply(events, now);
      writeQoe(c, applied.stats(), false);
      return Optional.of(applied.delta());
    }));
  }

  @Override
  public Optional<QoeDelta> finishQoe(String sessionId) throws StoreException {
    Instant now = clock.instant();
    return run(() -> db.transaction(c -> {
      Optional<QoeStats> current = qoe(c, sessionId);
      if (current.isEmpty()) {
        return Optional.<QoeDelta>empty();
      }
      QoeStats.Applied applied = current.get().finish(now);
      writeQoe(c, applied.stats(), false);
      return Optional.of(applied.delta());
    }));
  }

  @Override
  public List<QoeStats> qoeSessions(Instant since, Optional<PlaybackSession.Kind> kind, Optional<String> targetId,
      int limit) throws StoreException {
    return run(() -> db.read(c -> {
      String where = kind.isPresent() ? "kind = ? AND target_id = ? AND last_seen >= ?" : "last_seen >= ?";
      try (PreparedStatement ps = c.prepareStatement("SELECT " + QOE_COLUMNS + " FROM playback_qoe WHERE " + where
          + " ORDER BY last_seen DESC LIMIT ?")) {
        int i = 1;
        if (kind.isPresent()) {
          ps.setString(i++, kind.get().label());
          ps.setString(i++, targetId.orElse(""));
        }
        ps.setLong(i++, since.toEpochMilli());
        ps.setInt(i, limit);
        List<QoeStats> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(qoeRow(rs));
          }
        }
        return out;
      }
    }));
  }

  private static Optional<QoeStats> qoe(Connection c, String sessionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + QOE_COLUMNS + " FROM playback_qoe WHERE session_id = ?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(qoeRow(rs)) : Optional.empty();
      }
    }
  }

  private static QoeStats qoeRow(ResultSet rs) throws SQLException {
    Optional<Duration> startup = optionalLong(rs, 7).map(Duration::ofMillis);
    Optional<Instant> firstFrame = optionalLong(rs, 8).map(Instant::ofEpochMilli);
    Optional<Instant> lastEvent = optionalLong(rs, 9).map(Instant::ofEpochMilli);
    QoeStats.Stalls stalls = new QoeStats.Stalls(rs.getInt(10), Duration.ofMillis(rs.getLong(11)),
        optionalLong(rs, 12).map(Instant::ofEpochMilli));
    return new QoeStats(rs.getString(1), rs.getString(2), PlaybackSession.Kind.of(rs.getString(3)), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), startup, firstFrame, lastEvent,
        stalls, rs.getInt(13), rs.getInt(14), rs.getInt(15), rs.getInt(16) != 0);
  }

  private static void writeQoe(Connection c, QoeStats s, boolean insert) throws SQLException {
    String sql = insert
        ? "INSERT INTO playback_qoe (" + QOE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        : "UPDATE playback_qoe SET user_id = ?2, kind = ?3, target_id = ?4, client_started_at = ?5, last_seen = ?6, "
            + "startup_ms = ?7, first_frame_at = ?8, last_event_at = ?9, stall_count = ?10, stalled_ms = ?11, "
            + "stall_open_since = ?12, level_switches = ?13, errors = ?14, seeks = ?15, ended = ?16 WHERE session_id = ?1";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, s.sessionId());
      ps.setString(2, s.userId());
      ps.setString(3, s.kind().label());
      ps.setString(4, s.targetId());
      ps.setLong(5, s.clientStartedAt().toEpochMilli());
      ps.setLong(6, s.lastSeen().toEpochMilli());
      setLong(ps, 7, s.startup().map(Duration::toMillis).orElse(null));
      setLong(ps, 8, s.firstFrameAt().map(Instant::toEpochMilli).orElse(null));
      setLong(ps, 9, s.lastEventAt().map(Instant::toEpochMilli).orElse(null));
      ps.setInt(10, s.stalls().count());
      ps.setLong(11, s.stalls().total().toMillis());
      setLong(ps, 12, s.stalls().openSince().map(Instant::toEpochMilli).orElse(null));
      ps.setInt(13, s.levelSwitches());
      ps.setInt(14, s.errors());
      ps.setInt(15, s.seeks());
      ps.setInt(16, s.ended() ? 1 : 0);
      ps.executeUpdate();
    }
  }

  @Override
  public void sweep() throws StoreException {
    Instant now = clock.instant();
    run(() -> db.transaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM playback_sessions WHERE expires_at <= ?")) {
        ps.setLong(1, now.toEpochMilli());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM playback_qoe WHERE last_seen < ?")) {
        ps.setLong(1, now.minus(config.qoeRetention()).toEpochMilli());
        ps.executeUpdate();
      }
      return null;
    }));
  }

  @Override
  public String description() {
    return "sqlite";
  }

  @Override
  public void close() {
    // The database is shared and closed by its owner.
  }

  private static Optional<Long> optionalLong(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }

  private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }

  /** SQL work whose failures become {@link StoreException}s. */
  @FunctionalInterface
  private interface Sql<T> {
    T run() throws SQLException;
  }

  private <T> T run(Sql<T> work) throws StoreException {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new StoreException("the playback tables in " + db.file() + " failed: " + e.getMessage(), e);
    }
  }
}
