package dev.kanal.server;

import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.net.FfmpegNetworkInput;
import dev.kanal.net.HttpFetcher;
import dev.kanal.relay.AddressGuard;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions behind {@code /live/{id}.ts}: one ffmpeg per channel remuxing its upstream to one
 * continuous MPEG-TS ({@code -c copy -f mpegts pipe:1}), shared by every viewer of that channel.
 * ffmpeg starts with the first viewer and is stopped {@code gracePeriod} after the last one leaves
 * (a viewer coming back meanwhile reuses it). Its stdout is read on a virtual thread in whole
 * 188-byte packets and handed to every viewer without waiting: a viewer more than
 * {@code viewerBacklog} bytes behind is dropped, so one slow client never stalls the others. A
 * joining viewer starts at the last key frame ({@link TsGopCache}).
 *
 * <p>When ffmpeg exits, or sends nothing for {@code stallTimeout}, while viewers remain, the next
 * source of the channel is started (simple failover); after every source failed in a row without
 * sending anything, or too many starts in a minute, the viewers' responses end. At most
 * {@code tuners} channels stream at once (0: no limit); an idle channel in its grace period gives its
 * tuner to a new one. No ffmpeg outlives the relay: {@link #close} stops them (SIGTERM, then SIGKILL
 * after 2 s) and waits until they are reaped; one whose reader (this JVM) dies gets EPIPE and exits.
 * Built once per server and shared by its event loops; every method is thread-safe.
 */
final class TsRelay implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TsRelay.class);
  /** Bytes read from ffmpeg per read (whole packets are passed on, the rest waits for the next read). */
  private static final int READ_BYTES = 188 * 348;
  /** How long ffmpeg may take to exit after SIGTERM before it is killed. */
  private static final Duration KILL_AFTER = Duration.ofSeconds(2);
  /** Last bytes of ffmpeg's stderr kept for the log when it exits. */
  private static final int STDERR_TAIL = 2048;
  private static final Pattern URL_QUERY = Pattern.compile("(https?://[^\\s?#]*)[?#]\\S*");

  /**
   * The relay's bounds.
   *
   * @param gracePeriod how long ffmpeg outlives its last viewer ({@code relay.gracePeriod})
   * @param tuners channels streaming at once ({@code relay.tuners}); 0: no limit
   * @param viewerBacklog bytes queued for one viewer before it is dropped as too slow
   * @param gopCache bytes of the current GOP kept for joining viewers
   * @param stallTimeout how long ffmpeg may send nothing (at start or later) before it is restarted
   * @param restartDelay the pause before starting the next source after ffmpeg exits
   * @param maxStartsPerMinute ffmpeg starts per channel in a minute before its viewers are ended
   */
  record Limits(Duration gracePeriod, int tuners, long viewerBacklog, long gopCache, Duration stallTimeout,
      Duration restartDelay, int maxStartsPerMinute) {

    /** These relay settings with the defaults: 8 MiB backlog and GOP, 20 s stall, 1 s pause, 6 starts a minute. */
    static Limits of(Duration gracePeriod, int tuners) {
      return new Limits(gracePeriod, tuners, 8L << 20, 8L << 20, Duration.ofSeconds(20), Duration.ofSeconds(1), 6);
    }
  }

  /** One client of a channel's stream. Called under the relay's lock: implementations never block. */
  interface Viewer {
    /** Queues bytes for the client; false when it is too far behind (it is then {@link #drop}ped). */
    boolean offer(Buffer chunk);

    /**
     * The stream ended; a viewer that has received nothing yet answers {@code status} with {@code reason}
     * instead (502: no source could be played, 503: ffmpeg could not run or the server stops).
     */
    void end(int status, String reason);

    /** Ends the client's connection at once (too slow). */
    void drop();
  }

  /** Why a viewer could not join: an HTTP status and one sentence. */
  static final class JoinException extends Exception {
    final int status;

    JoinException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private final Path ffmpeg;
  private final Limits limits;
  /**
   * The channel's playlist on Kanal's own HLS relay, when ffmpeg reads through it (the server's
   * setting): then every upstream request goes through the relay's SSRF guard, tokens and fan-out
   * (one upstream fetch for HLS and .ts viewers together), and the relay does the failover. Empty:
   * ffmpeg reads the source itself (tests of this class alone).
   */
  private final Optional<java.util.function.Function<Channel, String>> viaRelay;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Session> sessions = new HashMap<>();
  private final ScheduledExecutorService timer;
  private final AtomicInteger viewerCount = new AtomicInteger();
  private final AtomicInteger processCount = new AtomicInteger();
  private final Counter dropped;
  private final Counter starts;
  private boolean closed;

  TsRelay(Path ffmpeg, Limits limits, MeterRegistry registry) {
    this(ffmpeg, limits, registry, Optional.empty());
  }

  TsRelay(Path ffmpeg, Limits limits, MeterRegistry registry,
      Optional<java.util.function.Function<Channel, String>> viaRelay) {
    this.ffmpeg = ffmpeg;
    this.limits = limits;
    this.viaRelay = viaRelay;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("kanal-ts-timer").unstarted(r));
    registry.gauge("kanal.ts.viewers", viewerCount);
    registry.gauge("kanal.ts.ffmpeg.processes", processCount);
    this.dropped = Counter.builder("kanal.ts.viewers.dropped").description("viewers of /live/{id}.ts dropped as too slow")
        .register(registry);
    this.starts = Counter.builder("kanal.ts.ffmpeg.starts").description("ffmpeg processes started for /live/{id}.ts")
        .register(registry);
    long check = Math.max(200, Math.min(1000, limits.stallTimeout().toMillis() / 4));
    timer.scheduleWithFixedDelay(this::watchdog, check, check, TimeUnit.MILLISECONDS);
  }

  /** The handle a viewer leaves with. */
  final class Ticket {
    private final Session session;
    private final Viewer viewer;

    private Ticket(Session session, Viewer viewer) {
      this.session = session;
      this.viewer = viewer;
    }

    /** The viewer went away; the last one to leave starts the grace period. Idempotent. */
    void leave() {
      lock.lock();
      try {
        removeViewer(session, viewer);
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Adds a viewer to the channel's stream, starting ffmpeg when none runs. Blocks (DNS, process
   * start): call it on a virtual thread.
   *
   * @throws JoinException 404 without sources, 403 when every source is refused by {@link AddressGuard},
   *     503 when every tuner is busy, 500 when ffmpeg cannot be started
   */
  Ticket join(Channel channel, Viewer viewer) throws JoinException {
    List<ChannelSource> allowed = allowedSources(channel);
    String key = channel.id().toLowerCase(Locale.ROOT);
    Session fresh;
    lock.lock();
    try {
      if (closed) {
        throw new JoinException(503, "the server is shutting down");
      }
      Session running = sessions.get(key);
      if (running != null) {
        addViewer(running, viewer);
        return new Ticket(running, viewer);
      }
      if (limits.tuners() > 0 && sessions.size() >= limits.tuners()) {
        Session idle = sessions.values().stream().filter(s -> s.viewers.isEmpty()).findFirst().orElse(null);
        if (idle == null) {
          throw new JoinException(503, "all " + limits.tuners() + " tuners are busy (relay.tuners): stop watching another"
              + " channel as .ts or raise relay.tuners, then try channel '" + channel.id() + "' again");
        }
        log.info("event=ts.tuner.reclaimed channel={} for={}", idle.channel.id(), channel.id());
        stop(idle);
      }
      fresh = new Session(key, channel, allowed);
      sessions.put(key, fresh);
      addViewer(fresh, viewer);
    } finally {
      lock.unlock();
    }
    launch(fresh, false);
    return new Ticket(fresh, viewer);
  }

  /**
   * The channel's sources in the order they are tried (the best one first, then the others), from the
   * first one {@link AddressGuard} lets the relay fetch: those are resolved one by one only until one
   * passes (a dead host can take seconds to fail), and the later ones are checked when failover
   * reaches them.
   */
  private static List<ChannelSource> allowedSources(Channel channel) throws JoinException {
    List<ChannelSource> ordered = new ArrayList<>();
    channel.bestSource().ifPresent(ordered::add);
    channel.sources().stream().filter(s -> !ordered.contains(s)).forEach(ordered::add);
    if (ordered.isEmpty()) {
      throw new JoinException(404, "channel '" + channel.id() + "' has no stream source");
    }
    String refused = null;
    for (int i = 0; i < ordered.size(); i++) {
      ChannelSource s = ordered.get(i);
      try {
        AddressGuard.resolve(URI.create(s.url()), s.allowPrivate());
        return List.copyOf(ordered.subList(i, ordered.size()));
      } catch (AddressGuard.RefusedException e) {
        refused = refused == null ? e.getMessage() : refused;
      } catch (IllegalArgumentException e) {
        refused = refused == null ? "a source is not a valid URL" : refused;
      }
    }
    throw new JoinException(403, "channel '" + channel.id() + "' cannot be relayed: " + refused);
  }

  /** Starts ffmpeg on the session's current source; blocks briefly (DNS when re-checking, fork). */
  private void launch(Session s, boolean recheck) {
    ChannelSource source;
    lock.lock();
    try {
      if (s.stopped) {
        return;
      }
      source = s.sources.get(s.index);
    } finally {
      lock.unlock();
    }
    if (recheck) {
      try {
        AddressGuard.resolve(URI.create(source.url()), source.allowPrivate());
      } catch (AddressGuard.RefusedException | IllegalArgumentException e) {
        log.warn("event=ts.source.refused channel={} reason=\"{}\"", s.channel.id(), e.getMessage());
        ended(s, -1, false);
        return;
      }
    }
    Process process;
    try {
      // HLS sources go through the HLS relay; others (a raw MPEG-TS over HTTP) are read directly.
      List<String> command = viaRelay.isPresent() && isHls(source.url())
          ? command(ChannelSource.unchecked(viaRelay.get().apply(s.channel), Map.of(), "kanal relay", 0, true))
          : command(source);
      process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      log.error("event=ts.ffmpeg.unstartable channel={} ffmpeg={} reason=\"{}\"", s.channel.id(), ffmpeg, e.getMessage());
      lock.lock();
      try {
        s.failuresInRow = s.sources.size();
        endSession(s, 503, "ffmpeg could not be started for channel '" + s.channel.id() + "' (see the server log)");
      } finally {
        lock.unlock();
      }
      return;
    }
    processCount.incrementAndGet();
    starts.increment();
    long run;
    lock.lock();
    try {
      run = ++s.run;
      s.process = process;
      s.runHadData = false;
      s.lastData = System.nanoTime();
      s.starts.addLast(System.nanoTime());
      s.cache.reset();
      if (s.stopped) {
        s.process = null;
        terminate(process);
      }
    } finally {
      lock.unlock();
    }
    log.info("event=ts.ffmpeg.started channel={} pid={} source={}", s.channel.id(), process.pid(),
        AddressGuard.redact(URI.create(source.url())));
    StringBuilder stderr = new StringBuilder();
    Thread.ofVirtual().name("kanal-ts-err-" + process.pid()).start(() -> drainStderr(process, stderr));
    Thread.ofVirtual().name("kanal-ts-out-" + process.pid()).start(() -> read(s, run, process, stderr));
  }

  /** Whether a URL names an HLS playlist by its path ({@code .m3u8}, {@code .m3u}), as players decide too. */
  static boolean isHls(String url) {
    try {
      String path = URI.create(url).getPath();
      String p = path == null ? "" : path.toLowerCase(Locale.ROOT);
      return p.endsWith(".m3u8") || p.endsWith(".m3u");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The ffmpeg command for a source: its headers, reconnects, the stall timeout, stream copy to TS on stdout. */
  List<String> command(ChannelSource source) {
    List<String> cmd = new ArrayList<>(List.of(ffmpeg.toString(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-rw_timeout", Long.toString(limits.stallTimeout().toNanos() / 1000),
        "-reconnect", "1", "-reconnect_streamed", "1", "-reconnect_on_network_error", "1", "-reconnect_delay_max", "4"));
    // Only network protocols (a playlist naming file:, concat: or data: URLs cannot read local files), and
    // the source's headers cleaned of control characters.
    cmd.addAll(FfmpegNetworkInput.options(source.headers(), HttpFetcher.DEFAULT_USER_AGENT));
    // ffmpeg's own choice of streams (the best video and audio: for an HLS multivariant playlist only
    // that variant is downloaded); subtitles and data streams are left out, since copying WebVTT or
    // ID3 into MPEG-TS can fail.
    cmd.addAll(List.of("-i", source.url(), "-sn", "-dn", "-c", "copy", "-f", "mpegts", "pipe:1"));
    return cmd;
  }

  private void read(Session s, long run, Process process, StringBuilder stderr) {
    byte[] buf = new byte[READ_BYTES];
    int filled = 0;
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buf, filled, buf.length - filled)) >= 0) {
        filled += n;
        int whole = filled - filled % TsGopCache.PACKET;
        if (whole > 0) {
          byte[] chunk = java.util.Arrays.copyOf(buf, whole);
          System.arraycopy(buf, whole, buf, 0, filled - whole);
          filled -= whole;
          publish(s, run, chunk);
        }
      }
    } catch (IOException e) {
      // Closed by terminate(), or ffmpeg died: either way the exit code tells.
    }
    int code = reap(process);
    processCount.decrementAndGet();
    String tail;
    synchronized (stderr) {
      tail = redact(stderr.toString().strip());
    }
    boolean hadData;
    lock.lock();
    try {
      hadData = s.run == run && s.runHadData;
    } finally {
      lock.unlock();
    }
    log.info("event=ts.ffmpeg.exited channel={} pid={} code={} sentData={} stderr=\"{}\"", s.channel.id(), process.pid(),
        code, hadData, tail.replace('"', '\'').replace('\n', ' '));
    ended(s, run, hadData);
  }

  /** Waits for the process to exit (killing it if it lingers) and returns its exit code. */
  private static int reap(Process process) {
    try {
      if (!process.waitFor(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
      }
      return process.isAlive() ? -1 : process.exitValue();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static void drainStderr(Process process, StringBuilder tail) {
    byte[] buf = new byte[1024];
    try (InputStream err = process.getErrorStream()) {
      int n;
      while ((n = err.read(buf)) >= 0) {
        synchronized (tail) {
          tail.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          if (tail.length() > STDERR_TAIL) {
            tail.delete(0, tail.length() - STDERR_TAIL);
          }
        }
      }
    } catch (IOException e) {
      // ffmpeg is gone.
    }
  }

  /** ffmpeg's messages without URL queries (tokens ride in them). */
  static String redact(String text) {
    return URL_QUERY.matcher(text).replaceAll("$1?...");
  }

  private void publish(Session s, long run, byte[] chunk) {
    lock.lock();
    try {
      if (s.stopped || s.run != run) {
        return;
      }
      s.runHadData = true;
      s.failuresInRow = 0;
      s.lastData = System.nanoTime();
      Buffer buffer = Buffer.buffer(chunk);
      s.cache.accept(chunk, buffer);
      for (Viewer v : List.copyOf(s.viewers)) {
        if (!v.offer(buffer)) {
          log.info("event=ts.viewer.dropped channel={} reason=\"more than {} bytes behind\"", s.channel.id(),
              limits.viewerBacklog());
          dropped.increment();
          removeViewer(s, v);
          v.drop();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A run ended (ffmpeg exited, or its source was refused): fail over, or end the session. */
  private void ended(Session s, long run, boolean hadData) {
    lock.lock();
    try {
      if (s.stopped || (run >= 0 && s.run != run)) {
        return;
      }
      s.process = null;
      if (s.viewers.isEmpty()) {
        stop(s);
        return;
      }
      if (!hadData) {
        s.failuresInRow++;
      }
      long minuteAgo = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
      while (!s.starts.isEmpty() && s.starts.peekFirst() < minuteAgo) {
        s.starts.removeFirst();
      }
      if (s.failuresInRow >= s.sources.size()) {
        endSession(s, 502, "no source of channel '" + s.channel.id()
            + "' could be played (every one failed; see the server log)");
        return;
      }
      if (s.starts.size() >= limits.maxStartsPerMinute()) {
        endSession(s, 502, "channel '" + s.channel.id() + "' keeps failing (" + s.starts.size()
            + " ffmpeg starts in a minute); try again later");
        return;
      }
      s.index = (s.index + 1) % s.sources.size();
      log.info("event=ts.failover channel={} next={}", s.channel.id(), s.index);
      timer.schedule(() -> Thread.ofVirtual().name("kanal-ts-restart").start(() -> launch(s, true)),
          limits.restartDelay().toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      lock.unlock();
    }
  }

  /** Ends every viewer (with {@code reason} for those that got nothing) and stops the session. Lock held. */
  private void endSession(Session s, int status, String reason) {
    log.warn("event=ts.session.ended channel={} reason=\"{}\"", s.channel.id(), reason);
    for (Viewer v : List.copyOf(s.viewers)) {
      removeViewer(s, v);
      v.end(status, reason);
    }
    stop(s);
  }

  private void addViewer(Session s, Viewer v) {
    if (s.grace != null) {
      s.grace.cancel(false);
      s.grace = null;
    }
    for (Buffer b : s.cache.start()) {
      if (!v.offer(b)) {
        break;
      }
    }
    s.viewers.add(v);
    viewerCount.incrementAndGet();
  }

  /** Lock held. */
  private void removeViewer(Session s, Viewer v) {
    if (!s.viewers.remove(v)) {
      return;
    }
    viewerCount.decrementAndGet();
    if (s.viewers.isEmpty() && !s.stopped) {
      if (s.grace != null) {
        s.grace.cancel(false);
      }
      s.grace = timer.schedule(() -> {
        lock.lock();
        try {
          if (s.viewers.isEmpty() && !s.stopped) {
            log.info("event=ts.session.idle channel={} after={}s", s.channel.id(), limits.gracePeriod().toSeconds());
            stop(s);
          }
        } finally {
          lock.unlock();
        }
      }, limits.gracePeriod().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the session and its ffmpeg. Lock held. */
  private void stop(Session s) {
    if (s.stopped) {
      return;
    }
    s.stopped = true;
    sessions.remove(s.key, s);
    if (s.grace != null) {
      s.grace.cancel(false);
    }
    for (Viewer v : List.copyOf(s.viewers)) {
      removeViewer(s, v);
      v.end(503, "channel '" + s.channel.id() + "' stopped: the server is shutting down");
    }
    Process p = s.process;
    s.process = null;
    if (p != null) {
      terminate(p);
    }
  }

  /** SIGTERM now, SIGKILL after {@link #KILL_AFTER} if it still runs; the reader thread reaps it. */
  private void terminate(Process p) {
    p.destroy();
    try {
      timer.schedule(() -> {
        if (p.isAlive()) {
          log.warn("event=ts.ffmpeg.killed pid={} reason=\"no exit {} s after SIGTERM\"", p.pid(), KILL_AFTER.toSeconds());
          p.destroyForcibly();
        }
      }, KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      p.destroyForcibly();
    }
  }

  /** Restarts (through {@link #ended}) every ffmpeg that has sent nothing for the stall timeout. */
  private void watchdog() {
    long limit = limits.stallTimeout().toNanos();
    lock.lock();
    try {
      long now = System.nanoTime();
      for (Session s : sessions.values()) {
        if (s.process != null && s.process.isAlive() && now - s.lastData > limit) {
          log.warn("event=ts.ffmpeg.stalled channel={} pid={} silentFor={}s", s.channel.id(), s.process.pid(),
              limits.stallTimeout().toSeconds());
          s.lastData = now;
          s.process.destroy();
          Process p = s.process;
          timer.schedule(() -> {
            if (p.isAlive()) {
              p.destroyForcibly();
            }
          }, KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (RuntimeException e) {
      log.error("event=ts.watchdog.failed", e);
    } finally {
      lock.unlock();
    }
  }

  /** Channels streaming now, by id: how many viewers each has (for tests and status). */
  Map<String, Integer> streaming() {
    lock.lock();
    try {
      Map<String, Integer> out = new LinkedHashMap<>();
      sessions.values().forEach(s -> out.put(s.channel.id(), s.viewers.size()));
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Ends every stream and stops every ffmpeg, waiting (at most about 4 s) until they are gone. */
  @Override
  public void close() {
    List<Process> processes = new ArrayList<>();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Session s : List.copyOf(sessions.values())) {
        if (s.process != null) {
          processes.add(s.process);
        }
        stop(s);
      }
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + KILL_AFTER.toNanos();
    for (Process p : processes) {
      p.destroy();
    }
    try {
      for (Process p : processes) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      }
      for (Process p : processes) {
        if (!p.waitFor(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
          log.error("event=ts.ffmpeg.unkillable pid={}", p.pid());
        }
      }
    } catch (InterruptedException e) {
      processes.forEach(Process::destroyForcibly);
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
    if (!processes.isEmpty()) {
      log.info("event=ts.closed stopped={}", processes.size());
    }
  }

  /** One channel's stream: its ffmpeg run, viewers and failover state. Guarded by the relay's lock. */
  private final class Session {
    final String key;
    final Channel channel;
    final List<ChannelSource> sources;
    final List<Viewer> viewers = new ArrayList<>();
    final TsGopCache cache = new TsGopCache(limits.gopCache());
    final Deque<Long> starts = new ArrayDeque<>();
    int index;
    long run;
    Process process;
    boolean runHadData;
    long lastData;
    int failuresInRow;
    boolean stopped;
    ScheduledFuture<?> grace;

    Session(String key, Channel channel, List<ChannelSource> sources) {
      this.key = key;
      this.channel = channel;
      this.sources = sources;
    }
  }
}
