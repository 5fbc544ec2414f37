package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZRangeParams;

/**
 * {@link PlaybackStore} in Redis, shared by several Kanal nodes.
 *
 * <p>Keys (prefix {@code kanal:}): progress as one hash per user and video
 * ({@code progress:<user>:<video>}, field = device, value = {@code position,duration,updatedAt,receivedAt}
 * in ms) plus a sorted set of unfinished videos per user ({@code continue:<user>}, score = updatedAt);
 * sessions as hashes with a TTL ({@code session:<id>}, expired by Redis itself) indexed by one sorted
 * set per kind ({@code sessions:<kind>}, score = expiry); QoE as one hash of counters per session
 * ({@code qoe:session:<id>}, expiring after the retention) indexed by sorted sets of last activity
 * ({@code qoe:recent}, {@code qoe:target:<kind>:<id>}).
 *
 * <p>Read-modify-write (progress, QoE) is optimistic: WATCH the key, compute in Java with the same
 * code as the SQLite store, write in MULTI/EXEC, retry when another node got there first. Session
 * expiry uses Redis's own clock (scripts call {@code TIME}), so nodes with different clocks agree.
 * A standalone Redis (or one behind Sentinel's address) is assumed, not Redis Cluster.
 */
final class RedisPlaybackStore implements PlaybackStore {

  private static final String PREFIX = "kanal:";
  /** Optimistic write attempts before giving up (only under heavy contention on one key). */
  private static final int MAX_ATTEMPTS = 64;
  /** Connections to Redis at most, and how long a caller waits for one. */
  private static final int POOL_SIZE = 32;
  /** Sessions listed or counted at most per kind when listing. */
  private static final int MAX_LIST = 100_000;

  /** Redis time in ms as a decimal string (Lua numbers print in exponent form past 1e14). */
  private static final String NOW = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local function s(n) return string.format('%d', n) end
      """;

  /** KEYS: session, its kind's index, video index, channel index; ARGV: ttl ms, max active, id, field/value pairs. */
  private static final String CREATE = NOW + """
      local ttl = tonumber(ARGV[1])
      local active = redis.call('ZCOUNT', KEYS[3], '(' .. s(now), '+inf') + redis.call('ZCOUNT', KEYS[4], '(' .. s(now), '+inf')
      if active >= tonumber(ARGV[2]) then return {-1} end
      if redis.call('EXISTS', KEYS[1]) == 1 then return {-2} end
      redis.call('HSET', KEYS[1], 'startedAt', s(now), 'lastHeartbeat', s(now), 'expiresAt', s(now + ttl), unpack(ARGV, 4))
      redis.call('PEXPIRE', KEYS[1], ttl)
      redis.call('ZADD', KEYS[2], s(now + ttl), ARGV[3])
      return {now, now + ttl}
      """;

  /** KEYS: session, video index, channel index; ARGV: ttl ms, id, field/value pairs. */
  private static final String HEARTBEAT = NOW + """
      local kind = redis.call('HGET', KEYS[1], 'kind')
      if not kind then return {} end
      local ttl = tonumber(ARGV[1])
      redis.call('HSET', KEYS[1], 'lastHeartbeat', s(now), 'expiresAt', s(now + ttl), unpack(ARGV, 3))
      redis.call('PEXPIRE', KEYS[1], ttl)
      local index = KEYS[2]
      if kind == 'channel' then index = KEYS[3] end
      redis.call('ZADD', index, s(now + ttl), ARGV[2])
      return redis.call('HGETALL', KEYS[1])
      """;

  /** KEYS: session, video index, channel index; ARGV: id. */
  private static final String END = """
      local n = redis.call('DEL', KEYS[1])
      redis.call('ZREM', KEYS[2], ARGV[1])
      redis.call('ZREM', KEYS[3], ARGV[1])
      return n
      """;

  /** KEYS: the kind indexes; ARGV: limit. Drops expired index entries, returns ids per index. */
  private static final String LIST = NOW + """
      local out = {}
      for i, key in ipairs(KEYS) do
        redis.call('ZREMRANGEBYSCORE', key, '-inf', s(now))
        out[i] = redis.call('ZRANGE', key, 0, tonumber(ARGV[1]) - 1)
      end
      return out
      """;

  /** KEYS: the kind indexes. Counts unexpired entries of each. */
  private static final String COUNT = NOW + """
      local out = {}
      for i, key in ipairs(KEYS) do
        out[i] = redis.call('ZCOUNT', key, '(' .. s(now), '+inf')
      end
      return out
      """;

  /** KEYS: the kind indexes. Drops entries of expired sessions (the keys expire by themselves). */
  private static final String SWEEP = NOW + """
      for i, key in ipairs(KEYS) do
        redis.call('ZREMRANGEBYSCORE', key, '-inf', s(now))
      end
      return 0
      """;

  private final RedisClient client;
  private final String description;
  private final KanalConfig.PlaybackConfig config;
  private final Clock clock;

  private RedisPlaybackStore(RedisClient client, String description, KanalConfig.PlaybackConfig config, Clock clock) {
    this.client = client;
    this.description = description;
    this.config = config;
    this.clock = clock;
  }

  static RedisPlaybackStore connect(KanalConfig.RedisConfig redis, KanalConfig.PlaybackConfig config, Clock clock)
      throws StoreException {
    RedisConnection connection = RedisConnection.open(redis, POOL_SIZE);
    return new RedisPlaybackStore(connection.client(), connection.description(), config, clock);
  }

  // ---- progress

  @Override
  public ProgressUpdate putProgress(String userId, ProgressEntry entry) throws StoreException {
    String key = progressKey(userId, entry.videoId());
    return optimistic(key, fields -> {
      ProgressMerge.Result merged = ProgressMerge.merge(decodeDevices(entry.videoId(), fields), entry);
      if (!merged.applied()) {
        return new Write<>(new ProgressUpdate(false, merged.progress()), null);
      }
      return new Write<>(new ProgressUpdate(true, merged.progress()), tx -> {
        tx.hset(key, entry.deviceId(), encode(entry));
        for (String device : merged.evicted()) {
          tx.hdel(key, device);
        }
        ProgressEntry latest = merged.devices().getFirst();
        if (latest.finished()) {
          tx.zrem(continueKey(userId), entry.videoId());
        } else {
          tx.zadd(continueKey(userId), latest.updatedAt().toEpochMilli(), entry.videoId());
        }
      });
    });
  }

  @Override
  public Optional<VideoProgress> progress(String userId, String videoId) throws StoreException {
    return call(() -> Optional.ofNullable(ProgressMerge.of(decodeDevices(videoId, client.hgetAll(progressKey(userId, videoId))))));
  }

  @Override
  public List<ProgressEntry> continueWatching(String userId, int limit) throws StoreException {
    return call(() -> {
      List<String> videos = client.zrange(continueKey(userId), ZRangeParams.zrangeParams(0, limit - 1).rev());
      List<ProgressEntry> out = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> e : hgetAll(videos, v -> progressKey(userId, v)).entrySet()) {
        VideoProgress p = ProgressMerge.of(decodeDevices(e.getKey(), e.getValue()));
        if (p != null && !p.latest().finished()) {
          out.add(p.latest());
        }
      }
      return out;
    });
  }

  private static String encode(ProgressEntry e) {
    return e.position().toMillis() + "," + e.duration().toMillis() + "," + e.updatedAt().toEpochMilli() + ","
        + e.receivedAt().toEpochMilli();
  }

  private static List<ProgressEntry> decodeDevices(String videoId, Map<String, String> fields) {
    List<ProgressEntry> out = new ArrayList<>(fields.size());
    for (Map.Entry<String, String> f : fields.entrySet()) {
      String[] v = f.getValue().split(",");
      if (v.length != 4) {
        continue; // not written by this version: skip rather than fail the whole video
      }
      out.add(new ProgressEntry(videoId, f.getKey(), Duration.ofMillis(Long.parseLong(v[0])),
          Duration.ofMillis(Long.parseLong(v[1])), Instant.ofEpochMilli(Long.parseLong(v[2])),
          Instant.ofEpochMilli(Long.parseLong(v[3]))));
    }
    return out;
  }

  // ---- sessions

  @Override
  public Optional<PlaybackSession> startSession(PlaybackSession.Start start) throws StoreException {
    Instant now = clock.instant();
    return call(() -> {
      List<String> args = new ArrayList<>(List.of(Long.toString(config.sessionTtl().toMillis()),
          Integer.toString(config.maxSessions()), start.id(),
          "id", start.id(), "userId", start.userId(), "kind", start.kind().label(), "targetId", start.targetId(),
          "deviceId", start.deviceId()));
      List<?> result = (List<?>) client.eval(CREATE, List.of(sessionKey(start.id()), sessionsKey(start.kind()),
          sessionsKey(PlaybackSession.Kind.VIDEO), sessionsKey(PlaybackSession.Kind.CHANNEL)), args);
      long code = (Long) result.getFirst();
      if (code == -1) {
        return Optional.<PlaybackSession>empty();
      }
      if (code == -2) {
        throw new StoreException("session id " + start.id() + " is taken");
      }
      Instant started = Instant.ofEpochMilli(code);
      Instant expires = Instant.ofEpochMilli((Long) result.get(1));
      QoeStats qoe = QoeStats.start(start, now);
      String qoeKey = qoeKey(start.id());
      try (Pipeline p = client.pipelined()) {
        p.hset(qoeKey, qoeFields(qoe));
        p.pexpire(qoeKey, config.qoeRetention().toMillis());
        indexQoe(p, qoe);
        p.sync();
      }
      return Optional.of(new PlaybackSession(start.id(), start.userId(), start.kind(), start.targetId(), start.deviceId(),
          started, started, expires, Optional.empty(), OptionalLong.empty()));
    });
  }

  @Override
  public Optional<PlaybackSession> heartbeat(String sessionId, PlaybackSession.Heartbeat heartbeat) throws StoreException {
    return call(() -> {
      List<String> args = new ArrayList<>(List.of(Long.toString(config.sessionTtl().toMillis()), sessionId));
      heartbeat.position().ifPresent(p -> args.addAll(List.of("positionMs", Long.toString(p.toMillis()))));
      heartbeat.bitrate().ifPresent(b -> args.addAll(List.of("bitrate", Long.toString(b))));
      List<?> result = (List<?>) client.eval(HEARTBEAT, List.of(sessionKey(sessionId),
          sessionsKey(PlaybackSession.Kind.VIDEO), sessionsKey(PlaybackSession.Kind.CHANNEL)), args);
      if (result.isEmpty()) {
        return Optional.<PlaybackSession>empty();
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 0; i + 1 < result.size(); i += 2) {
        fields.put(String.valueOf(result.get(i)), String.valueOf(result.get(i + 1)));
      }
      return Optional.of(session(fields));
    });
  }

  @Override
  public boolean endSession(String sessionId) throws StoreException {
    return call(() -> (Long) client.eval(END, List.of(sessionKey(sessionId), sessionsKey(PlaybackSession.Kind.VIDEO),
        sessionsKey(PlaybackSession.Kind.CHANNEL)), List.of(sessionId)) > 0);
  }

  @Override
  public List<PlaybackSession> activeSessions(int limit) throws StoreException {
    return call(() -> {
      List<?> perKind = (List<?>) client.eval(LIST, List.of(sessionsKey(PlaybackSession.Kind.VIDEO),
          sessionsKey(PlaybackSession.Kind.CHANNEL)), List.of(Integer.toString(Math.min(limit, MAX_LIST))));
      List<String> ids = new ArrayList<>();
      for (Object list : perKind) {
        for (Object id : (List<?>) list) {
          ids.add(String.valueOf(id));
        }
      }
      List<PlaybackSession> out = new ArrayList<>();
      for (Map<String, String> fields : hgetAll(ids, RedisPlaybackStore::sessionKey).values()) {
        if (!fields.isEmpty()) { // empty: expired since the index was read
          out.add(session(fields));
        }
      }
      out.sort(java.util.Comparator.comparing(PlaybackSession::startedAt).thenComparing(PlaybackSession::id));
      return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    });
  }

  @Override
  public Map<PlaybackSession.Kind, Long> activeCounts() throws StoreException {
    return call(() -> {
      List<?> counts = (List<?>) client.eval(COUNT, List.of(sessionsKey(PlaybackSession.Kind.VIDEO),
          sessionsKey(PlaybackSession.Kind.CHANNEL)), List.of());
      Map<PlaybackSession.Kind, Long> out = new EnumMap<>(PlaybackSession.Kind.class);
      out.put(PlaybackSession.Kind.VIDEO, (Long) counts.get(0));
      out.put(PlaybackSession.Kind.CHANNEL, (Long) counts.get(1));
      return out;
    });
  }

  private static PlaybackSession session(Map<String, String> f) {
    String position = f.get("positionMs");
    String bitrate = f.get("bitrate");
    return new PlaybackSession(f.get("id"), f.get("userId"), PlaybackSession.Kind.of(f.get("kind")), f.get("targetId"),
        f.get("deviceId"), instant(f.get("startedAt")), instant(f.get("lastHeartbeat")), instant(f.get("expiresAt")),
        position == null ? Optional.empty() : Optional.of(Duration.ofMillis(Long.parseLong(position))),
        bitrate == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(bitrate)));
  }

  // ---- QoE

  @Override
  public boolean hasQoe(String sessionId) throws StoreException {
    return call(() -> client.exists(qoeKey(sessionId)));
  }

  @Override
  public Optional<QoeDelta> applyQoe(String sessionId, List<QoeEvent> events) throws StoreException {
    Instant now = clock.instant();
    return updateQoe(sessionId, stats -> stats.apply(events, now));
  }

  @Override
  public Optional<QoeDelta> finishQoe(String sessionId) throws StoreException {
    Instant now = clock.instant();
    return updateQoe(sessionId, stats -> stats.finish(now));
  }

  private Optional<QoeDelta> updateQoe(String sessionId, Function<QoeStats, QoeStats.Applied> change) throws StoreException {
    String key = qoeKey(sessionId);
    return optimistic(key, fields -> {
      if (fields.isEmpty()) {
        return new Write<>(Optional.<QoeDelta>empty(), null);
      }
      QoeStats.Applied applied = change.apply(qoe(sessionId, fields));
      return new Write<>(Optional.of(applied.delta()), tx -> {
        tx.hset(key, qoeFields(applied.stats()));
        tx.pexpire(key, config.qoeRetention().toMillis());
        indexQoe(tx, applied.stats());
      });
    });
  }

  private void indexQoe(redis.clients.jedis.PipeliningBase p, QoeStats s) {
    long seen = s.lastSeen().toEpochMilli();
    p.zadd(PREFIX + "qoe:recent", seen, s.sessionId());
    String target = qoeTargetKey(s.kind(), s.targetId());
    p.zadd(target, seen, s.sessionId());
    p.pexpire(target, config.qoeRetention().toMillis());
  }

  @Override
  public List<QoeStats> qoeSessions(Instant since, Optional<PlaybackSession.Kind> kind, Optional<String> targetId,
      int limit) throws StoreException {
    String index = kind.isPresent() ? qoeTargetKey(kind.get(), targetId.orElse("")) : PREFIX + "qoe:recent";
    return call(() -> {
      List<String> ids = client.zrevrangeByScore(index, "+inf", Long.toString(since.toEpochMilli()), 0, limit);
      List<QoeStats> out = new ArrayList<>();
      for (Map.Entry<String, Map<String, String>> e : hgetAll(ids, RedisPlaybackStore::qoeKey).entrySet()) {
        if (!e.getValue().isEmpty()) { // empty: past the retention
          out.add(qoe(e.getKey(), e.getValue()));
        }
      }
      return out;
    });
  }

  private static Map<String, String> qoeFields(QoeStats s) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("userId", s.userId());
    f.put("kind", s.kind().label());
    f.put("targetId", s.targetId());
    f.put("clientStartedAt", Long.toString(s.clientStartedAt().toEpochMilli()));
    f.put("lastSeen", Long.toString(s.lastSeen().toEpochMilli()));
    f.put("startupMs", Long.toString(s.startup().map(Duration::toMillis).orElse(-1L)));
    f.put("firstFrameAt", Long.toString(s.firstFrameAt().map(Instant::toEpochMilli).orElse(-1L)));
    f.put("lastEventAt", Long.toString(s.lastEventAt().map(Instant::toEpochMilli).orElse(-1L)));
    f.put("stalls", Integer.toString(s.stalls().count()));
    f.put("stalledMs", Long.toString(s.stalls().total().toMillis()));
    f.put("stallOpenSince", Long.toString(s.stalls().openSince().map(Instant::toEpochMilli).orElse(-1L)));
    f.put("levelSwitches", Integer.toString(s.levelSwitches()));
    f.put("errors", Integer.toString(s.errors()));
    f.put("seeks", Integer.toString(s.seeks()));
    f.put("ended", s.ended() ? "1" : "0");
    return f;
  }

  private static QoeStats qoe(String sessionId, Map<String, String> f) {
    return new QoeStats(sessionId, f.get("userId"), PlaybackSession.Kind.of(f.get("kind")), f.get("targetId"),
        instant(f.get("clientStartedAt")), instant(f.get("lastSeen")),
        optional(f.get("startupMs")).map(Duration::ofMillis), optional(f.get("firstFrameAt")).map(Instant::ofEpochMilli),
        optional(f.get("lastEventAt")).map(Instant::ofEpochMilli),
        new QoeStats.Stalls(Integer.parseInt(f.get("stalls")), Duration.ofMillis(Long.parseLong(f.get("stalledMs"))),
            optional(f.get("stallOpenSince")).map(Instant::ofEpochMilli)),
        Integer.parseInt(f.get("levelSwitches")), Integer.parseInt(f.get("errors")), Integer.parseInt(f.get("seeks")),
        "1".equals(f.get("ended")));
  }

  @Override
  public void sweep() throws StoreException {
    Instant now = clock.instant();
    call(() -> {
      client.zremrangeByScore(PREFIX + "qoe:recent", "-inf", "(" + now.minus(config.qoeRetention()).toEpochMilli());
      client.eval(SWEEP, List.of(sessionsKey(PlaybackSession.Kind.VIDEO), sessionsKey(PlaybackSession.Kind.CHANNEL)), List.of());
      return null;
    });
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    client.close();
  }

  // ---- helpers

  /** What an optimistic update returns and, when something must change, the writes to queue in MULTI. */
  private record Write<T>(T result, java.util.function.Consumer<AbstractTransaction> writes) {}

  /** A computation over a hash's current fields; may throw only unchecked exceptions. */
  @FunctionalInterface
  private interface Update<T> {
    Write<T> apply(Map<String, String> fields);
  }

  /** WATCH {@code key}, read it, compute, write in MULTI/EXEC; again when another writer changed it meanwhile. */
  private <T> T optimistic(String key, Update<T> update) throws StoreException {
    return call(() -> {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        try (AbstractTransaction tx = client.transaction(false)) {
          tx.watch(key);
          Write<T> write = update.apply(client.hgetAll(key));
          if (write.writes() == null) {
            tx.unwatch();
            return write.result();
          }
          tx.multi();
          write.writes().accept(tx);
          if (tx.exec() != null) {
            return write.result();
          }
        }
        // Another writer won: back off for a random while (up to 1, 2, 4 ... 32 ms), so that writers
        // contending for one key spread out instead of colliding again in lock step.
        try {
          Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << Math.min(attempt, 5)) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while updating Redis key " + key, e);
        }
      }
      throw new StoreException("Redis key " + key + " changed under " + MAX_ATTEMPTS + " attempts in a row; try again");
    });
  }

  /** HGETALL of each id's key in one round trip, in the order of {@code ids}. */
  private Map<String, Map<String, String>> hgetAll(List<String> ids, Function<String, String> key) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (Pipeline p = client.pipelined()) {
      Map<String, Response<Map<String, String>>> responses = new LinkedHashMap<>();
      for (String id : ids) {
        responses.put(id, p.hgetAll(key.apply(id)));
      }
      p.sync();
      responses.forEach((id, r) -> out.put(id, r.get()));
    }
    return out;
  }

  /** Redis work whose failures become {@link StoreException}s. */
  @FunctionalInterface
  private interface Work<T> {
    T run() throws StoreException;
  }

  private <T> T call(Work<T> work) throws StoreException {
    try {
      return work.run();
    } catch (JedisException e) {
      throw new StoreException("Redis at " + description + " failed: " + e.getMessage(), e);
    }
  }

  private static String progressKey(String userId, String videoId) {
    return PREFIX + "progress:" + userId + ":" + videoId;
  }

  private static String continueKey(String userId) {
    return PREFIX + "continue:" + userId;
  }

  private static String sessionKey(String id) {
    return PREFIX + "session:" + id;
  }

  private static String sessionsKey(PlaybackSession.Kind kind) {
    return PREFIX + "sessions:" + kind.label();
  }

  private static String qoeKey(String sessionId) {
    return PREFIX + "qoe:session:" + sessionId;
  }

  private static String qoeTargetKey(PlaybackSession.Kind kind, String targetId) {
    return PREFIX + "qoe:target:" + kind.label() + ":" + targetId;
  }

  private static Instant instant(String ms) {
    return Instant.ofEpochMilli(Long.parseLong(ms));
  }

  private static Optional<Long> optional(String ms) {
    long v = ms == null ? -1 : Long.parseLong(ms);
    return v < 0 ? Optional.empty() : Optional.of(v);
  }
}
