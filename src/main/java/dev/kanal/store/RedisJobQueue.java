package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A job queue shared by several nodes through Redis: a Stream with one consumer group ({@code workers}),
 * a state hash per job key and a lease per job key.
 *
 * <ul>
 *   <li>{@link #request} is atomic (one script): when the key's current job has the same id and is queued,
 *       running or published, nothing happens; otherwise the state becomes {@code queued} and one stream
 *       entry is added. Job ids are idempotent (the caller derives them from what the job makes), so a
 *       repeated request never queues the same work twice.</li>
 *   <li>A worker takes an entry ({@link #next}): first any entry whose holder stopped renewing for longer
 *       than the lease ({@code XAUTOCLAIM}, a dead node's job), else a new one ({@code XREADGROUP}). It then
 *       takes the key's lease ({@code SET NX PX}); an entry whose job was superseded, cancelled or already
 *       published is acknowledged and dropped; an entry whose key is leased by another worker stays pending
 *       and is looked at again after the lease.</li>
 *   <li>The holder renews the lease ({@link #renew}) every third of it, which also resets the entry's idle
 *       time; {@link #renew} tells it when the job was cancelled or superseded, or the lease was lost.</li>
 *   <li>Publishing is fenced by the lease: {@link #beginPublish} (state {@code publishing}) and
 *       {@link #finishPublish} (state {@code published}, {@code publishes} + 1, entry acknowledged) both
 *       succeed only for the lease holder of the current job id.</li>
 * </ul>
 * Every method blocks: call from virtual threads.
 */
public final class RedisJobQueue implements AutoCloseable {

  /** The consumer group every worker node joins. */
  static final String GROUP = "workers";
  /** Connections: one blocking read per worker thread, plus the API's calls. */
  private static final int POOL_SIZE = 24;

  /**
   * One job key's state.
   *
   * @param state {@code queued}, {@code running}, {@code publishing}, {@code published}, {@code failed},
   *     {@code cancelled}
   * @param progress 0 to 100, as last reported by the worker
   * @param error why it failed (for {@code failed}), else empty
   * @param node the consumer that runs or ran it, else empty
   * @param publishes how many times a worker published this key (a job published twice would show 2)
   */
  public record JobState(String key, String jobId, String state, double progress, String error, String node,
      long publishes) {}

  /**
   * A job a worker holds: its stream entry and its lease.
   *
   * @param previousState the state before this worker took it: {@code queued}, or {@code running} /
   *     {@code publishing} when it was taken over from a worker that stopped renewing
   */
  public record Claim(String key, String jobId, String entryId, String owner, String previousState) {}

  /** What {@link #renew} found. */
  public enum Renewal {
    /** Still this worker's job. */
    HELD,
    /** Cancelled or superseded by a newer job for the key: stop, publish nothing. */
    STOPPED,
    /** Another worker took it over (this one stopped renewing for longer than the lease): stop. */
    LOST
  }

  private static final String REQUEST = """
      local jid = redis.call('HGET', KEYS[1], 'jobId')
      local st = redis.call('HGET', KEYS[1], 'state')
      if jid == ARGV[2] and (st == 'queued' or st == 'running' or st == 'publishing' or st == 'published') then
        return 0
      end
      redis.call('HSET', KEYS[1], 'key', ARGV[1], 'jobId', ARGV[2], 'state', 'queued', 'progress', '0',
        'error', '', 'node', '', 'updated', ARGV[3])
      redis.call('XADD', KEYS[2], '*', 'key', ARGV[1], 'jobId', ARGV[2])
      return 1
      """;

  private static final String CANCEL = """
      local st = redis.call('HGET', KEYS[1], 'state')
      if st == 'queued' or st == 'running' then
        redis.call('HSET', KEYS[1], 'state', 'cancelled', 'error', '', 'updated', ARGV[1])
        return 1
      end
      return 0
      """;

  /** KEYS: hash, lease. ARGV: jobId, owner, lease ms, node, now. */
  private static final String CLAIM = """
      local jid = redis.call('HGET', KEYS[1], 'jobId')
      local st = redis.call('HGET', KEYS[1], 'state')
      if jid ~= ARGV[1] or not (st == 'queued' or st == 'running' or st == 'publishing') then
        return 'stale'
      end
      if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
        return 'busy'
      end
      redis.call('HSET', KEYS[1], 'state', 'running', 'node', ARGV[4], 'updated', ARGV[5])
      return st
      """;

  /** KEYS: hash, lease, stream. ARGV: owner, jobId, lease ms, group, consumer, entry id, now. */
  private static final String RENEW = """
      if redis.call('GET', KEYS[2]) ~= ARGV[1] then
        return 0
      end
      if redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
        redis.call('DEL', KEYS[2])
        return -1
      end
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      redis.call('XCLAIM', KEYS[3], ARGV[4], ARGV[5], 0, ARGV[6], 'JUSTID')
      redis.call('HSET', KEYS[1], 'updated', ARGV[7])
      return 1
      """;

  /** KEYS: hash, lease. ARGV: owner, jobId, field, value, now. Sets a field of a held job. */
  private static final String SET_HELD = """
      if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[2] then
        return 0
      end
      redis.call('HSET', KEYS[1], ARGV[3], ARGV[4], 'updated', ARGV[5])
      return 1
      """;

  /** KEYS: hash, lease. ARGV: owner, jobId, now. */
  private static final String BEGIN_PUBLISH = """
      if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[2]
          or redis.call('HGET', KEYS[1], 'state') ~= 'running' then
        return 0
      end
      redis.call('HSET', KEYS[1], 'state', 'publishing', 'updated', ARGV[3])
      return 1
      """;

  /** KEYS: hash, lease, stream. ARGV: owner, jobId, now, group, entry id, publishes to add (1, or 0 when adopted). */
  private static final String FINISH_PUBLISH = """
      if redis.call('GET', KEYS[2]) ~= ARGV[1] or redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[2]
          or redis.call('HGET', KEYS[1], 'state') ~= 'publishing' then
        return 0
      end
      redis.call('HSET', KEYS[1], 'state', 'published', 'progress', '100', 'error', '', 'updated', ARGV[3])
      redis.call('HINCRBY', KEYS[1], 'publishes', tonumber(ARGV[6]))
      redis.call('DEL', KEYS[2])
      redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
      redis.call('XDEL', KEYS[3], ARGV[5])
      return 1
      """;

  /** KEYS: hash, lease, stream. ARGV: owner, jobId, now, group, entry id, new state, error. */
  private static final String END = """
      local held = redis.call('GET', KEYS[2]) == ARGV[1]
      if held then
        redis.call('DEL', KEYS[2])
        if redis.call('HGET', KEYS[1], 'jobId') == ARGV[2] and redis.call('HGET', KEYS[1], 'state') == 'running' then
          redis.call('HSET', KEYS[1], 'state', ARGV[6], 'error', ARGV[7], 'updated', ARGV[3])
          if ARGV[6] == 'queued' then
            redis.call('HSET', KEYS[1], 'progress', '0', 'node', '')
            redis.call('XADD', KEYS[3], '*', 'key', redis.call('HGET', KEYS[1], 'key'), 'jobId', ARGV[2])
          end
        end
      end
      redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
      redis.call('XDEL', KEYS[3], ARGV[5])
      return held and 1 or 0
      """;

  private final RedisConnection redis;
  private final String prefix;
  private final String stream;

  private RedisJobQueue(RedisConnection redis, String name) {
    this.redis = redis;
    this.prefix = "kanal:" + name + ":";
    this.stream = prefix + "jobs";
  }

  /**
   * Connects and makes sure the stream and its consumer group exist.
   *
   * @param name the queue's name in Redis keys ({@code kanal:<name>:...})
   */
  public static RedisJobQueue open(KanalConfig.RedisConfig config, String name) throws StoreException {
    RedisConnection redis = RedisConnection.open(config, POOL_SIZE);
    RedisJobQueue queue = new RedisJobQueue(redis, name);
    try {
      redis.client().xgroupCreate(queue.stream, GROUP, new StreamEntryID(0, 0), true);
    } catch (JedisDataException e) {
      if (!String.valueOf(e.getMessage()).startsWith("BUSYGROUP")) {
        redis.close();
        throw new StoreException("cannot create the job stream " + queue.stream + " in Redis: " + e.getMessage(), e);
      }
    } catch (JedisException e) {
      redis.close();
      throw new StoreException("cannot reach Redis at " + redis.description() + ": " + e.getMessage(), e);
    }
    return queue;
  }

  /** {@code redis://host:port}, for logs. */
  public String description() {
    return redis.description();
  }

  /** The state of a key's job, if it ever had one. */
  public Optional<JobState> state(String key) throws StoreException {
    Map<String, String> h = call(() -> redis.client().hgetAll(hashKey(key)));
    if (h.isEmpty() || !h.containsKey("jobId")) {
      return Optional.empty();
    }
    return Optional.of(new JobState(key, h.get("jobId"), h.getOrDefault("state", "queued"),
        parseDouble(h.get("progress")), h.getOrDefault("error", ""), h.getOrDefault("node", ""),
        parseLong(h.get("publishes"))));
  }

  /**
   * Queues {@code jobId} for {@code key} unless that very job is already queued, running or published.
   *
   * @return true when an entry was added
   */
  public boolean request(String key, String jobId) throws StoreException {
    Object r = call(() -> redis.client().eval(REQUEST, List.of(hashKey(key), stream), List.of(key, jobId, now())));
    return Long.valueOf(1).equals(r);
  }

  /** Cancels a queued or running job of the key; false when there was none. The holder stops at its next renewal. */
  public boolean cancel(String key) throws StoreException {
    Object r = call(() -> redis.client().eval(CANCEL, List.of(hashKey(key)), List.of(now())));
    return Long.valueOf(1).equals(r);
  }

  /**
   * The next job for this worker: one whose holder stopped renewing for longer than {@code lease}, else a
   * new one, waiting up to {@code block}. Empty when there is none (or the entry found was dropped or is
   * held elsewhere): just call again.
   *
   * @param consumer this worker's name in the group (unique per node)
   * @param owner the lease value, unique per attempt (the consumer and something random)
   */
  public Optional<Claim> next(String consumer, String owner, Duration lease, Duration block) throws StoreException {
    Map.Entry<StreamEntryID, List<StreamEntry>> expired = call(() -> redis.client().xautoclaim(stream, GROUP, consumer,
        lease.toMillis(), new StreamEntryID(0, 0), new XAutoClaimParams().count(1)));
    List<StreamEntry> entries = expired.getValue();
    if (entries.isEmpty()) {
      var read = call(() -> redis.client().xreadGroup(GROUP, consumer,
          XReadGroupParams.xReadGroupParams().count(1).block((int) Math.max(1, block.toMillis())),
          Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY)));
      if (read == null || read.isEmpty()) {
        return Optional.empty();
      }
      entries = read.getFirst().getValue();
    }
    if (entries == null || entries.isEmpty()) {
      return Optional.empty();
    }
    StreamEntry entry = entries.getFirst();
    String key = entry.getFields().get("key");
    String jobId = entry.getFields().get("jobId");
    String entryId = entry.getID().toString();
    if (key == null || jobId == null) {
      drop(entryId);
      return Optional.empty();
    }
    Object r = call(() -> redis.client().eval(CLAIM, List.of(hashKey(key), leaseKey(key)),
        List.of(jobId, owner, Long.toString(lease.toMillis()), consumer, now())));
    String result = String.valueOf(r);
    return switch (result) {
      case "stale" -> {
        drop(entryId);
        yield Optional.empty();
      }
      case "busy" -> Optional.empty(); // stays pending: looked at again once idle for a lease
      default -> Optional.of(new Claim(key, jobId, entryId, owner, result));
    };
  }

  /** Extends the lease of a held job and resets its entry's idle time. */
  public Renewal renew(Claim c, String consumer, Duration lease) throws StoreException {
    Object r = call(() -> redis.client().eval(RENEW, List.of(hashKey(c.key()), leaseKey(c.key()), stream),
        List.of(c.owner(), c.jobId(), Long.toString(lease.toMillis()), GROUP, consumer, c.entryId(), now())));
    long v = r instanceof Long l ? l : 0;
    return v == 1 ? Renewal.HELD : v == -1 ? Renewal.STOPPED : Renewal.LOST;
  }

  /** Records a held job's progress (0-100); false when the job is no longer this worker's. */
  public boolean progress(Claim c, double percent) throws StoreException {
    Object r = call(() -> redis.client().eval(SET_HELD, List.of(hashKey(c.key()), leaseKey(c.key())),
        List.of(c.owner(), c.jobId(), "progress", Double.toString(Math.round(percent * 10) / 10.0), now())));
    return Long.valueOf(1).equals(r);
  }

  /** Marks a held, running job as being published; false when it is no longer this worker's to publish. */
  public boolean beginPublish(Claim c) throws StoreException {
    Object r = call(() -> redis.client().eval(BEGIN_PUBLISH, List.of(hashKey(c.key()), leaseKey(c.key())),
        List.of(c.owner(), c.jobId(), now())));
    return Long.valueOf(1).equals(r);
  }

  /** Marks a job this worker is publishing as published, releases it and acknowledges its entry. */
  public boolean finishPublish(Claim c) throws StoreException {
    return finish(c, 1);
  }

  private boolean finish(Claim c, int publishes) throws StoreException {
    Object r = call(() -> redis.client().eval(FINISH_PUBLISH, List.of(hashKey(c.key()), leaseKey(c.key()), stream),
        List.of(c.owner(), c.jobId(), now(), GROUP, c.entryId(), Integer.toString(publishes))));
    return Long.valueOf(1).equals(r);
  }

  /** Ends a held job as failed (with why), releases it and acknowledges its entry. */
  public void fail(Claim c, String error) throws StoreException {
    end(c, "failed", error);
  }

  /** Releases a held job without result (it was cancelled or superseded) and acknowledges its entry. */
  public void release(Claim c) throws StoreException {
    end(c, "cancelled", "");
  }

  /** Gives a held job back to the queue at once (this node is stopping): another worker takes it. */
  public void requeue(Claim c) throws StoreException {
    end(c, "queued", "");
  }

  private void end(Claim c, String state, String error) throws StoreException {
    call(() -> redis.client().eval(END, List.of(hashKey(c.key()), leaseKey(c.key()), stream),
        List.of(c.owner(), c.jobId(), now(), GROUP, c.entryId(), state, error)));
  }

  /**
   * Marks a taken-over job as published without a new publish (the worker that died had already moved its
   * complete output into place), releases it and acknowledges its entry.
   */
  public boolean adoptPublished(Claim c) throws StoreException {
    Object r = call(() -> redis.client().eval(SET_HELD, List.of(hashKey(c.key()), leaseKey(c.key())),
        List.of(c.owner(), c.jobId(), "state", "publishing", now())));
    return Long.valueOf(1).equals(r) && finish(c, 0);
  }

  /** Entries not yet acknowledged (delivered to a worker and not finished), for tests and status. */
  public long pending() throws StoreException {
    return call(() -> redis.client().xpending(stream, GROUP).getTotal());
  }

  private void drop(String entryId) throws StoreException {
    StreamEntryID id = new StreamEntryID(entryId);
    call(() -> {
      redis.client().xack(stream, GROUP, id);
      return redis.client().xdel(stream, id);
    });
  }

  private String hashKey(String key) {
    return prefix + "job:" + key;
  }

  private String leaseKey(String key) {
    return prefix + "lease:" + key;
  }

  private static String now() {
    return Long.toString(System.currentTimeMillis());
  }

  private static double parseDouble(String s) {
    try {
      return s == null ? 0 : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @FunctionalInterface
  private interface RedisCall<T> {
    T run();
  }

  private <T> T call(RedisCall<T> call) throws StoreException {
    try {
      return call.run();
    } catch (JedisException e) {
      throw new StoreException("Redis job queue at " + redis.description() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    redis.close();
  }
}
